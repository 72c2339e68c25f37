package viz

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Series is one curve of a line plot: the points (X[i], Y[i]) joined in order.
type Series struct {
	Name string    // legend entry; a series with an empty name has none
	X, Y []float64 // same length, at least 1, all finite

	// Color is the curve's colour; nil means Colour(i) for the i-th series.
	Color color.Color
	// Dashed draws the curve dashed (e.g. validation next to a solid
	// training curve of the same colour).
	Dashed bool
}

// sansFont is the typeface of every plot's text: Liberation Sans, a metric
// clone of Arial embedded in gonum/plot, so rendering needs no system fonts.
var sansFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

// newPlot returns a plot with the package's fonts (sizes in points): a 14 pt
// title, 12 pt axis labels and legend, 10 pt tick labels.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sansFont, 14)
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sansFont, 12)
		a.Tick.Label.Font = font.From(sansFont, 10)
	}
	p.Legend.TextStyle.Font = font.From(sansFont, 11)
	return p
}

// Curves returns a line plot of the series with a light grid, round-number
// ticks, 4% of the Y range free above and below the curves and, when any
// series is named, a legend placed in the corner of the data area that the
// curves cross least (top right, bottom right, top left, bottom left, in that
// order of preference on ties), on a white box.
// Series i is drawn in s.Color, or Colour(i) when that is nil, 2 pt wide.
// It returns an error if there is no series, or a series is empty, has X and
// Y of different lengths, or holds NaN or ±Inf.
func Curves(title, xlabel, ylabel string, series ...Series) (*plot.Plot, error) {
	if len(series) == 0 {
		return nil, fmt.Errorf("viz: curves %q: no series", title)
	}
	p := newPlot(title, xlabel, ylabel)
	p.X.Tick.Marker = niceTicks{Target: 7}
	p.Y.Tick.Marker = niceTicks{Target: 6}
	p.Add(plotter.NewGrid())
	placer := &legendPlacer{}
	for i, s := range series {
		if len(s.X) != len(s.Y) {
			return nil, fmt.Errorf("viz: curves %q: series %d (%q): len(X)=%d != len(Y)=%d", title, i, s.Name, len(s.X), len(s.Y))
		}
		if len(s.X) == 0 {
			return nil, fmt.Errorf("viz: curves %q: series %d (%q): no points", title, i, s.Name)
		}
		xys := make(plotter.XYs, len(s.X))
		for k := range xys {
			x, y := s.X[k], s.Y[k]
			if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) {
				return nil, fmt.Errorf("viz: curves %q: series %d (%q): point %d is (%g, %g), want finite", title, i, s.Name, k, x, y)
			}
			xys[k] = plotter.XY{X: x, Y: y}
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("viz: curves %q: series %d (%q): %w", title, i, s.Name, err)
		}
		l.LineStyle.Width = vg.Points(2)
		l.LineStyle.Color = s.Color
		if s.Color == nil {
			l.LineStyle.Color = Colour(i)
		}
		if s.Dashed {
			l.LineStyle.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		}
		p.Add(l)
		placer.lines = append(placer.lines, xys)
		if s.Name != "" {
			p.Legend.Add(s.Name, l)
			placer.names = append(placer.names, s.Name)
		}
	}
	// Leave 4% of the Y range free above and below the curves.
	if span := p.Y.Max - p.Y.Min; span > 0 {
		p.Y.Min -= 0.04 * span
		p.Y.Max += 0.04 * span
	}
	if len(placer.names) > 0 {
		p.Legend.Padding = vg.Points(2)
		p.Add(placer) // after the curves, so its box lies under the legend only
	}
	return p, nil
}

// legendPlacer is a plot.Plotter drawn after the curves and before the
// legend: knowing the data canvas, it moves the legend to the corner its
// box covers the least curve length in, and paints a white box there.
type legendPlacer struct {
	lines []plotter.XYs
	names []string
}

// legendInset is the gap between the legend box and the data area's edges;
// legendPad the margin inside the box around the entries.
const (
	legendInset = vg.Length(6)
	legendPad   = vg.Length(4)
	legendClear = vg.Length(8) // free space wanted around the box
)

// grow returns r enlarged by d on every side.
func grow(r vg.Rectangle, d vg.Length) vg.Rectangle {
	return vg.Rectangle{Min: vg.Point{X: r.Min.X - d, Y: r.Min.Y - d}, Max: vg.Point{X: r.Max.X + d, Y: r.Max.Y + d}}
}

// Plot implements plot.Plotter.
func (lp *legendPlacer) Plot(c draw.Canvas, p *plot.Plot) {
	w, h := legendSize(&p.Legend, lp.names)
	trX, trY := p.Transforms(&c)
	var pts [][]vg.Point
	for _, xys := range lp.lines {
		q := make([]vg.Point, len(xys))
		for i, xy := range xys {
			q[i] = vg.Point{X: trX(xy.X), Y: trY(xy.Y)}
		}
		pts = append(pts, q)
	}
	type corner struct{ top, left bool }
	best, bestCover := corner{top: true}, math.Inf(1)
	var bestRect vg.Rectangle
	for _, k := range []corner{{true, false}, {false, false}, {true, true}, {false, true}} {
		r := legendRect(c, w, h, k.top, k.left)
		// Count curves passing close to the box too, so that a box squeezed
		// between curves loses to a corner with room around it.
		if cover := coveredLength(pts, grow(r, legendClear)); cover < bestCover {
			best, bestCover, bestRect = k, cover, r
		}
	}
	p.Legend.Top, p.Legend.Left = best.top, best.left
	// Legend.Draw puts the entries flush with the canvas edges; shift them in.
	p.Legend.XOffs = -(legendInset + legendPad)
	if best.left {
		p.Legend.XOffs = legendInset + legendPad
	}
	p.Legend.YOffs = -(legendInset + legendPad)
	if !best.top {
		p.Legend.YOffs = legendInset + legendPad
	}
	c.SetColor(color.White)
	c.Fill(bestRect.Path())
	c.SetLineStyle(draw.LineStyle{Color: color.Gray{Y: 160}, Width: vg.Points(0.75)})
	c.Stroke(bestRect.Path())
}

// legendSize returns the width and height of the legend's entries as
// plot.Legend.Draw lays them out.
func legendSize(l *plot.Legend, names []string) (w, h vg.Length) {
	sty := l.TextStyle
	var enth vg.Length
	for _, n := range names {
		enth = max(enth, sty.Rectangle(n).Max.Y)
		w = max(w, l.ThumbnailWidth+textWidth(sty, " "+n))
	}
	n := vg.Length(len(names))
	h = n*enth + (n-1)*l.Padding + sty.FontExtents().Descent
	return w, h
}

func textWidth(sty text.Style, s string) vg.Length { return sty.Rectangle(s).Max.X }

// legendRect is the legend's box, padding included, in corner (top, left) of c.
func legendRect(c draw.Canvas, w, h vg.Length, top, left bool) vg.Rectangle {
	bw, bh := w+2*legendPad, h+2*legendPad
	x0 := c.Max.X - legendInset - bw
	if left {
		x0 = c.Min.X + legendInset
	}
	y0 := c.Max.Y - legendInset - bh
	if !top {
		y0 = c.Min.Y + legendInset
	}
	return vg.Rectangle{Min: vg.Point{X: x0, Y: y0}, Max: vg.Point{X: x0 + bw, Y: y0 + bh}}
}

// coveredLength returns the length of the polylines inside r, estimated by
// sampling each segment every half point.
func coveredLength(lines [][]vg.Point, r vg.Rectangle) float64 {
	const step = 0.5
	in := func(q vg.Point) bool {
		return q.X >= r.Min.X && q.X <= r.Max.X && q.Y >= r.Min.Y && q.Y <= r.Max.Y
	}
	var total float64
	for _, pts := range lines {
		if len(pts) == 1 && in(pts[0]) {
			total += step
		}
		for i := 1; i < len(pts); i++ {
			a, b := pts[i-1], pts[i]
			d := math.Hypot(float64(b.X-a.X), float64(b.Y-a.Y))
			n := int(math.Ceil(d/step)) + 1
			for k := range n {
				t := vg.Length(float64(k) / float64(n))
				if in(vg.Point{X: a.X + t*(b.X-a.X), Y: a.Y + t*(b.Y-a.Y)}) {
					total += d / float64(n)
				}
			}
		}
	}
	return total
}
