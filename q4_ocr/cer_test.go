package ocr

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/datatest"
)

func TestCERDefaultModelScratch(t *testing.T) {
	dir := datatest.Dir(t, "images")
	c, _, err := DefaultClassifier()
	require.NoError(t, err)
	var td, tn int
	for _, name := range photos {
		img, err := Load(filepath.Join(dir, name+".jpg"))
		require.NoError(t, err)
		tb, err := os.ReadFile(filepath.Join(dir, name+".txt"))
		require.NoError(t, err)
		r, err := Recognise(img, c)
		require.NoError(t, err)
		cer, d, n := CER(r.Text, string(tb))
		td += d
		tn += n
		t.Logf("%s CER %.3f (%d/%d)\n%s\n--- truth\n%s", name, cer, d, n, r.Text, Normalise(string(tb)))
	}
	t.Logf("overall %.3f (%d/%d)", float64(td)/float64(tn), td, tn)
}

func TestPaletteScratch(t *testing.T) {
	dir := datatest.Dir(t, "images")
	c, _, _ := DefaultClassifier()
	for _, name := range photos {
		img, _ := Load(filepath.Join(dir, name+".jpg"))
		r, _ := Recognise(img, c)
		ov := OverlayMax(img, r, 1000)
		b := docsPNG(t, ov)
		os.WriteFile("/tmp/q4/pal_"+name+".png", b, 0o644)
		t.Logf("%s %d", name, len(b))
	}
}
