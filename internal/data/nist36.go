package data

import (
	"fmt"
	"os"
	"path/filepath"
)

// nist36Side is the side of a NIST36 image: each data row is 32 x 32.
const nist36Side = 32

// SplitFile returns the file name of a NIST36 split: "nist36_<split>.mat"
// for split "train", "valid" or "test".
func SplitFile(split string) string { return "nist36_" + split + ".mat" }

// LoadNIST36 reads one split of NIST36 from the MAT-file at path: the
// variables "<split>_data" (N x 1024, one 32 x 32 grey image per row, black
// ink near 0 on a white background of 1) and "<split>_labels" (N x 36,
// one-hot over NIST36Classes).
//
// N is taken from the file (the course files have 10800/3600/1800 rows, the
// mirror's stand-in 10716/3572/1786); the two variables must agree on it,
// and every label row must be one-hot (one 1, the rest 0). Data may be
// stored as double or single, labels as any real numeric class.
//
// X keeps the file's rows as they are: each row is the upright image stored
// column by column; RowToImage(row, 32, 32) turns a row into the upright
// image.
func LoadNIST36(path, split string) (*Dataset, error) {
	vars, err := ReadMATFile(path)
	if err != nil {
		return nil, err
	}
	x, err := matMatrix(path, vars, split+"_data", "double", "single")
	if err != nil {
		return nil, err
	}
	y, err := matMatrix(path, vars, split+"_labels")
	if err != nil {
		return nil, err
	}
	n, d := x.Dims()
	ny, c := y.Dims()
	if d != nist36Side*nist36Side {
		return nil, fmt.Errorf("%s: variable %q is %d x %d, want %d columns (32 x 32 images)", path, split+"_data", n, d, nist36Side*nist36Side)
	}
	if c != len(NIST36Classes) {
		return nil, fmt.Errorf("%s: variable %q is %d x %d, want %d columns (one per class)", path, split+"_labels", ny, c, len(NIST36Classes))
	}
	if n != ny {
		return nil, fmt.Errorf("%s: %q has %d rows but %q has %d", path, split+"_data", n, split+"_labels", ny)
	}
	if err := checkOneHot(y.RawMatrix().Data, c); err != nil {
		return nil, fmt.Errorf("%s: variable %q: %v", path, split+"_labels", err)
	}
	return &Dataset{X: x, Y: y, Classes: append([]string(nil), NIST36Classes...)}, nil
}

// Splits are the training, validation and test sets of one data set; a
// split that was not loaded is nil.
type Splits struct {
	Train, Valid, Test *Dataset
}

// LoadNIST36Splits loads the named splits ("train", "valid", "test") of
// NIST36 from dir/nist36 (dir "" is DefaultDir()); the others stay nil. A
// missing file is an error that names it and says how to fetch it.
func LoadNIST36Splits(dir string, splits ...string) (*Splits, error) {
	if dir == "" {
		dir = DefaultDir()
	}
	out := &Splits{}
	for _, s := range splits {
		dst := map[string]**Dataset{"train": &out.Train, "valid": &out.Valid, "test": &out.Test}[s]
		if dst == nil {
			return nil, fmt.Errorf("nist36: unknown split %q (want train, valid or test)", s)
		}
		path := filepath.Join(dir, "nist36", SplitFile(s))
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("%w (run `recog data nist36` first)", err)
		}
		ds, err := LoadNIST36(path, s)
		if err != nil {
			return nil, err
		}
		*dst = ds
	}
	return out, nil
}

// checkOneHot reports the first row of the row-major n x c matrix y that is
// not one-hot.
func checkOneHot(y []float64, c int) error {
	for i := 0; i*c < len(y); i++ {
		ones := 0
		for j, v := range y[i*c : (i+1)*c] {
			switch v {
			case 1:
				ones++
			case 0:
			default:
				return fmt.Errorf("row %d is not one-hot: column %d is %g", i, j, v)
			}
		}
		if ones != 1 {
			return fmt.Errorf("row %d is not one-hot: it has %d ones", i, ones)
		}
	}
	return nil
}
