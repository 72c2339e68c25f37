package data

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"path"
	"slices"
	"strings"
)

// The checksum tables are copies of each mirror folder's SHA256SUMS
// (`sha256sum` format: 64 hex digits, two spaces, a slash-separated path
// relative to the set's folder). They are facts about the files, not data.
// To refresh them after the mirror changes:
//
//	for s in nist36 images mnist emnist flowers17 squeezenet; do
//	    cp "$RECOG_MIRROR/$s/SHA256SUMS" internal/data/sums/$s.sha256; done
//
// TestSetsEmbeddedSumsMatchMirror checks that they agree with the mirror.
//
//go:embed sums/*.sha256
var sumsFS embed.FS

// IdentityKind says how an Identity's Sum is computed from a file.
type IdentityKind string

const (
	// SHA256 is the SHA-256 of the file's bytes (`sha256sum FILE`).
	SHA256 IdentityKind = "sha256"
	// GitBlob is the git blob id, SHA-1("blob <size>\x00" + bytes)
	// (`git hash-object FILE`).
	GitBlob IdentityKind = "git-blob"
	// GunzipSHA256 is the SHA-256 of the gzip-decompressed bytes, for .gz files
	// whose compressed bytes differ between copies (`gunzip -c FILE | sha256sum`).
	GunzipSHA256 IdentityKind = "gunzip-sha256"
)

// Identity is one accepted version of a file: the way its checksum is
// computed, the checksum (lower-case hex) and what that version is.
type Identity struct {
	Kind  IdentityKind
	Sum   string
	Label string // e.g. "mirror stand-in", "original course file"
}

// File is one file of a set.
type File struct {
	// Name is the path inside the set's folder, slash-separated
	// ("00_daffodil/image_0001.jpg").
	Name string
	// SHA256 is the SHA-256 of the mirror's copy.
	SHA256 string
	// Alt lists other accepted versions of the file (the original release
	// when the mirror holds a stand-in or a re-compressed copy).
	Alt []Identity
	// URL downloads the file itself; Member names it inside the set's
	// Archive instead. At most one is set; neither means the file has no
	// online source (it exists only in the mirror).
	URL    string
	Member string
}

// Identities returns every accepted version of f, the mirror's first.
func (f File) Identities(set Set) []Identity {
	return append([]Identity{{Kind: SHA256, Sum: f.SHA256, Label: set.MirrorLabel}}, f.Alt...)
}

// Set is one dataset: its folder (the same name under ./data and in the
// mirror), its files and where the original comes from.
type Set struct {
	Name        string // folder name: "nist36"
	Title       string // "NIST36 handwritten characters"
	MirrorLabel string // what the mirror's copy is: "mirror stand-in" or "original"
	// Source is the original release, for users who are online.
	Source string
	// Archive is the URL of a .zip or .tgz/.tar.gz holding the files whose
	// Member is set; "" when every file has its own URL or none.
	Archive string
	// Note tells what to do when a file has no online source.
	Note  string
	Files []File
}

// File returns the file of s called name.
func (s Set) File(name string) (File, bool) {
	for _, f := range s.Files {
		if f.Name == name {
			return f, true
		}
	}
	return File{}, false
}

// Course data (16-720), original source of NIST36 and the photos.
const courseURL = "http://www.cs.cmu.edu/~lkeselma/16720a_data/"

// webnn-samples commit holding the ONNX zoo SqueezeNet 1.1 weights as .npy.
const webnnURL = "https://raw.githubusercontent.com/webmachinelearning/webnn-samples/3233166e9305471fbed6455ec924aa166af564d4/image_classification/"

// FlowerClasses are the Oxford Flowers 17 class folder names in class order;
// image_XXXX.jpg belongs to class (XXXX-1) div 80.
var FlowerClasses = []string{
	"00_daffodil", "01_snowdrop", "02_lilyvalley", "03_bluebell", "04_crocus",
	"05_iris", "06_tigerlily", "07_tulip", "08_fritillary", "09_sunflower",
	"10_daisy", "11_coltsfoot", "12_dandelion", "13_cowslip", "14_buttercup",
	"15_windflower", "16_pansy",
}

// FlowersSplitFile is the course's 40/20/20 split of Flowers 17.
const FlowersSplitFile = "split_cmu_hw_datasplits_set2_40train_20val_20test.txt"

// SqueezeNetFile holds the SqueezeNet 1.1 weights under torchvision names.
const SqueezeNetFile = "squeezenet1_1_onnxzoo_torchvision_names.safetensors"

// setDefs describes each set; the files and their SHA-256 come from
// sums/<name>.sha256, and files gets the per-file sources and alternatives.
var setDefs = []struct {
	Set
	files func(name string) File // adds URL/Member/Alt to a file from the sums
}{
	{Set{
		Name: "nist36", Title: "NIST36 handwritten characters (A-Z, 0-9, 32x32)",
		MirrorLabel: "mirror stand-in (rebuilt from EMNIST ByClass)",
		Source:      "the course's data.zip, " + courseURL + "data.zip",
		Archive:     courseURL + "data.zip",
	}, func(name string) File {
		blob := map[string]string{
			"nist36_train.mat": "c46ac54a65e595cd35bf5ac2cc908f590b8d584d",
			"nist36_valid.mat": "eedbc65be5c3efcdd6f030d0bf5b5bce60d5516a",
			"nist36_test.mat":  "d90541c85b97243f0d12d8dbd51a65de33965f1f",
		}[name]
		f := File{Member: name}
		if blob != "" {
			f.Alt = []Identity{{Kind: GitBlob, Sum: blob, Label: "original course file"}}
		}
		return f
	}},
	{Set{
		Name: "images", Title: "the four sample photos of handwriting, with transcripts",
		MirrorLabel: "original",
		Source:      "the course's images.zip, " + courseURL + "images.zip",
		Archive:     courseURL + "images.zip",
		Note:        "the transcripts (NN_name.txt) were written for recog and exist only in the mirror",
	}, func(name string) File {
		if strings.HasSuffix(name, ".jpg") {
			return File{Member: name}
		}
		return File{}
	}},
	{Set{
		Name: "mnist", Title: "MNIST handwritten digits (IDX, gzip)",
		MirrorLabel: "original IDX, re-gzipped",
		Source:      "the MNIST IDX files, https://ossci-datasets.s3.amazonaws.com/mnist/ (a copy of yann.lecun.com/exdb/mnist/)",
	}, func(name string) File {
		// SHA-256 of the uncompressed IDX files, from mnist/README.md: any
		// gzip of the original bytes is accepted.
		raw := map[string]string{
			"train-images-idx3-ubyte.gz": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
			"train-labels-idx1-ubyte.gz": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
			"t10k-images-idx3-ubyte.gz":  "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
			"t10k-labels-idx1-ubyte.gz":  "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
		}[name]
		f := File{URL: "https://ossci-datasets.s3.amazonaws.com/mnist/" + name}
		if raw != "" {
			f.Alt = []Identity{{Kind: GunzipSHA256, Sum: raw, Label: "original MNIST IDX (checked uncompressed)"}}
		}
		return f
	}},
	{Set{
		Name: "emnist", Title: "EMNIST Balanced (47 classes, IDX, gzip)",
		MirrorLabel: "mirror stand-in (20,022/3,337 images from EMNIST ByMerge)",
		Source:      "NIST's EMNIST gzip.zip, https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip",
		Archive:     "https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip",
	}, func(name string) File {
		// NIST's own files, from emnist/README.md (the mapping file is the same).
		orig := map[string]string{
			"emnist-balanced-train-images-idx3-ubyte.gz": "74295e75e4e9fa2c102147460ee7eb763653d5132d883a84fb88932bfb8d2db4",
			"emnist-balanced-train-labels-idx1-ubyte.gz": "b46d41e5156a0a8aaaa4d18979fdd1588850fa8571018acffd5d93b325a7d6ed",
			"emnist-balanced-test-images-idx3-ubyte.gz":  "117fc12b015e37ea98bfb2cbba3f77c3782c056cdbd219b87abfc8661d7135db",
			"emnist-balanced-test-labels-idx1-ubyte.gz":  "a67cac948379b67270b9a4d0a01c8ec661598accf2f2b1964340b7c83cb175cd",
		}[name]
		f := File{Member: name}
		if orig != "" {
			f.Alt = []Identity{{Kind: SHA256, Sum: orig, Label: "NIST's original file"}}
		}
		return f
	}},
	{Set{
		Name: "flowers17", Title: "Oxford 17 Category Flower Dataset, with the course's split",
		MirrorLabel: "original",
		Source:      "Oxford VGG 17flowers.tgz, https://www.robots.ox.ac.uk/~vgg/data/flowers/17/17flowers.tgz",
		Archive:     "https://www.robots.ox.ac.uk/~vgg/data/flowers/17/17flowers.tgz",
		Note:        "the course split file was made from the dataset's datasplits.mat (set 2) and, like the other split list, exists only in the mirror",
	}, func(name string) File {
		switch {
		case strings.HasSuffix(name, ".jpg"), name == "files.txt":
			return File{Member: path.Base(name)}
		}
		return File{}
	}},
	{Set{
		Name: "squeezenet", Title: "SqueezeNet 1.1 ImageNet weights (ONNX model zoo)",
		MirrorLabel: "original weights, renamed to torchvision names",
		Source:      "the ONNX model zoo's squeezenet1.1, as per-layer .npy files in webnn-samples: " + webnnURL + "weights/squeezenet_nchw/",
		Note:        "the .safetensors file, the name map and the reference outputs were made for recog from the .npy files and exist only in the mirror",
	}, func(name string) File {
		switch {
		case strings.HasPrefix(name, "onnx-zoo-squeezenet1.1-npy/"):
			return File{URL: webnnURL + "weights/squeezenet_nchw/" + path.Base(name)}
		case name == "imagenet_labels1000.txt":
			return File{URL: webnnURL + "labels/labels1000.txt"}
		case name == "reference/test_redpanda.jpg":
			return File{URL: webnnURL + "images/test.jpg"}
		}
		return File{}
	}},
}

var setTable = func() []Set {
	out := make([]Set, 0, len(setDefs))
	for _, d := range setDefs {
		raw, err := sumsFS.ReadFile("sums/" + d.Name + ".sha256")
		if err != nil {
			panic(fmt.Sprintf("data: embedded checksums for %s: %v", d.Name, err)) // a build error, not user input
		}
		sums, err := ParseSums(raw)
		if err != nil {
			panic(fmt.Sprintf("data: embedded sums/%s.sha256: %v", d.Name, err))
		}
		s := d.Set
		for _, e := range sums {
			f := d.files(e.Name)
			f.Name, f.SHA256 = e.Name, e.SHA256
			s.Files = append(s.Files, f)
		}
		out = append(out, s)
	}
	return out
}()

// Sets returns every dataset recog uses, in a fixed order: nist36, images,
// mnist, emnist, flowers17, squeezenet.
func Sets() []Set { return slices.Clone(setTable) }

// SetNames returns the names of Sets, in the same order.
func SetNames() []string {
	out := make([]string, len(setTable))
	for i, s := range setTable {
		out[i] = s.Name
	}
	return out
}

// LookupSet returns the set called name.
func LookupSet(name string) (Set, error) {
	for _, s := range setTable {
		if s.Name == name {
			return s, nil
		}
	}
	return Set{}, fmt.Errorf("unknown data set %q (known: %s)", name, strings.Join(SetNames(), ", "))
}

// SumEntry is one line of a SHA256SUMS file.
type SumEntry struct {
	SHA256 string
	Name   string
}

// ParseSums reads `sha256sum` output: lines "<64 hex>  <name>" (a '*' before
// the name, binary mode, is accepted). Names must be relative, slash-separated
// and free of "..". Blank lines are skipped.
func ParseSums(b []byte) ([]SumEntry, error) {
	var out []SumEntry
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		sum, name, ok := strings.Cut(line, " ")
		name = strings.TrimPrefix(strings.TrimPrefix(name, " "), "*")
		if !ok || len(sum) != 64 || strings.Trim(sum, "0123456789abcdef") != "" {
			return nil, fmt.Errorf("line %d: want \"<64 lower-case hex digits>  <file>\", got %q", n, line)
		}
		if name == "" || path.IsAbs(name) || path.Clean(name) != name || strings.HasPrefix(name, "../") || name == ".." || strings.Contains(name, "\\") {
			return nil, fmt.Errorf("line %d: file name %q must be a clean relative slash-separated path", n, name)
		}
		if seen[name] {
			return nil, fmt.Errorf("line %d: %s listed twice", n, name)
		}
		seen[name] = true
		out = append(out, SumEntry{SHA256: sum, Name: name})
	}
	return out, sc.Err()
}
