// Package cli is what every recog command shares to read its command line:
// a flag set whose numeric flags carry their bounds and whose output flags
// carry what they write, all checked in one place (Parse) before the command
// loads any data or creates any folder, and the usage error that makes
// recog exit with status 2.
//
// The rules it enforces, stated once in `recog help`:
//
//   - A numeric flag has a range [lo, hi]; a value outside it, NaN or an
//     infinity is a usage error naming the flag and the range.
//   - 0 is an ordinary value, outside the range unless the flag says what
//     it means ("0: all", "0: full size"): a flag whose range starts at 0
//     must state its meaning of 0 in its usage text (checked when the flag
//     is defined, a programmer error otherwise).
//   - An output (a folder, or a file by its folder) must be writable: its
//     nearest existing folder must accept a new file. Nothing is created by
//     the check.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Upper bounds of the numeric flags the commands share (stated in each
// flag's help). Each keeps a run within the memory of a laptop: the largest
// matrices of a q3 epoch are the whole training set's hidden activations,
// 10,800 x MaxHidden float64 (354 MB at 4096; `recog q3 --hidden 4096
// --epochs 1` peaked at 593 MB resident, measured).
const (
	MaxEpochs = 10_000 // --epochs and --scratch-epochs of every command
	MaxBatch  = 16_384 // --batch: more than NIST36's 10,800 training images, one batch per epoch
	MaxHidden = 4096   // q3 --hidden
	MaxLR     = 10     // --lr: any larger rate diverges at once
	// MaxExamples bounds the flags that cap a number of examples (q7
	// --limit, --per-class): more than any training set here (EMNIST
	// Balanced's 112,800).
	MaxExamples = 1_000_000
)

// UsageError marks a command-line mistake: recog prints it with a pointer
// to the command's help and exits with status 2.
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// Usagef returns a UsageError.
func Usagef(format string, args ...any) error {
	return UsageError{fmt.Errorf(format, args...)}
}

// FlagSet is a flag.FlagSet whose flags defined by IntRange, FloatRange,
// OutDir and OutFile are checked by Parse.
type FlagSet struct {
	*flag.FlagSet
	checks []func() error
	help   func()
}

// New returns a FlagSet named name whose -h prints "usage: recog
// synopsis", the description and the flags to stderr. A mistake prints
// nothing: Parse returns it, for the command to report.
func New(name, synopsis, description string, stderr io.Writer) *FlagSet {
	fs := &FlagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError)}
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.help = func() {
		fmt.Fprintf(stderr, "usage: recog %s\n\n%s\n", synopsis, strings.TrimSpace(description))
		var has bool
		fs.VisitAll(func(*flag.Flag) { has = true })
		if has {
			fmt.Fprintf(stderr, "\nflags:\n")
			fs.SetOutput(stderr)
			fs.PrintDefaults()
			fs.SetOutput(io.Discard)
		}
	}
	return fs
}

// zeroRule panics when a flag whose range holds 0 does not say what 0
// means: the one rule for 0 (see the package documentation).
func zeroRule(name, usage string, zeroInRange bool) {
	if zeroInRange && !strings.Contains(usage, "0: ") {
		panic(fmt.Sprintf("cli: flag --%s accepts 0 but its usage does not say what 0 means (\"0: ...\")", name))
	}
}

// IntRange defines an int flag whose value must lie in [lo, hi]. A default
// outside the range (0, say) stands for "not given" and is not checked;
// Set reports whether the flag was given.
func (fs *FlagSet) IntRange(name string, def, lo, hi int, usage string) *int {
	zeroRule(name, usage, lo <= 0 && 0 <= hi)
	p := fs.Int(name, def, fmt.Sprintf("%s; %d to %d", usage, lo, hi))
	fs.checks = append(fs.checks, func() error {
		if (fs.Set(name) || (lo <= def && def <= hi)) && (*p < lo || *p > hi) {
			return Usagef("--%s %d: want a whole number from %d to %d", name, *p, lo, hi)
		}
		return nil
	})
	return p
}

// FloatRange defines a float64 flag whose value must be finite with
// lo < value ≤ hi (an open lower bound: a learning rate, say, must be
// positive). A default outside the range stands for "not given".
func (fs *FlagSet) FloatRange(name string, def, lo, hi float64, usage string) *float64 {
	zeroRule(name, usage, lo < 0 && 0 <= hi)
	p := fs.Float64(name, def, fmt.Sprintf("%s; above %g, at most %g", usage, lo, hi))
	fs.checks = append(fs.checks, func() error {
		given := fs.Set(name) || (lo < def && def <= hi)
		if given && (math.IsNaN(*p) || math.IsInf(*p, 0) || *p <= lo || *p > hi) {
			return Usagef("--%s %g: want a number above %g and at most %g", name, *p, lo, hi)
		}
		return nil
	})
	return p
}

// OutDir defines a string flag naming an output folder: Parse checks that
// it can be created or written in (Writable). A default "" stands for a
// default the command finds itself, and is not checked; an empty value
// given is a usage error.
func (fs *FlagSet) OutDir(name, def, usage string) *string {
	p := fs.String(name, def, usage)
	fs.checks = append(fs.checks, func() error {
		if *p == "" {
			if fs.Set(name) {
				return Usagef("--%s is empty: give a folder, or leave the flag out", name)
			}
			return nil
		}
		if err := Writable(*p, true); err != nil {
			return Usagef("--%s %s: %v; choose another folder with --%s DIR", name, *p, err, name)
		}
		return nil
	})
	return p
}

// OutFile defines a string flag naming an output file with extension ext
// (".png"); "" means none and is not checked, and so are the values of
// skip ("-" for "do not save"). Parse checks the extension and that the
// file's folder can be created or written in.
func (fs *FlagSet) OutFile(name, def, ext, usage string, skip ...string) *string {
	p := fs.String(name, def, usage)
	fs.checks = append(fs.checks, func() error {
		v := *p
		if v == "" && fs.Set(name) {
			return Usagef("--%s is empty: give a %s file name or leave the flag out", name, ext)
		}
		if v == "" || contains(skip, v) {
			return nil
		}
		if !strings.EqualFold(filepath.Ext(v), ext) {
			return Usagef("--%s %q: want a %s file name", name, v, ext)
		}
		if st, err := os.Stat(v); err == nil && st.IsDir() {
			return Usagef("--%s %s: is a folder; give a file name such as %s", name, v, filepath.Join(v, "out"+ext))
		}
		if err := Writable(filepath.Dir(v), false); err != nil {
			return Usagef("--%s %s: %v; choose a file in a writable folder", name, v, err)
		}
		return nil
	})
	return p
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Set reports whether the flag name was given on the command line.
func (fs *FlagSet) Set(name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// Parse parses flags that may come before, between or after positional
// arguments ("recog data nist36 --mirror DIR"), checks every flag defined
// by IntRange, FloatRange, OutDir and OutFile, and returns the positional
// arguments. "--" ends flag parsing. Errors are UsageErrors, except
// flag.ErrHelp (after -h), returned as is.
func (fs *FlagSet) Parse(args []string) ([]string, error) {
	pos, err := Interleaved(fs.FlagSet, args)
	if errors.Is(err, flag.ErrHelp) {
		fs.help()
	}
	if err != nil {
		return nil, err
	}
	for _, c := range fs.checks {
		if err := c(); err != nil {
			return nil, err
		}
	}
	return pos, nil
}

// Interleaved parses the flags of fs that may come before, between or
// after positional arguments and returns the positional arguments (see
// FlagSet.Parse; no range checks).
func Interleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, UsageError{err}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > 0 && len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// NoArgs is a usage error for positional arguments of a command that takes
// none.
func NoArgs(pos []string) error {
	if len(pos) > 0 {
		return Usagef("unexpected arguments %q", pos)
	}
	return nil
}

// Writable reports, as an error saying why not, whether path can be
// written: the nearest existing folder at or above path (above it only
// when dir is set, path being a folder to create) must be a folder that
// accepts a new file. It creates and removes one empty hidden file there
// and nothing else.
func Writable(path string, dir bool) error {
	if path == "" {
		return errors.New("empty path")
	}
	p := filepath.Clean(path)
	for {
		st, err := os.Stat(p)
		if err == nil {
			if !st.IsDir() {
				if p == filepath.Clean(path) && dir {
					return errors.New("is a file, not a folder")
				}
				return fmt.Errorf("%s is a file, not a folder", p)
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			return err
		}
		up := filepath.Dir(p)
		if up == p {
			return err
		}
		p = up
	}
	f, err := os.CreateTemp(p, ".recog-write-check-*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("cannot write in %s: %v", p, err)
	}
	f.Close()
	return os.Remove(f.Name())
}
