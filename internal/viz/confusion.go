package viz

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// confusionGrid is a plotter.GridXYZ over an n × n count matrix, with true
// class i drawn on row n-1-i (so class 0 is at the top) and predicted class j
// on column j. Z is the colour value log(1+count)/log(1+max count), and NaN
// (drawn white) for a zero count.
type confusionGrid struct {
	counts [][]int
	logMax float64
}

func (g confusionGrid) Dims() (c, r int) { return len(g.counts), len(g.counts) }
func (g confusionGrid) X(c int) float64  { return float64(c) }
func (g confusionGrid) Y(r int) float64  { return float64(r) }
func (g confusionGrid) Min() float64     { return 0 }
func (g confusionGrid) Max() float64     { return 1 }
func (g confusionGrid) Z(c, r int) float64 {
	v := g.counts[len(g.counts)-1-r][c]
	if v == 0 {
		return math.NaN()
	}
	return g.value(v)
}

// value is the colour scale position of a count: log(1+v)/log(1+max).
func (g confusionGrid) value(v int) float64 {
	if g.logMax == 0 {
		return 0
	}
	return math.Log1p(float64(v)) / g.logMax
}

// Confusion returns a heat map of a confusion matrix: counts[i][j] is the
// number of examples of true class labels[i] predicted as labels[j]. True
// classes run down the Y axis (first class at the top), predicted classes
// along the X axis. A cell's colour is ColorBrewer's sequential Blues at
// log(1 + count) / log(1 + max count), so single confusions stay visible next
// to a full diagonal; zero cells are white, and every non-zero count is
// written in its cell, sized to fit the cell when the plot is rendered (white
// on dark cells). The title gets the accuracy Σ_i counts[i][i] / Σ counts.
// A 36-class matrix is readable rendered at 1200 × 1200 pixels.
// It returns an error for no classes, a ragged or non-square matrix, a label
// count different from the class count, or a negative count.
func Confusion(counts [][]int, labels []string, title string) (*plot.Plot, error) {
	n := len(counts)
	if n == 0 {
		return nil, fmt.Errorf("viz: confusion %q: no classes", title)
	}
	if len(labels) != n {
		return nil, fmt.Errorf("viz: confusion %q: %d labels for %d classes", title, len(labels), n)
	}
	maxCount, total, diag := 0, 0, 0
	for i, row := range counts {
		if len(row) != n {
			return nil, fmt.Errorf("viz: confusion %q: row %d has %d entries, want %d", title, i, len(row), n)
		}
		for j, v := range row {
			if v < 0 {
				return nil, fmt.Errorf("viz: confusion %q: count (%d, %d) = %d is negative", title, i, j, v)
			}
			maxCount = max(maxCount, v)
			total += v
			if i == j {
				diag += v
			}
		}
	}
	full := title
	if total > 0 {
		full = fmt.Sprintf("%s (accuracy %.4f, n = %d)", title, float64(diag)/float64(total), total)
	}
	p := newPlot(full, "predicted class", "true class")
	g := confusionGrid{counts: counts, logMax: math.Log1p(float64(maxCount))}
	const levels = 256
	hm := plotter.NewHeatMap(g, bluesPalette(levels))
	hm.NaN = color.White
	p.Add(hm)
	xt, yt := make([]plot.Tick, n), make([]plot.Tick, n)
	for i, l := range labels {
		xt[i] = plot.Tick{Value: float64(i), Label: l}
		yt[n-1-i] = plot.Tick{Value: float64(n - 1 - i), Label: l}
	}
	p.X.Tick.Label.Font.Size = 11
	p.Y.Tick.Label.Font.Size = 11
	p.X.Tick.Marker = plot.ConstantTicks(xt)
	p.Y.Tick.Marker = plot.ConstantTicks(yt)
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	p.X.Padding, p.Y.Padding = 0, 0
	p.Add(&cellCounts{grid: g})
	p.Add(&frame{})
	return p, nil
}

// cellCounts is a plot.Plotter writing each non-zero count of a confusion
// grid centred in its cell, in a font sized to the cell at drawing time.
type cellCounts struct{ grid confusionGrid }

// Plot implements plot.Plotter.
func (cc *cellCounts) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	cellW, cellH := trX(1)-trX(0), trY(1)-trY(0)
	digits := 1
	for _, row := range cc.grid.counts {
		for _, v := range row {
			digits = max(digits, len(strconv.Itoa(v)))
		}
	}
	// Liberation Sans digits are 0.556 em wide; leave 15% of the cell free.
	size := min(0.45*cellH, 0.85*cellW/(0.556*vg.Length(digits)), 14)
	if size < 3 { // too small to read: leave the colours alone
		return
	}
	sty := text.Style{
		Font:    font.From(sansFont, size),
		XAlign:  draw.XCenter,
		YAlign:  draw.YCenter,
		Handler: p.TextHandler,
	}
	n := len(cc.grid.counts)
	for i, row := range cc.grid.counts {
		for j, v := range row {
			if v == 0 {
				continue
			}
			sty.Color = color.Black
			if cc.grid.value(v) > 0.6 {
				sty.Color = color.White
			}
			c.FillText(sty, vg.Point{X: trX(float64(j)), Y: trY(float64(n - 1 - i))}, strconv.Itoa(v))
		}
	}
}

// frame is a plot.Plotter outlining the data area, so the edge of a white
// cell is visible.
type frame struct{}

// Plot implements plot.Plotter.
func (frame) Plot(c draw.Canvas, p *plot.Plot) {
	c.SetLineStyle(draw.LineStyle{Color: color.Gray{Y: 96}, Width: vg.Points(0.75)})
	c.Stroke(c.Rectangle.Path())
}
