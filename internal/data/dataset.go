package data

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"recog/internal/vec"
)

// Dataset is a labelled set of examples along rows: X is N x D (one example
// per row), Y is N x C one-hot, and Classes names the C columns of Y.
type Dataset struct {
	X       *mat.Dense
	Y       *mat.Dense
	Classes []string
}

// Len returns N, the number of examples.
func (d *Dataset) Len() int {
	if d == nil || d.X == nil {
		return 0
	}
	r, _ := d.X.Dims()
	return r
}

// Labels returns the class index of each row, argmax_j Y[i, j].
func (d *Dataset) Labels() []int {
	n, _ := d.Y.Dims()
	out := make([]int, n)
	for i := range n {
		out[i] = vec.Argmax(d.Y.RawRowView(i))
	}
	return out
}

// Subset returns the examples at the given row indices, copied, in that order.
func (d *Dataset) Subset(idx []int) *Dataset {
	_, dx := d.X.Dims()
	_, dy := d.Y.Dims()
	x := mat.NewDense(max(len(idx), 1), dx, nil)
	y := mat.NewDense(max(len(idx), 1), dy, nil)
	if len(idx) == 0 {
		return &Dataset{X: x.Slice(0, 0, 0, dx).(*mat.Dense), Y: y.Slice(0, 0, 0, dy).(*mat.Dense), Classes: d.Classes}
	}
	for i, k := range idx {
		x.SetRow(i, d.X.RawRowView(k))
		y.SetRow(i, d.Y.RawRowView(k))
	}
	return &Dataset{X: x, Y: y, Classes: d.Classes}
}

// OneHot returns the N x c matrix whose row i has a 1 in column labels[i].
// It fails if a label is outside [0, c).
func OneHot(labels []int, c int) (*mat.Dense, error) {
	y := mat.NewDense(len(labels), c, nil)
	for i, l := range labels {
		if l < 0 || l >= c {
			return nil, fmt.Errorf("label %d of row %d is outside [0, %d)", l, i, c)
		}
		y.Set(i, l, 1)
	}
	return y, nil
}

// NIST36Classes are the 36 NIST36 classes in label-column order: A..Z then 0..9.
var NIST36Classes = func() []string {
	out := make([]string, 0, 36)
	for c := 'A'; c <= 'Z'; c++ {
		out = append(out, string(c))
	}
	for c := '0'; c <= '9'; c++ {
		out = append(out, string(c))
	}
	return out
}()

// RowToImage turns one data row into an upright h x w image (row i of the
// result is the i-th pixel row from the top). Rows of the NIST36 .mat files
// store the upright image column by column (column-major, as MATLAB's
// reshape(row, 32, 32) does), so pixel (r, c) is row[c*h + r].
//
// This and ImageToRow are the only places that know the storage order: every
// package that shows, crops or builds a NIST36-style sample goes through them.
func RowToImage(row []float64, h, w int) (*mat.Dense, error) {
	if len(row) != h*w {
		return nil, fmt.Errorf("row has %d values, want %d x %d = %d", len(row), h, w, h*w)
	}
	img := mat.NewDense(h, w, nil)
	for c := 0; c < w; c++ {
		for r := 0; r < h; r++ {
			img.Set(r, c, row[c*h+r])
		}
	}
	return img, nil
}

// ImageToRow is the inverse of RowToImage: it flattens an upright h x w image
// column by column, row[c*h + r] = img[r, c].
func ImageToRow(img mat.Matrix) []float64 {
	h, w := img.Dims()
	row := make([]float64, h*w)
	for c := 0; c < w; c++ {
		for r := 0; r < h; r++ {
			row[c*h+r] = img.At(r, c)
		}
	}
	return row
}

// Head returns the first n examples (all of them if n >= Len), copied.
func (d *Dataset) Head(n int) *Dataset {
	n = min(n, d.Len())
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return d.Subset(idx)
}
