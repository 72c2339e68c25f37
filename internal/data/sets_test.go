package data_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"recog/internal/data"
	"recog/internal/datatest"
)

func TestSetsTable(t *testing.T) {
	require.Equal(t, []string{"nist36", "images", "mnist", "emnist", "flowers17", "squeezenet"}, data.SetNames())
	counts := map[string]int{"nist36": 3, "images": 8, "mnist": 4, "emnist": 5, "flowers17": 1363, "squeezenet": 59}
	for _, s := range data.Sets() {
		t.Run(s.Name, func(t *testing.T) {
			require.Len(t, s.Files, counts[s.Name])
			require.NotEmpty(t, s.Title)
			require.NotEmpty(t, s.Source)
			require.NotEmpty(t, s.MirrorLabel)
			seen := map[string]bool{}
			for _, f := range s.Files {
				require.False(t, seen[f.Name], "%s twice", f.Name)
				seen[f.Name] = true
				require.Regexp(t, "^[0-9a-f]{64}$", f.SHA256)
				require.False(t, f.URL != "" && f.Member != "", "%s: both URL and Member", f.Name)
				if f.Member != "" {
					require.NotEmpty(t, s.Archive, "%s: Member without an archive", f.Name)
				}
				for _, a := range f.Alt {
					require.NotEmpty(t, a.Label)
					want := map[data.IdentityKind]string{data.SHA256: "^[0-9a-f]{64}$", data.GunzipSHA256: "^[0-9a-f]{64}$", data.GitBlob: "^[0-9a-f]{40}$"}[a.Kind]
					require.NotEmpty(t, want, "unknown kind %q", a.Kind)
					require.Regexp(t, want, a.Sum)
				}
			}
		})
	}
	nist, err := data.LookupSet("nist36")
	require.NoError(t, err)
	f, ok := nist.File("nist36_train.mat")
	require.True(t, ok)
	require.Equal(t, "ae08989743245701c3da4e28c19672508e2136c40b12773a166dac80e5048458", f.SHA256)
	require.Equal(t, []data.Identity{{Kind: data.GitBlob, Sum: "c46ac54a65e595cd35bf5ac2cc908f590b8d584d", Label: "original course file"}}, f.Alt)
	require.Equal(t, "nist36_train.mat", f.Member)

	mn, _ := data.LookupSet("mnist")
	f, _ = mn.File("train-labels-idx1-ubyte.gz")
	require.Equal(t, data.GunzipSHA256, f.Alt[0].Kind)
	require.Equal(t, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", f.Alt[0].Sum)
	require.Contains(t, f.URL, "train-labels-idx1-ubyte.gz")

	fl, _ := data.LookupSet("flowers17")
	f, _ = fl.File("16_pansy/image_1360.jpg")
	require.Equal(t, "image_1360.jpg", f.Member)
	f, _ = fl.File(data.FlowersSplitFile)
	require.Empty(t, f.Member+f.URL, "the course split has no online source")

	_, err = data.LookupSet("cifar")
	require.ErrorContains(t, err, `unknown data set "cifar"`)

	// Sets returns a copy: changing it does not change the table.
	all := data.Sets()
	all[0].Name = "changed"
	require.Equal(t, "nist36", data.Sets()[0].Name)
}

func TestSetsParseSums(t *testing.T) {
	h := "ae08989743245701c3da4e28c19672508e2136c40b12773a166dac80e5048458"
	tests := []struct {
		name, in string
		want     []data.SumEntry
		err      string
	}{
		{"two lines", h + "  a.mat\n" + h + "  dir/b.jpg\n", []data.SumEntry{{h, "a.mat"}, {h, "dir/b.jpg"}}, ""},
		{"binary mode and CRLF", h + " *a.mat\r\n\n", []data.SumEntry{{h, "a.mat"}}, ""},
		{"short sum", "abc  a.mat\n", nil, "line 1"},
		{"upper case", "AE08989743245701C3DA4E28C19672508E2136C40B12773A166DAC80E5048458  a\n", nil, "hex"},
		{"no name", h + "\n", nil, "line 1"},
		{"absolute", h + "  /etc/passwd\n", nil, "clean relative"},
		{"parent", h + "  ../x\n", nil, "clean relative"},
		{"unclean", h + "  a//b\n", nil, "clean relative"},
		{"twice", h + "  a\n" + h + "  a\n", nil, "line 2: a listed twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := data.ParseSums([]byte(tc.in))
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(tc.want, got))
		})
	}
}

// The embedded tables must equal the mirror's SHA256SUMS files.
func TestSetsEmbeddedSumsMatchMirror(t *testing.T) {
	mirror := data.DefaultMirror()
	if mirror == "" {
		datatest.Failf(t, "no mirror (set RECOG_MIRROR) to compare the embedded checksums with")
		return
	}
	for _, s := range data.Sets() {
		raw, err := os.ReadFile(filepath.Join(mirror, s.Name, "SHA256SUMS"))
		require.NoError(t, err)
		entries, err := data.ParseSums(raw)
		require.NoError(t, err)
		var got []data.SumEntry
		for _, f := range s.Files {
			got = append(got, data.SumEntry{SHA256: f.SHA256, Name: f.Name})
		}
		require.Empty(t, cmp.Diff(entries, got), "%s: internal/data/sums/%s.sha256 differs from the mirror", s.Name, s.Name)
	}
}
