package recon

import (
	"errors"
	"fmt"
	"image"

	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
	"recog/internal/viz"
)

// DefaultClasses are the five NIST36 classes whose images questions 5.3.1
// and 6.2 show (two images of each).
var DefaultClasses = []string{"A", "G", "M", "S", "7"}

// ClassGrid is the figure of questions 5.3.1 and 6.2: it picks the first
// perClass rows of ds of each of classes (names of ds.Classes; DefaultClasses
// when nil) and draws them above their rows of xhat, the reconstruction of
// ds.X (ReconstructionGrid, captioned with the class names). It returns the
// rows shown, class by class, and the figure.
func ClassGrid(ds *data.Dataset, xhat *mat.Dense, classes []string, perClass int) ([]int, *image.Gray, error) {
	if classes == nil {
		classes = DefaultClasses
	}
	if ds == nil || ds.Y == nil {
		return nil, nil, errors.New("class grid: the set has no labels")
	}
	cls, err := ClassIndices(ds.Classes, classes)
	if err != nil {
		return nil, nil, fmt.Errorf("class grid: %w", err)
	}
	rows, err := PickPerClass(ds.Labels(), cls, perClass)
	if err != nil {
		return nil, nil, fmt.Errorf("class grid: %w", err)
	}
	caps := make([]string, len(rows))
	for i := range caps {
		caps[i] = classes[i/perClass]
	}
	g, err := ReconstructionGrid(ds.X, xhat, rows, caps)
	if err != nil {
		return nil, nil, err
	}
	return rows, g, nil
}

// PickPerClass returns the row indices of the first perClass rows of each
// class in classes, class by class (labels[i] is the class index of row i).
// It fails if a class has fewer than perClass rows.
func PickPerClass(labels, classes []int, perClass int) ([]int, error) {
	if perClass <= 0 {
		return nil, fmt.Errorf("pick: %d images per class, want > 0", perClass)
	}
	out := make([]int, 0, len(classes)*perClass)
	for _, c := range classes {
		n := 0
		for i, l := range labels {
			if l == c && n < perClass {
				out = append(out, i)
				n++
			}
		}
		if n < perClass {
			return nil, fmt.Errorf("pick: class %d has %d rows, want %d", c, n, perClass)
		}
	}
	return out, nil
}

// ClassIndices returns the index of each name in names (for instance
// data.NIST36Classes), failing on a name it does not hold.
func ClassIndices(names, classes []string) ([]int, error) {
	out := make([]int, len(classes))
	for k, c := range classes {
		out[k] = -1
		for i, n := range names {
			if n == c {
				out[k] = i
				break
			}
		}
		if out[k] < 0 {
			return nil, fmt.Errorf("unknown class %q", c)
		}
	}
	return out, nil
}

// ReconstructionGrid draws the rows idx of x (top row, captioned with
// captions[k]) above the same rows of the reconstruction xhat (bottom row,
// captioned with each one's PSNR in dB). Rows are NIST36 images of side
// 32 (data.RowToImage), grey levels 0 black and 1 white, each pixel shown
// 3 × 3.
func ReconstructionGrid(x, xhat *mat.Dense, idx []int, captions []string) (*image.Gray, error) {
	if len(idx) == 0 {
		return nil, errors.New("reconstruction grid: no rows")
	}
	if captions != nil && len(captions) != len(idx) {
		return nil, fmt.Errorf("reconstruction grid: %d captions for %d rows", len(captions), len(idx))
	}
	r, c := x.Dims()
	if rh, ch := xhat.Dims(); rh != r || ch != c {
		return nil, fmt.Errorf("reconstruction grid: images are %d x %d, reconstructions %d x %d", r, c, rh, ch)
	}
	const side = 32
	tiles := make([]*mat.Dense, 2*len(idx))
	caps := make([]string, 2*len(idx))
	for k, i := range idx {
		if i < 0 || i >= r {
			return nil, fmt.Errorf("reconstruction grid: row %d outside [0, %d)", i, r)
		}
		var err error
		if tiles[k], err = data.RowToImage(x.RawRowView(i), side, side); err != nil {
			return nil, fmt.Errorf("reconstruction grid: %w", err)
		}
		if tiles[len(idx)+k], err = data.RowToImage(xhat.RawRowView(i), side, side); err != nil {
			return nil, fmt.Errorf("reconstruction grid: %w", err)
		}
		p, err := PSNR(x.RawRowView(i), xhat.RawRowView(i))
		if err != nil {
			return nil, fmt.Errorf("reconstruction grid: %w", err)
		}
		if captions != nil {
			caps[k] = captions[k]
		}
		caps[len(idx)+k] = fmt.Sprintf("%.1fdB", p)
	}
	return viz.Grid(tiles, len(idx), viz.GridOptions{
		Upscale: 3, Sep: 2, SepGray: 128,
		Captions:  caps,
		RowLabels: []string{"original", "reconstructed"},
	})
}
