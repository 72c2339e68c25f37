package viz

import (
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
)

// Figure is one figure of a run, held as a value until a command writes it
// (the question packages return figures; they never write files): a plot,
// rendered at Width × Height pixels, or an image written as it is, as a
// lossless PNG or, for a photo, as a PNG of 256 colours (EncodePhotoPNG).
type Figure struct {
	Name          string // file name, "q3_accuracy.png"
	Plot          *plot.Plot
	Width, Height int // pixels of a plot; 0 takes 800 × 500
	Image         image.Image
	Photo         bool // encode Image with EncodePhotoPNG
}

// PlotFigure returns the figure of p named name, rendered at w × h pixels.
func PlotFigure(name string, p *plot.Plot, w, h int) Figure {
	return Figure{Name: name, Plot: p, Width: w, Height: h}
}

// ImageFigure returns the figure of img named name, a lossless PNG.
func ImageFigure(name string, img image.Image) Figure {
	return Figure{Name: name, Image: img}
}

// PNG returns the figure's PNG bytes.
func (f Figure) PNG() ([]byte, error) {
	switch {
	case f.Plot != nil:
		w, h := f.Width, f.Height
		if w == 0 && h == 0 {
			w, h = 800, 500
		}
		return PNG(f.Plot, w, h)
	case f.Image != nil && f.Photo:
		return EncodePhotoPNG(f.Image)
	case f.Image != nil:
		return EncodePNG(f.Image)
	}
	return nil, fmt.Errorf("viz: figure %q has neither a plot nor an image", f.Name)
}

// SaveFigures writes each figure to dir/<its Name>, creating dir.
func SaveFigures(dir string, figs []Figure) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range figs {
		if f.Name == "" || filepath.Base(f.Name) != f.Name {
			return fmt.Errorf("viz: figure name %q: want a file name", f.Name)
		}
		b, err := f.PNG()
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(dir, f.Name), err)
		}
		if err := writeFile(filepath.Join(dir, f.Name), b); err != nil {
			return err
		}
	}
	return nil
}

// FigureNamed returns the figure of figs named name.
func FigureNamed(figs []Figure, name string) (Figure, error) {
	for _, f := range figs {
		if f.Name == name {
			return f, nil
		}
	}
	return Figure{}, errors.New("viz: no figure named " + name)
}
