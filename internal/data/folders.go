package data

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// ImageFile is one image of a class-folder dataset.
type ImageFile struct {
	Path      string // absolute path of the image
	Class     int    // class index, from the folder's NN_ prefix
	ClassName string // folder name without the prefix: "daffodil"
	Split     string // "train", "val" or "test"
}

// Flowers 17 split sizes per class in the course's split (set 2 of the
// dataset's datasplits.mat).
const (
	FlowersTrainPerClass = 40
	FlowersValPerClass   = 20
	FlowersTestPerClass  = 20
)

var classDir = regexp.MustCompile(`^([0-9]{2})_([A-Za-z0-9]+)$`)

// ReadFlowers17 lists the Oxford Flowers 17 images under dir (class folders
// NN_name holding image_XXXX.jpg) with the course's split, read from
// dir/split_cmu_hw_datasplits_set2_40train_20val_20test.txt: one line per
// image, "file<TAB>class_index<TAB>class_folder<TAB>split", '#' starting a
// comment line. It checks that every listed file exists in its folder, that
// the folders are numbered 00, 01, ... without gaps, and that every class has
// 40 train, 20 val and 20 test images. Images come in the split file's order;
// the class names are returned in class order.
func ReadFlowers17(dir string) ([]ImageFile, []string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("flowers17: %w", err)
	}
	var folders, names []string
	for _, e := range entries {
		m := classDir.FindStringSubmatch(e.Name())
		if !e.IsDir() || m == nil {
			continue
		}
		if n, _ := strconv.Atoi(m[1]); n != len(folders) {
			return nil, nil, fmt.Errorf("flowers17: %s: class folder %s, want %02d_<name> (folders must be numbered from 00 without gaps)", dir, e.Name(), len(folders))
		}
		folders = append(folders, e.Name())
		names = append(names, m[2])
	}
	if len(folders) == 0 {
		return nil, nil, fmt.Errorf("flowers17: %s has no class folders named NN_name", dir)
	}

	splitPath := filepath.Join(dir, FlowersSplitFile)
	f, err := os.Open(splitPath)
	if err != nil {
		return nil, nil, fmt.Errorf("flowers17: split file: %w", err)
	}
	defer f.Close()
	var out []ImageFile
	counts := make([]map[string]int, len(folders))
	for i := range counts {
		counts[i] = map[string]int{}
	}
	seen := map[string]int{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		bad := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s", splitPath, line, fmt.Sprintf(format, args...))
		}
		fields := strings.Split(text, "\t")
		if len(fields) != 4 {
			return nil, nil, bad("want 4 tab-separated fields (file, class_index, class_folder, split), got %d in %q", len(fields), text)
		}
		name, idx, folder, split := fields[0], fields[1], fields[2], fields[3]
		class, err := strconv.Atoi(idx)
		if err != nil || class < 0 || class >= len(folders) {
			return nil, nil, bad("class index %q, want 0..%d", idx, len(folders)-1)
		}
		if folder != folders[class] {
			return nil, nil, bad("class %d is in folder %s, not %q", class, folders[class], folder)
		}
		if split != "train" && split != "val" && split != "test" {
			return nil, nil, bad("split %q, want train, val or test", split)
		}
		if name == "" || strings.ContainsAny(name, `/\`) {
			return nil, nil, bad("file name %q must be a plain name", name)
		}
		if prev, dup := seen[name]; dup {
			return nil, nil, bad("%s is listed twice (first on line %d)", name, prev)
		}
		seen[name] = line
		p := filepath.Join(dir, folder, name)
		if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
			return nil, nil, bad("%s is not a file", p)
		}
		counts[class][split]++
		out = append(out, ImageFile{Path: p, Class: class, ClassName: names[class], Split: split})
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", splitPath, err)
	}
	for c, n := range counts {
		if n["train"] != FlowersTrainPerClass || n["val"] != FlowersValPerClass || n["test"] != FlowersTestPerClass {
			return nil, nil, fmt.Errorf("%s: class %s has %d train, %d val, %d test images; want %d/%d/%d",
				splitPath, folders[c], n["train"], n["val"], n["test"], FlowersTrainPerClass, FlowersValPerClass, FlowersTestPerClass)
		}
	}
	return out, names, nil
}
