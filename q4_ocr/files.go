package ocr

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// OverlayFiles returns the overlay file of each photo for `recog ocr
// --boxes pattern`: the pattern itself for one photo, PATTERN_<name>.png
// (Photo.Name) for several; "" for each without a pattern. Two photos
// with the same name would write one file, an error naming both.
func OverlayFiles(photos []string, pattern string) ([]string, error) {
	out := make([]string, len(photos))
	if pattern == "" {
		return out, nil
	}
	seen := map[string]string{}
	for i, p := range photos {
		out[i] = pattern
		if len(photos) > 1 {
			name := Photo{Path: p}.Name()
			ext := filepath.Ext(pattern)
			out[i] = strings.TrimSuffix(pattern, ext) + "_" + name + ext
			if q, dup := seen[name]; dup {
				return nil, fmt.Errorf("photos %q and %q would both write %s", q, p, out[i])
			}
			seen[name] = p
		}
	}
	return out, nil
}

// ErrTruthFile is the error of TranscriptPhotos for one transcript file
// given for several photos.
var ErrTruthFile = errors.New("one transcript file for several photos: give a folder of <photo>.txt transcripts")

// TranscriptPhotos returns the photos at paths (not decoded) with their
// transcripts for `recog ocr --truth truth`, each read and checked
// (ReadTranscript) before any photo is decoded: the file truth for one
// photo, truth/<name>.txt (Photo.Name) for each when truth is a folder; no
// transcript when truth is "". A file given for several photos is an error
// wrapping ErrTruthFile.
func TranscriptPhotos(paths []string, truth string) ([]Photo, error) {
	out := make([]Photo, len(paths))
	var st os.FileInfo
	if truth != "" {
		var err error
		if st, err = os.Stat(truth); err != nil {
			return nil, err
		}
		if !st.IsDir() && len(paths) > 1 {
			return nil, fmt.Errorf("%s: %w", truth, ErrTruthFile)
		}
	}
	for i, p := range paths {
		out[i] = Photo{Path: p, HasTruth: truth != ""}
		file := truth
		switch {
		case truth == "":
			continue
		case st.IsDir():
			file = filepath.Join(truth, out[i].Name()+".txt")
		}
		t, err := ReadTranscript(file)
		if err != nil {
			return nil, err
		}
		out[i].Truth = t
	}
	return out, nil
}
