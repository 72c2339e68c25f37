package pagegen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// DefaultSeed is the seed of the committed page set.
const DefaultSeed = 2026

// DefaultFontDir is where Debian installs fonts.
const DefaultFontDir = "/usr/share/fonts"

// Command regenerates the committed set (from the repository root).
const Command = "go run ./cmd/pagegen --out testdata/pages"

// Options configure Generate.
type Options struct {
	// Seed seeds every random choice: the same seed, fonts and EMNIST files
	// give the same bytes.
	Seed uint64
	// FontDir holds the font files (Font.File is relative to it).
	FontDir string
	// EMNISTDir holds EMNIST Balanced's test split (data/emnist).
	EMNISTDir string
	// Pages are the pages to make; nil means Pages.
	Pages []Spec
}

// File is one output file.
type File struct {
	Name string
	Data []byte
}

// Manifest says how the set was made; it is written as manifest.json.
type Manifest struct {
	Command string `json:"command"`
	Seed    uint64 `json:"seed"`
	// Fonts are the fonts the pages use.
	Fonts []Font `json:"fonts"`
	// EMNIST gives the SHA-256 of the test-split files the glyphs come from.
	EMNIST map[string]string `json:"emnist_test_files_sha256,omitempty"`
	Pages  []PageRecord      `json:"pages"`
}

// PageRecord describes one page.
type PageRecord struct {
	Name  string   `json:"name"`
	Lines int      `json:"lines"`
	Chars int      `json:"chars"` // non-space characters
	Hands []string `json:"hands"` // the hand of each line
	// EMNISTIndices are, for each line written with EMNIST, the test-split
	// indices of its characters in order (null for a line in a font).
	EMNISTIndices [][]int `json:"emnist_test_indices"`
	// Boxes are, for each line, the box [y1, x1, y2, x2] of each letter's
	// ink in the photo's pixels (half-open, as q4_ocr's boxes), left to right.
	Boxes     [][][4]int `json:"letter_boxes"`
	JPEGBytes int        `json:"jpeg_bytes"`
	Style     Style      `json:"style"`
}

// Generate renders the pages of opt.Pages (Pages by default) and returns the
// set's files: NAME.jpg and NAME.txt per page, then manifest.json and
// README.md. Page i draws from the random stream PCG(seed, i+1); the EMNIST
// images are dealt from one shuffle by PCG(seed, 0), in page order.
func Generate(opt Options) ([]File, *Manifest, error) {
	specs := opt.Pages
	if specs == nil {
		specs = Pages
	}
	if err := Check(specs); err != nil {
		return nil, nil, err
	}
	if opt.FontDir == "" {
		opt.FontDir = DefaultFontDir
	}
	man := &Manifest{Command: Command, Seed: opt.Seed}
	hands := map[string]hand{}
	for _, s := range specs {
		for _, name := range s.Hands {
			if _, ok := hands[name]; ok {
				continue
			}
			if name == EMNISTHand {
				set, err := loadEMNIST(opt.EMNISTDir)
				if err != nil {
					return nil, nil, err
				}
				man.EMNIST = set.sums
				hands[name] = newEMNISTPool(set, rand.New(rand.NewPCG(opt.Seed, 0)))
				continue
			}
			f, _ := LookupFont(name) // Check accepted the name
			fh, err := LoadFont(f, opt.FontDir)
			if err != nil {
				return nil, nil, err
			}
			hands[name] = fh
			man.Fonts = append(man.Fonts, f)
		}
	}
	slices.SortFunc(man.Fonts, func(a, b Font) int { return strings.Compare(a.Name, b.Name) })
	var files []File
	for i, s := range specs {
		rng := rand.New(rand.NewPCG(opt.Seed, uint64(i+1)))
		hs := make([]hand, len(s.Hands))
		for k, name := range s.Hands {
			hs[k] = hands[name]
		}
		jpg, rec, err := renderPage(s, hs, rng)
		if err != nil {
			return nil, nil, err
		}
		for k := range s.Lines {
			rec.Hands = append(rec.Hands, s.Hand(k))
		}
		man.Pages = append(man.Pages, rec)
		files = append(files, File{s.Name + ".jpg", jpg}, File{s.Name + ".txt", []byte(s.Transcript())})
	}
	js, err := json.MarshalIndent(man, "", " ")
	if err != nil {
		return nil, nil, err
	}
	files = append(files, File{"manifest.json", append(js, '\n')}, File{"README.md", []byte(readme(man))})
	return files, man, nil
}

// renderPage draws one page: style, layout, ink, photo, JPEG.
func renderPage(s Spec, hands []hand, rng *rand.Rand) ([]byte, PageRecord, error) {
	st := drawStyle(rng, s.Portrait)
	letters, idx, err := layout(s, hands, &st, rng)
	if err != nil {
		return nil, PageRecord{}, err
	}
	cov := inkCoverage(letters, st, rng)
	img, err := photograph(cov, st, rng)
	if err != nil {
		return nil, PageRecord{}, fmt.Errorf("page %s: %w", s.Name, err)
	}
	jpg, err := encodeJPEG(img, st.JPEGQuality)
	if err != nil {
		return nil, PageRecord{}, fmt.Errorf("page %s: %w", s.Name, err)
	}
	boxes, err := letterBoxes(letters, len(s.Lines), st)
	if err != nil {
		return nil, PageRecord{}, fmt.Errorf("page %s: %w", s.Name, err)
	}
	rec := PageRecord{Name: s.Name, Lines: len(s.Lines), EMNISTIndices: idx, Boxes: boxes, JPEGBytes: len(jpg), Style: st}
	for _, l := range s.Lines {
		rec.Chars += len(strings.ReplaceAll(l, " ", ""))
	}
	return jpg, rec, nil
}

// WriteDir writes the files into dir (created if missing), replacing files
// of the same names and leaving every other file alone.
func WriteDir(dir string, files []File) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// readme returns the set's README.md.
func readme(m *Manifest) string {
	var b strings.Builder
	fmt.Fprintf(&b, `# Held-out OCR pages

Photo-like pages of handwritten capital letters and digits with exact
transcripts, for measuring how well the OCR readers generalise (issue #17).
No model is trained on them: the fonts are not in any training set, and the
EMNIST characters come from the test split of EMNIST Balanced, which no
training run reads.

Made by internal/pagegen with seed %d:

    %s

(it needs the Debian font packages below and data/emnist, from
`+"`go run ./cmd/recog data emnist`"+`). The same seed, fonts and EMNIST files give
the same bytes; internal/pagegen's TestCommittedPages checks it.
manifest.json records every page's style (sizes, gaps, slope, ink, paper,
light, camera corners, blur, noise, JPEG quality), the box of every letter in
the photo (letter_boxes, per line, [y1, x1, y2, x2] as q4_ocr's boxes) and,
for each line written with EMNIST, the test-split indices of its characters.
q4_ocr's TestQ4_3_HeldOutPages checks the segmentation against the letter boxes.

How a page is made: the text is laid out letter by letter (each letter with
its own size, baseline offset and rotation; lines slope and wave a little;
a page-wide slant), the strokes get a pen width (blur and a soft cut) and a
pressure field; the paper gets a tint and texture, the ink a colour; light
falls off across the page; a homography takes the page to the camera's view
(bilinear sampling), with a vignette, blur, sensor noise and JPEG
compression.

| page | hands | lines | characters | size | letter height px | JPEG quality | bytes |
| --- | --- | --- | --- | --- | --- | --- | --- |
`, m.Seed, m.Command)
	for _, p := range m.Pages {
		var hs []string
		for _, h := range p.Hands {
			if !slices.Contains(hs, h) {
				hs = append(hs, h)
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %dx%d | %.0f | %d | %d |\n", p.Name, strings.Join(hs, ", "),
			p.Lines, p.Chars, p.Style.Width, p.Style.Height, p.Style.LetterPx, p.Style.JPEGQuality, p.JPEGBytes)
	}
	b.WriteString("\nFonts (not committed; install the packages):\n\n| font | Debian package | version | file under /usr/share/fonts |\n| --- | --- | --- | --- |\n")
	for _, f := range m.Fonts {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", f.Name, f.Package, f.Version, f.File)
	}
	if len(m.EMNIST) > 0 {
		b.WriteString("\nEMNIST Balanced test split (data/emnist, the mirror's copy), SHA-256:\n\n")
		names := make([]string, 0, len(m.EMNIST))
		for n := range m.EMNIST {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			fmt.Fprintf(&b, "- %s: %s\n", n, m.EMNIST[n])
		}
	}
	return b.String()
}
