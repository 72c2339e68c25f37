package autodiff

import (
	"fmt"
	"path/filepath"

	"recog/internal/data"
	"recog/q7_autodiff/nets"
)

// Storage says how a data.Dataset row holds its image.
type Storage int

const (
	// Flat keeps each row as a vector (the Q3 network's input).
	Flat Storage = iota
	// RowMajor rows are upright images stored row by row (MNIST).
	RowMajor
	// ColumnMajor rows are upright images stored column by column (NIST36
	// and the EMNIST IDX files); they are turned upright and row-major.
	ColumnMajor
)

// FromDataset converts ds to float32 Data. With Flat the shape is {D};
// otherwise it is {1, side, side} with every image upright and row-major
// (data.RowToImage reads column-major rows).
func FromDataset(ds *data.Dataset, st Storage, side int) (*nets.Data, error) {
	n, d := ds.X.Dims()
	out := &nets.Data{X: make([]float32, 0, n*d), Labels: ds.Labels()}
	switch st {
	case Flat:
		out.Shape = []int{d}
		for i := 0; i < n; i++ {
			for _, v := range ds.X.RawRowView(i) {
				out.X = append(out.X, float32(v))
			}
		}
		return out, nil
	case RowMajor, ColumnMajor:
		if side*side != d {
			return nil, fmt.Errorf("rows have %d values, not %d x %d images", d, side, side)
		}
		out.Shape = []int{1, side, side}
		for i := 0; i < n; i++ {
			row := ds.X.RawRowView(i)
			if st == ColumnMajor {
				img, err := data.RowToImage(row, side, side)
				if err != nil {
					return nil, err
				}
				row = img.RawMatrix().Data
			}
			for _, v := range row {
				out.X = append(out.X, float32(v))
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown storage %d", st)
}

// Splits are the train, validation and test sets of a task (Valid may be
// nil) with its class names.
type Splits struct {
	Train, Valid, Test *nets.Data
	Classes            []string
}

// LoadMNIST reads train and test from the IDX files in dir (<repo>/data/mnist):
// 28 x 28 upright images scaled to [0, 1], white ink on black. MNIST has no
// validation split; Valid is nil.
func LoadMNIST(dir string) (*Splits, error) {
	load := func(img, lab string) (*nets.Data, error) {
		ds, err := data.LoadIDXDataset(filepath.Join(dir, img), filepath.Join(dir, lab), data.MNISTClasses)
		if err != nil {
			return nil, err
		}
		return FromDataset(ds, RowMajor, 28)
	}
	tr, err := load("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")
	if err != nil {
		return nil, err
	}
	te, err := load("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
	if err != nil {
		return nil, err
	}
	return &Splits{Train: tr, Test: te, Classes: data.MNISTClasses}, nil
}

// LoadEMNIST reads EMNIST Balanced (47 classes, the mapping file's names)
// from dir (<repo>/data/emnist). The IDX files store images transposed; the
// returned images are upright 28 x 28, scaled to [0, 1], white ink on black.
// Valid is nil.
func LoadEMNIST(dir string) (*Splits, error) {
	classes, err := data.ReadEMNISTMapping(filepath.Join(dir, "emnist-balanced-mapping.txt"))
	if err != nil {
		return nil, err
	}
	load := func(split string) (*nets.Data, error) {
		p := filepath.Join(dir, "emnist-balanced-"+split)
		ds, err := data.LoadIDXDataset(p+"-images-idx3-ubyte.gz", p+"-labels-idx1-ubyte.gz", classes)
		if err != nil {
			return nil, err
		}
		return FromDataset(ds, ColumnMajor, 28)
	}
	tr, err := load("train")
	if err != nil {
		return nil, err
	}
	te, err := load("test")
	if err != nil {
		return nil, err
	}
	return &Splits{Train: tr, Test: te, Classes: classes}, nil
}

// LoadNIST36 reads the three NIST36 splits from dir (<repo>/data/nist36).
// With st == Flat the rows stay as in the .mat files (the Q3 network's
// input, 1024 values); with ColumnMajor they become upright 1 x 32 x 32
// images (black ink near 0 on white 1, as stored).
func LoadNIST36(dir string, st Storage) (*Splits, error) {
	var out [3]*nets.Data
	for i, split := range []string{"train", "valid", "test"} {
		ds, err := data.LoadNIST36(filepath.Join(dir, data.SplitFile(split)), split)
		if err != nil {
			return nil, err
		}
		if out[i], err = FromDataset(ds, st, 32); err != nil {
			return nil, fmt.Errorf("%s: %w", data.SplitFile(split), err)
		}
	}
	return &Splits{Train: out[0], Valid: out[1], Test: out[2], Classes: data.NIST36Classes}, nil
}
