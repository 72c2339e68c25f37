// Command pagegen renders the held-out OCR page set (internal/pagegen):
// photo-like pages of handwritten capitals with their transcripts, a
// manifest.json and a README.md.
//
//	go run ./cmd/pagegen --out testdata/pages
//
// It needs the Debian font packages listed in internal/pagegen.Fonts and
// EMNIST Balanced's test split in data/emnist (`go run ./cmd/recog data emnist`).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"recog/internal/data"
	"recog/internal/pagegen"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "pagegen:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pagegen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "testdata/pages", "write the pages into `DIR`")
	seed := fs.Uint64("seed", pagegen.DefaultSeed, "random `SEED` of every choice")
	fonts := fs.String("fonts", pagegen.DefaultFontDir, "font `DIR` (Debian's /usr/share/fonts)")
	emnist := fs.String("emnist", filepath.Join(data.DefaultDir(), "emnist"), "`DIR` of EMNIST Balanced (its test split is used)")
	valid := fs.Bool("validation", false, "make the validation pages (pagegen.ValidationPages, seed pagegen.ValidationSeed unless --seed) instead")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	opt := pagegen.Options{Seed: *seed, FontDir: *fonts, EMNISTDir: *emnist}
	if *valid {
		opt.Pages = pagegen.ValidationPages
		if !flagSet(fs, "seed") {
			opt.Seed = pagegen.ValidationSeed
		}
	}
	files, man, err := pagegen.Generate(opt)
	if errors.Is(err, pagegen.ErrFontMissing) {
		return fmt.Errorf("%w\n(the fonts come from Debian packages: apt-get install %s)", err, pagegen.FontPackages())
	}
	if err != nil {
		return err
	}
	if err := pagegen.WriteDir(*out, files); err != nil {
		return err
	}
	for _, p := range man.Pages {
		fmt.Fprintf(stdout, "%s/%s.jpg  %d lines, %d characters, %d bytes\n", *out, p.Name, p.Lines, p.Chars, p.JPEGBytes)
	}
	fmt.Fprintf(stdout, "%s/manifest.json, %s/README.md\n", *out, *out)
	return nil
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
