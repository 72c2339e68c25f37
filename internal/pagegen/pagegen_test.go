package pagegen

import (
	"bytes"
	"encoding/json"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/data"
	"recog/internal/datatest"
	ocr "recog/q4_ocr"
)

// The committed set's limits (issue #17).
const (
	maxPageBytes = 300 << 10
	maxSetBytes  = 2500 << 10
	minPages     = 12
)

// TestSpecs: the page specs make a valid, varied set: at least 12 pages of
// 3 to 10 lines; every transcript is already in the scoring format (only
// A-Z, 0-9, single spaces and line breaks survive ocr.Normalise unchanged);
// some pages are written in fonts only, some with EMNIST only, some with
// both; there are lists, sentences and numbers; every class appears.
func TestSpecs(t *testing.T) {
	require.NoError(t, Check(Pages))
	require.GreaterOrEqual(t, len(Pages), minPages)
	var fontOnly, emnistOnly, mixed, short, long int
	seen := map[rune]bool{}
	for _, p := range Pages {
		tr := p.Transcript()
		require.Equal(t, strings.TrimSuffix(tr, "\n"), ocr.Normalise(tr), "%s: transcript is not in the scoring format", p.Name)
		for _, r := range tr {
			seen[r] = true
		}
		e := slices.Contains(p.Hands, EMNISTHand)
		switch {
		case e && len(p.Hands) == 1:
			emnistOnly++
		case e:
			mixed++
		default:
			fontOnly++
		}
		for _, l := range p.Lines {
			if len(l) <= 8 {
				short++
			}
			if len(l) >= 18 {
				long++
			}
		}
	}
	require.GreaterOrEqual(t, fontOnly, 3)
	require.GreaterOrEqual(t, emnistOnly, 3)
	require.GreaterOrEqual(t, mixed, 3)
	require.Greater(t, short, 5)
	require.Greater(t, long, 5)
	for _, c := range strings.Join(data.NIST36Classes, "") {
		require.True(t, seen[c], "class %q appears on no page", c)
	}
}

// TestCheckRejects: Check names the page and the problem.
func TestCheckRejects(t *testing.T) {
	ok := []string{"ONE", "TWO 2", "THREE"}
	tests := []struct {
		name string
		spec Spec
		want string
	}{
		{"lower case", Spec{Name: "a", Hands: []string{"Breip"}, Lines: []string{"ONE", "two", "THREE"}}, `page a line 2 "two": character 't'`},
		{"double space", Spec{Name: "b", Hands: []string{"Breip"}, Lines: []string{"ONE", "TWO  2", "X"}}, "double space"},
		{"punctuation", Spec{Name: "c", Hands: []string{"Breip"}, Lines: []string{"ONE.", "TWO", "X"}}, `character '.'`},
		{"too few lines", Spec{Name: "d", Hands: []string{"Breip"}, Lines: ok[:2]}, "2 lines, want 3 to 10"},
		{"unknown hand", Spec{Name: "e", Hands: []string{"Arial"}, Lines: ok}, `unknown hand "Arial"`},
		{"no hands", Spec{Name: "f", Lines: ok}, "no hands"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorContains(t, Check([]Spec{tc.spec}), tc.want)
		})
	}
	dup := Spec{Name: "g", Hands: []string{EMNISTHand}, Lines: ok}
	require.ErrorContains(t, Check([]Spec{dup, dup}), "repeated name")
}

// strokes draws line segments (x0, y0, x1, y1 in pixels) 2.5 px wide into a
// 28x28 image, as a synthetic EMNIST character.
func strokes(segs ...[4]float64) []float32 {
	img := make([]float32, EMNISTSide*EMNISTSide)
	for y := range EMNISTSide {
		for x := range EMNISTSide {
			px, py := float64(x)+0.5, float64(y)+0.5
			for _, s := range segs {
				dx, dy := s[2]-s[0], s[3]-s[1]
				u := ((px-s[0])*dx + (py-s[1])*dy) / (dx*dx + dy*dy)
				u = min(max(u, 0), 1)
				ex, ey := s[0]+u*dx-px, s[1]+u*dy-py
				if ex*ex+ey*ey <= 1.25*1.25 {
					img[y*EMNISTSide+x] = 1
				}
			}
		}
	}
	return img
}

var (
	capitalL = strokes([4]float64{8, 4, 8, 24}, [4]float64{8, 24, 20, 24})
	lowerL   = strokes([4]float64{12, 4, 14, 24})
	slantedL = strokes([4]float64{18, 4, 9, 24})
	capitalI = strokes([4]float64{14, 4, 14, 24})
	lowerI   = append([]float32(nil), strokes([4]float64{14, 10, 14, 24}, [4]float64{14, 4, 14, 5})...)
	letterO  = strokes([4]float64{8, 4, 20, 4}, [4]float64{20, 4, 20, 24}, [4]float64{20, 24, 8, 24}, [4]float64{8, 24, 8, 4})
)

// TestLowerCaseFilter: EMNIST Balanced files l under L and i, j under I, J;
// the pool leaves out a foot-less L and a dotted I, and keeps the capitals.
func TestLowerCaseFilter(t *testing.T) {
	tests := []struct {
		name  string
		class string
		img   []float32
		lower bool
	}{
		{"capital L", "L", capitalL, false},
		{"upright l", "L", lowerL, true},
		{"slanted l", "L", slantedL, true},
		{"capital I", "I", capitalI, false},
		{"dotted i", "I", lowerI, true},
		{"O is never filtered", "O", lowerI, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.lower, isLowerCase(tc.class, tc.img))
		})
	}
	require.Equal(t, 2, inkPieces(lowerI))
	require.Equal(t, 1, inkPieces(letterO))
}

// testSet is a synthetic EMNIST test split: n images of each of L, I, O in
// turn, plus one lower-case l.
func testSet(n int) *emnistSet {
	s := &emnistSet{sums: map[string]string{}}
	for range n {
		for _, c := range []struct {
			name string
			img  []float32
		}{{"L", capitalL}, {"I", capitalI}, {"O", letterO}} {
			s.images = append(s.images, c.img)
			s.classes = append(s.classes, c.name)
		}
	}
	s.images = append(s.images, lowerL)
	s.classes = append(s.classes, "L")
	return s
}

// TestPoolDealsEachImageOnce: the pool deals images of the asked class, never
// the same index twice, never a filtered one, in a seeded order, and says
// when a class runs out.
func TestPoolDealsEachImageOnce(t *testing.T) {
	const n = 5
	s := testSet(n)
	p := newEMNISTPool(s, rand.New(rand.NewPCG(1, 2)))
	used := map[int]bool{}
	var order []int
	for range n {
		_, i, err := p.take("L")
		require.NoError(t, err)
		require.Equal(t, "L", s.classes[i])
		require.NotEqual(t, len(s.images)-1, i, "the lower-case l is never dealt")
		require.False(t, used[i])
		used[i] = true
		order = append(order, i)
	}
	_, _, err := p.take("L")
	require.ErrorContains(t, err, `all 5 images of class "L" are used`)
	q := newEMNISTPool(s, rand.New(rand.NewPCG(1, 2)))
	for _, want := range order {
		_, i, err := q.take("L")
		require.NoError(t, err)
		require.Equal(t, want, i, "same seed, same order")
	}
	_, _, err = q.take("Q")
	require.ErrorContains(t, err, `class "Q"`)
}

// TestRenderPage renders a page with synthetic EMNIST characters: the same
// seed gives the same bytes, another seed other bytes; the JPEG has the
// style's size; the record lists one test index per character.
func TestRenderPage(t *testing.T) {
	spec := Spec{Name: "t", Hands: []string{EMNISTHand}, Lines: []string{"LOIL", "OIL", "IO LO"}}
	render := func(seed uint64) ([]byte, PageRecord) {
		pool := newEMNISTPool(testSet(8), rand.New(rand.NewPCG(seed, 0)))
		jpg, rec, err := renderPage(spec, []hand{pool}, rand.New(rand.NewPCG(seed, 1)))
		require.NoError(t, err)
		return jpg, rec
	}
	a, rec := render(1)
	b, _ := render(1)
	c, _ := render(2)
	require.True(t, bytes.Equal(a, b), "same seed, same bytes")
	require.False(t, bytes.Equal(a, c), "another seed, other bytes")
	img, err := jpeg.Decode(bytes.NewReader(a))
	require.NoError(t, err)
	require.Equal(t, image.Rect(0, 0, rec.Style.Width, rec.Style.Height), img.Bounds())
	require.Equal(t, len(a), rec.JPEGBytes)
	for i, l := range spec.Lines {
		n := len(strings.ReplaceAll(l, " ", ""))
		require.Len(t, rec.EMNISTIndices[i], n, "line %d", i)
		require.Len(t, rec.Boxes[i], n, "line %d", i)
		for k := 1; k < n; k++ {
			require.Greater(t, rec.Boxes[i][k][1], rec.Boxes[i][k-1][1], "line %d: letters left to right", i)
		}
	}
	require.GreaterOrEqual(t, rec.Style.LetterPx, float64(minLetterPx))
}

// repoFile returns <repo>/rel.
func repoFile(t *testing.T, rel string) string {
	t.Helper()
	root, err := data.RepoRoot()
	require.NoError(t, err)
	return filepath.Join(root, filepath.FromSlash(rel))
}

func readManifest(t *testing.T) *Manifest {
	t.Helper()
	b, err := os.ReadFile(repoFile(t, "testdata/pages/manifest.json"))
	require.NoError(t, err)
	var m Manifest
	require.NoError(t, json.Unmarshal(b, &m))
	return &m
}

// TestCommittedSet checks the committed pages without regenerating them:
// one JPEG (of the recorded size, under 300 KB) and one transcript (the
// spec's) per page, the whole set under 2.5 MB, the manifest in step with
// the specs (one letter box per character, inside the photo), and every
// EMNIST test image used at most once.
func TestCommittedSet(t *testing.T) {
	dir := repoFile(t, "testdata/pages")
	m := readManifest(t)
	require.Equal(t, uint64(DefaultSeed), m.Seed)
	require.Len(t, m.Pages, len(Pages))
	total := 0
	used := map[int]string{}
	for i, p := range Pages {
		rec := m.Pages[i]
		require.Equal(t, p.Name, rec.Name)
		txt, err := os.ReadFile(filepath.Join(dir, p.Name+".txt"))
		require.NoError(t, err)
		require.Equal(t, p.Transcript(), string(txt))
		jpg, err := os.ReadFile(filepath.Join(dir, p.Name+".jpg"))
		require.NoError(t, err)
		require.Less(t, len(jpg), maxPageBytes, p.Name)
		require.Equal(t, rec.JPEGBytes, len(jpg), p.Name)
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(jpg))
		require.NoError(t, err)
		require.Equal(t, [2]int{rec.Style.Width, rec.Style.Height}, [2]int{cfg.Width, cfg.Height}, p.Name)
		total += len(jpg) + len(txt)
		require.Len(t, rec.Boxes, len(p.Lines), p.Name)
		for k, l := range p.Lines {
			require.Len(t, rec.Boxes[k], len(strings.ReplaceAll(l, " ", "")), "%s line %d: one box per letter", p.Name, k+1)
			for _, b := range rec.Boxes[k] {
				require.True(t, b[0] >= 0 && b[1] >= 0 && b[2] <= cfg.Height && b[3] <= cfg.Width && b[0] < b[2] && b[1] < b[3],
					"%s line %d: box %v inside the %dx%d photo", p.Name, k+1, b, cfg.Width, cfg.Height)
			}
			require.Equal(t, p.Hand(k), rec.Hands[k])
			if p.Hand(k) != EMNISTHand {
				require.Nil(t, rec.EMNISTIndices[k], "%s line %d is in a font", p.Name, k+1)
				continue
			}
			require.Len(t, rec.EMNISTIndices[k], len(strings.ReplaceAll(l, " ", "")), "%s line %d", p.Name, k+1)
			for _, idx := range rec.EMNISTIndices[k] {
				require.NotContains(t, used, idx, "EMNIST test image %d used twice (%s)", idx, p.Name)
				used[idx] = p.Name
			}
		}
	}
	for _, f := range []string{"manifest.json", "README.md"} {
		st, err := os.Stat(filepath.Join(dir, f))
		require.NoError(t, err)
		total += int(st.Size())
	}
	t.Logf("%d pages, %d bytes, %d EMNIST test images", len(Pages), total, len(used))
	require.Less(t, total, maxSetBytes)
}

// TestCommittedPages regenerates the set and compares it with
// testdata/pages byte for byte. It needs the Debian font packages (under
// CI=true a missing font fails the test and names the package) and
// EMNIST's test split; the manifest records the SHA-256 of the EMNIST files
// the pages were made from, and on another version of EMNIST the test
// fails, naming both checksums.
func TestCommittedPages(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 15 pages (about 10 s)")
	}
	m := readManifest(t)
	for _, f := range m.Fonts {
		if _, err := LoadFont(f, DefaultFontDir); err != nil {
			datatest.Failf(t, "%v\n(the page set needs: apt-get install %s)", err, FontPackages())
		}
	}
	dir := datatest.Dir(t, "emnist")
	sums := map[string][2]string{}
	for name, want := range m.EMNIST {
		sums["emnist/"+name] = [2]string{want, datatest.FileSHA256(t, filepath.Join(dir, name))}
	}
	datatest.RequireSameData(t, "testdata/pages (manifest.json)", sums)
	files, _, err := Generate(Options{Seed: m.Seed, EMNISTDir: dir})
	require.NoError(t, err)
	pages := repoFile(t, "testdata/pages")
	entries, err := os.ReadDir(pages)
	require.NoError(t, err)
	var have, want []string
	for _, e := range entries {
		have = append(have, e.Name())
	}
	for _, f := range files {
		want = append(want, f.Name)
		got, err := os.ReadFile(filepath.Join(pages, f.Name))
		require.NoError(t, err)
		require.True(t, bytes.Equal(f.Data, got),
			"testdata/pages/%s (%d bytes) differs from the generator's output (%d bytes): regenerate with `%s`, view the pages and commit them",
			f.Name, len(got), len(f.Data), Command)
	}
	slices.Sort(want)
	require.Equal(t, want, have, "testdata/pages holds exactly the generated files")
}
