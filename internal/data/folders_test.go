package data_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/data"
	"recog/internal/datatest"
)

// flowerTree makes two class folders of 80 empty "images" each and returns
// the directory and the split file's lines (a 40/20/20 split per class).
func flowerTree(t *testing.T) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	lines := []string{"# file\tclass_index\tclass_folder\tsplit"}
	for c, folder := range []string{"00_daffodil", "01_snowdrop"} {
		require.NoError(t, os.Mkdir(filepath.Join(dir, folder), 0o755))
		for i := range 80 {
			name := fmt.Sprintf("image_%04d.jpg", c*80+i+1)
			require.NoError(t, os.WriteFile(filepath.Join(dir, folder, name), nil, 0o644))
			split := "train"
			if i%4 == 1 {
				split = "val"
			} else if i%4 == 3 {
				split = "test"
			}
			lines = append(lines, fmt.Sprintf("%s\t%d\t%s\t%s", name, c, folder, split))
		}
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "files.txt"), nil, 0o644))
	return dir, lines
}

func writeSplit(t *testing.T, dir string, lines []string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, data.FlowersSplitFile), []byte(strings.Join(lines, "\n")+"\n"), 0o644))
}

func TestReadFlowers17Generated(t *testing.T) {
	dir, lines := flowerTree(t)
	writeSplit(t, dir, lines)
	files, classes, err := data.ReadFlowers17(dir)
	require.NoError(t, err)
	require.Equal(t, []string{"daffodil", "snowdrop"}, classes)
	require.Len(t, files, 160)
	require.Equal(t, data.ImageFile{Path: filepath.Join(dir, "00_daffodil", "image_0002.jpg"), Class: 0, ClassName: "daffodil", Split: "val"}, files[1])
	require.Equal(t, data.ImageFile{Path: filepath.Join(dir, "01_snowdrop", "image_0160.jpg"), Class: 1, ClassName: "snowdrop", Split: "test"}, files[159])
}

func TestReadFlowers17Errors(t *testing.T) {
	edit := func(i int, line string) func([]string) []string {
		return func(l []string) []string { l[i] = line; return l }
	}
	tests := []struct {
		name  string
		lines func([]string) []string
		setup func(dir string)
		err   string
	}{
		{"three fields", edit(1, "image_0001.jpg\t0\t00_daffodil"), nil, ":2: want 4 tab-separated fields"},
		{"spaces not tabs", edit(1, "image_0001.jpg 0 00_daffodil train"), nil, ":2: want 4 tab-separated fields"},
		{"bad index", edit(1, "image_0001.jpg\tx\t00_daffodil\ttrain"), nil, `:2: class index "x", want 0..1`},
		{"index out of range", edit(1, "image_0001.jpg\t2\t00_daffodil\ttrain"), nil, `class index "2"`},
		{"folder mismatch", edit(1, "image_0001.jpg\t1\t00_daffodil\ttrain"), nil, `class 1 is in folder 01_snowdrop, not "00_daffodil"`},
		{"bad split", edit(1, "image_0001.jpg\t0\t00_daffodil\tdev"), nil, `split "dev"`},
		{"path in name", edit(1, "../image_0001.jpg\t0\t00_daffodil\ttrain"), nil, "must be a plain name"},
		{"missing image", edit(1, "image_9999.jpg\t0\t00_daffodil\ttrain"), nil, "image_9999.jpg is not a file"},
		{"twice", edit(2, "image_0001.jpg\t0\t00_daffodil\ttrain"), nil, "image_0001.jpg is listed twice (first on line 2)"},
		{"wrong counts", edit(2, "image_0002.jpg\t0\t00_daffodil\ttrain"), nil, "class 00_daffodil has 41 train, 19 val, 20 test images; want 40/20/20"},
		{"no split file", nil, func(dir string) { os.Remove(filepath.Join(dir, data.FlowersSplitFile)) }, "split file: open"},
		{"folder gap", nil, func(dir string) { os.Rename(filepath.Join(dir, "01_snowdrop"), filepath.Join(dir, "02_snowdrop")) }, "class folder 02_snowdrop, want 01_<name>"},
		{"no folders", nil, func(dir string) {
			os.RemoveAll(filepath.Join(dir, "00_daffodil"))
			os.RemoveAll(filepath.Join(dir, "01_snowdrop"))
		}, "has no class folders"},
		{"no dir", nil, func(dir string) { os.RemoveAll(dir) }, "no such file or directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, lines := flowerTree(t)
			if tc.lines != nil {
				lines = tc.lines(lines)
			}
			writeSplit(t, dir, lines)
			if tc.setup != nil {
				tc.setup(dir)
			}
			_, _, err := data.ReadFlowers17(dir)
			require.ErrorContains(t, err, tc.err)
		})
	}
}

func TestReadFlowers17Real(t *testing.T) {
	dir := datatest.Dir(t, "flowers17")
	files, classes, err := data.ReadFlowers17(dir)
	require.NoError(t, err)
	require.Len(t, classes, 17)
	require.Equal(t, "daffodil", classes[0])
	require.Equal(t, "pansy", classes[16])
	for i, c := range data.FlowerClasses {
		require.Equal(t, c[3:], classes[i])
	}
	require.Len(t, files, 1360)
	n := map[string]int{}
	for _, f := range files {
		n[f.Split]++
		var num int
		_, err := fmt.Sscanf(filepath.Base(f.Path), "image_%04d.jpg", &num)
		require.NoError(t, err)
		require.Equal(t, (num-1)/80, f.Class, "%s", f.Path)
	}
	require.Equal(t, map[string]int{"train": 680, "val": 340, "test": 340}, n)
	require.Equal(t, "val", files[0].Split, "image_0001.jpg is in the course's val split")
}
