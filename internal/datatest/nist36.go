package datatest

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"testing"

	"recog/internal/data"
)

// NIST36 loads one split ("train", "valid" or "test") of the real NIST36 set
// from ./data (see Dir) and returns it with the SHA-256 of its file, which
// golden files made from real data record (DESIGN.md: goldens are compared
// only against the data version they were made from).
func NIST36(t testing.TB, split string) (*data.Dataset, string) {
	t.Helper()
	path := File(t, "nist36", data.SplitFile(split))
	ds, err := data.LoadNIST36(path, split)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return ds, FileSHA256(t, path)
}

// FileSHA256 returns the hex SHA-256 of the file at path.
func FileSHA256(t testing.TB, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// GunzipSHA256 returns the hex SHA-256 of the decompressed bytes of the
// gzip file at path: what identifies a data file whose compressed bytes may
// differ between copies of the same data (MNIST's IDX files, accepted by
// `recog data` as any gzip of the original bytes).
func GunzipSHA256(t testing.TB, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v", err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	h := sha256.New()
	if _, err := io.Copy(h, z); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return hex.EncodeToString(h.Sum(nil))
}
