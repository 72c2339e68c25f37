package grade

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Marker is the comment line that marks a function the students write: a
// line "//recog:starter Q2.2.1" in the function's doc comment. The marked
// functions of the module are the starter set; Starter replaces their
// bodies by stubs.
const Marker = "//recog:starter "

// Marked is one marked function.
type Marked struct {
	File string // slash path relative to the module root
	Func string // "Sigmoid", "(*Layer).forward"
	Item string // "Q2.2.1"
	Line int
}

var itemRE = regexp.MustCompile(`^Q[1-7](\.[0-9]+)*$`)

// markedFuncs returns the marked function declarations of f with their item.
func markedFuncs(f *ast.File) (map[*ast.FuncDecl]string, error) {
	out := map[*ast.FuncDecl]string{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Doc == nil {
			continue
		}
		for _, c := range fd.Doc.List {
			item, ok := strings.CutPrefix(c.Text, Marker)
			if !ok {
				continue
			}
			item = strings.TrimSpace(item)
			if !itemRE.MatchString(item) {
				return nil, fmt.Errorf("%s: %q is not an item number", funcName(fd), item)
			}
			if fd.Body == nil {
				return nil, fmt.Errorf("%s: marked for %s but has no body", funcName(fd), item)
			}
			out[fd] = item
		}
	}
	return out, nil
}

// funcName returns "Name" or "(*Recv).Name" / "(Recv).Name".
func funcName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	t := fd.Recv.List[0].Type
	star := ""
	if s, ok := t.(*ast.StarExpr); ok {
		star, t = "*", s.X
	}
	if ix, ok := t.(*ast.IndexExpr); ok {
		t = ix.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return "(" + star + id.Name + ")." + fd.Name.Name
	}
	return fd.Name.Name
}

// sourceFiles returns the .go files of the module at root, its test files
// if test is set and its other files if not (slash paths relative to
// root, in walk order).
func sourceFiles(root string, test bool) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && skipDir(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") && strings.HasSuffix(path, "_test.go") == test {
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out, err
}

// Starters returns the marked functions of the module at root, in file
// order.
func Starters(root string) ([]Marked, error) {
	files, err := sourceFiles(root, false)
	if err != nil {
		return nil, fmt.Errorf("grade: %w", err)
	}
	var out []Marked
	for _, rel := range files {
		src, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			return nil, fmt.Errorf("grade: %w", err)
		}
		if !bytes.Contains(src, []byte(Marker)) {
			continue
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, rel, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("grade: %w", err)
		}
		m, err := markedFuncs(f)
		if err != nil {
			return nil, fmt.Errorf("grade: %s: %w", rel, err)
		}
		for fd, item := range m {
			out = append(out, Marked{rel, funcName(fd), item, fset.Position(fd.Pos()).Line})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Line < out[j].Line
	})
	return out, nil
}

// edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// apply applies non-overlapping edits to src.
func apply(src []byte, edits []edit) []byte {
	sort.Slice(edits, func(i, j int) bool { return edits[i].start > edits[j].start })
	out := append([]byte(nil), src...)
	for _, e := range edits {
		out = append(out[:e.start], append([]byte(e.text), out[e.end:]...)...)
	}
	return out
}

// stubBody returns the stub of fd for item: when the last result is an
// error it returns the zero values and errors.New("not implemented: item");
// otherwise it panics with that text.
func stubBody(fd *ast.FuncDecl, src []byte, fset *token.FileSet, item string) string {
	msg := strconv.Quote("not implemented: " + item)
	res := fd.Type.Results
	var types []string
	if res != nil {
		for _, f := range res.List {
			n := max(len(f.Names), 1)
			t := string(src[fset.Position(f.Type.Pos()).Offset:fset.Position(f.Type.End()).Offset])
			for range n {
				types = append(types, t)
			}
		}
	}
	if len(types) == 0 || types[len(types)-1] != "error" {
		return "{\n\tpanic(" + msg + ")\n}"
	}
	var b strings.Builder
	b.WriteString("{\n")
	var names []string
	for i, t := range types[:len(types)-1] {
		name := fmt.Sprintf("stub%d", i)
		fmt.Fprintf(&b, "\tvar %s %s\n", name, t)
		names = append(names, name)
	}
	names = append(names, "errors.New("+msg+")")
	fmt.Fprintf(&b, "\treturn %s\n}", strings.Join(names, ", "))
	return b.String()
}

// StubFile returns src with the body of every marked function replaced by
// its stub, the imports fixed (unused ones removed, errors added) and the
// file formatted, and the marked functions.
func StubFile(root, rel string, src []byte) ([]byte, []Marked, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, rel, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, nil, fmt.Errorf("grade: %w", err)
	}
	m, err := markedFuncs(f)
	if err != nil {
		return nil, nil, fmt.Errorf("grade: %s: %w", rel, err)
	}
	var edits []edit
	for fd, item := range m {
		edits = append(edits, edit{fset.Position(fd.Body.Lbrace).Offset, fset.Position(fd.Body.Rbrace).Offset + 1,
			stubBody(fd, src, fset, item)})
	}
	if len(edits) == 0 {
		return src, nil, nil
	}
	out, err := fixImports(root, rel, apply(src, edits), imports(f, src, fset), []importSpec{{path: "errors"}})
	if err != nil {
		return nil, nil, err
	}
	// The stubs, where they are in the rewritten file.
	fset = token.NewFileSet()
	if f, err = parser.ParseFile(fset, rel, out, parser.ParseComments|parser.SkipObjectResolution); err != nil {
		return nil, nil, fmt.Errorf("grade: %w", err)
	}
	if m, err = markedFuncs(f); err != nil {
		return nil, nil, fmt.Errorf("grade: %s: %w", rel, err)
	}
	var marked []Marked
	for fd, item := range m {
		marked = append(marked, Marked{rel, funcName(fd), item, fset.Position(fd.Pos()).Line})
	}
	return out, marked, nil
}

// RestoreFunc returns starter (a file written by StubFile) with the body of
// the function name (as funcName writes it) taken from ref, the reference
// version of the file, and the imports it needs.
func RestoreFunc(root, rel string, starter, ref []byte, name string) ([]byte, error) {
	fsetR := token.NewFileSet()
	fr, err := parser.ParseFile(fsetR, rel, ref, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("grade: %w", err)
	}
	fsetS := token.NewFileSet()
	fs, err := parser.ParseFile(fsetS, rel, starter, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("grade: %w", err)
	}
	body := func(f *ast.File, fset *token.FileSet) (int, int, bool) {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil && funcName(fd) == name {
				return fset.Position(fd.Body.Lbrace).Offset, fset.Position(fd.Body.Rbrace).Offset + 1, true
			}
		}
		return 0, 0, false
	}
	rs, re, ok1 := body(fr, fsetR)
	ss, se, ok2 := body(fs, fsetS)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("grade: %s: no function %s", rel, name)
	}
	out := apply(starter, []edit{{ss, se, string(ref[rs:re])}})
	return fixImports(root, rel, out, imports(fs, starter, fsetS), imports(fr, ref, fsetR))
}

// importSpec is one import: its name (alias, "" for none) and path.
type importSpec struct{ name, path string }

func imports(f *ast.File, src []byte, fset *token.FileSet) []importSpec {
	var out []importSpec
	for _, s := range f.Imports {
		p, _ := strconv.Unquote(s.Path.Value)
		sp := importSpec{path: p}
		if s.Name != nil {
			sp.name = s.Name.Name
		}
		out = append(out, sp)
	}
	return out
}

var majorRE = regexp.MustCompile(`^v[0-9]+$`)

// pkgName returns the name an import brings into scope: its alias, else the
// package clause of a package of the module, else the last element of the
// path (without a /vN suffix or a go- prefix).
func pkgName(root, mod string, s importSpec) string {
	if s.name != "" {
		return s.name
	}
	if rel, ok := strings.CutPrefix(s.path, mod+"/"); ok {
		if n := modulePkgName(filepath.Join(root, filepath.FromSlash(rel))); n != "" {
			return n
		}
	}
	parts := strings.Split(s.path, "/")
	last := parts[len(parts)-1]
	if majorRE.MatchString(last) && len(parts) > 1 {
		last = parts[len(parts)-2]
	}
	last = strings.TrimPrefix(last, "go-")
	return strings.ReplaceAll(last, "-", "_")
}

// modulePkgName reads the package clause of a non-test file of dir.
func modulePkgName(dir string) string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	for _, e := range ents {
		if n := e.Name(); strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, n), nil, parser.PackageClauseOnly)
			if err == nil {
				return f.Name.Name
			}
		}
	}
	return ""
}

// fixImports rewrites the imports of src: of have and candidates, it keeps
// those whose name the file uses (blank and dot imports always), groups
// the standard library first, and formats the file.
func fixImports(root, rel string, src []byte, have, candidates []importSpec) ([]byte, error) {
	mod, err := modulePath(root)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, rel, src, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("grade: %s after rewriting: %w", rel, err)
	}
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Obj == nil {
				used[id.Name] = true
			}
		}
		return true
	})
	seen := map[string]bool{}
	var std, other []string
	for _, s := range append(append([]importSpec(nil), have...), candidates...) {
		n := pkgName(root, mod, s)
		if seen[s.path] || !(s.name == "_" || s.name == "." || used[n]) {
			continue
		}
		seen[s.path] = true
		line := strconv.Quote(s.path)
		if s.name != "" {
			line = s.name + " " + line
		}
		if strings.Contains(strings.Split(s.path, "/")[0], ".") || strings.HasPrefix(s.path, mod+"/") {
			other = append(other, line)
		} else {
			std = append(std, line)
		}
	}
	sort.Strings(std)
	sort.Strings(other)
	block := ""
	if len(std)+len(other) > 0 {
		var groups []string
		for _, g := range [][]string{std, other} {
			if len(g) > 0 {
				groups = append(groups, "\t"+strings.Join(g, "\n\t"))
			}
		}
		block = "import (\n" + strings.Join(groups, "\n\n") + "\n)"
	}
	var edits []edit
	first := true
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		text := ""
		if first {
			text, first = block, false
		}
		edits = append(edits, edit{fset.Position(gd.Pos()).Offset, fset.Position(gd.End()).Offset, text})
	}
	if first && block != "" { // no import declaration: add one after the package clause
		off := fset.Position(f.Name.End()).Offset
		edits = append(edits, edit{off, off, "\n\n" + block})
	}
	out, err := format.Source(apply(src, edits))
	if err != nil {
		return nil, fmt.Errorf("grade: %s: formatting after rewriting: %w", rel, err)
	}
	return out, nil
}

// recoveryPath is the package whose deferred calls keep a panic in one test
// from stopping the others (see package recovery).
const recoveryPath = "recog/internal/grade/recovery"

// AddRecovery returns the test file src with `defer recovery.Test(t)` as
// the first statement of every test function, fuzz target body and subtest
// (every function literal whose first parameter is a named *testing.T) and
// `defer recovery.Example()` in every example; ok is false when the file
// has none of them.
func AddRecovery(root, rel string, src []byte) (out []byte, ok bool, err error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, rel, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, false, fmt.Errorf("grade: %w", err)
	}
	for _, s := range f.Imports {
		if s.Path.Value == strconv.Quote(recoveryPath) {
			return src, true, nil // a starter's test file already
		}
	}
	var edits []edit
	insert := func(body *ast.BlockStmt, stmt string) {
		off := fset.Position(body.Lbrace).Offset + 1
		edits = append(edits, edit{off, off, "\n" + stmt + "\n"})
	}
	tParam := func(ft *ast.FuncType) string {
		if ft.Params == nil || len(ft.Params.List) == 0 || len(ft.Params.List[0].Names) == 0 {
			return ""
		}
		p := ft.Params.List[0]
		st, ok := p.Type.(*ast.StarExpr)
		if !ok {
			return ""
		}
		sel, ok := st.X.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "T" {
			return ""
		}
		if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "testing" {
			return ""
		}
		if n := p.Names[0].Name; n != "_" {
			return n
		}
		return ""
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil || fd.Recv != nil {
			continue
		}
		name := fd.Name.Name
		switch {
		case strings.HasPrefix(name, "Test") && name != "TestMain":
			if t := tParam(fd.Type); t != "" {
				insert(fd.Body, "defer recovery.Test("+t+")")
			}
		case strings.HasPrefix(name, "Example") && fd.Type.Params.NumFields() == 0:
			insert(fd.Body, "defer recovery.Example()")
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if fl, ok := n.(*ast.FuncLit); ok {
				if t := tParam(fl.Type); t != "" {
					insert(fl.Body, "defer recovery.Test("+t+")")
				}
			}
			return true
		})
	}
	if len(edits) == 0 {
		return src, false, nil
	}
	out, err = fixImports(root, rel, apply(src, edits), imports(f, src, fset), []importSpec{{path: recoveryPath}})
	return out, err == nil, err
}

// Starter writes to dst (absent or empty) a copy of the git-tracked files of
// the module at root with every marked function stubbed (StubFile) and the
// recovery calls added to every test file (AddRecovery), and README.md
// extended with "How to work through it". It returns the stubbed functions.
func Starter(root, dst string) ([]Marked, error) {
	if ents, err := os.ReadDir(dst); err == nil && len(ents) > 0 {
		return nil, fmt.Errorf("starter: %s is not empty", dst)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("starter: %w", err)
	}
	files, err := moduleFiles(root)
	if err != nil {
		return nil, err
	}
	var marked []Marked
	for _, rel := range files {
		if strings.HasPrefix(rel, "data/") || strings.HasPrefix(rel, "internal/grade/") && strings.HasSuffix(rel, "_test.go") {
			continue // no data; the tests of grading itself grade the reference
		}
		src := filepath.Join(root, filepath.FromSlash(rel))
		st, err := os.Lstat(src)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) { // deleted but not committed
				continue
			}
			return nil, fmt.Errorf("starter: %w", err)
		}
		if !st.Mode().IsRegular() {
			continue
		}
		b, err := os.ReadFile(src)
		if err != nil {
			return nil, fmt.Errorf("starter: %w", err)
		}
		switch {
		case strings.HasSuffix(rel, "_test.go") && !strings.HasPrefix(rel, "internal/grade/recovery/"):
			if b, _, err = AddRecovery(root, rel, b); err != nil {
				return nil, err
			}
		case strings.HasSuffix(rel, ".go") && bytes.Contains(b, []byte(Marker)):
			var m []Marked
			if b, m, err = StubFile(root, rel, b); err != nil {
				return nil, err
			}
			marked = append(marked, m...)
		}
		out := filepath.Join(dst, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return nil, fmt.Errorf("starter: %w", err)
		}
		if err := os.WriteFile(out, b, st.Mode().Perm()); err != nil {
			return nil, fmt.Errorf("starter: %w", err)
		}
	}
	sort.Slice(marked, func(i, j int) bool {
		a, b := marked[i], marked[j]
		switch {
		case a.Item != b.Item:
			return itemLess(a.Item, b.Item)
		case a.File != b.File:
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	readme := filepath.Join(dst, "README.md")
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		return nil, fmt.Errorf("starter: %w", err)
	}
	if i := bytes.Index(b, []byte(howToHeading)); i >= 0 { // the README of a starter
		b = b[:i]
	}
	if err := os.WriteFile(readme, append(b, howTo(marked)...), 0o644); err != nil {
		return nil, fmt.Errorf("starter: %w", err)
	}
	return marked, nil
}

// moduleFiles returns the files of the module at root to copy: the
// git-tracked ones, or, when root is not a git work tree (a starter copy),
// every file but those of data/, out/ and hidden folders.
func moduleFiles(root string) ([]string, error) {
	cmd := exec.Command("git", "ls-files", "-z")
	cmd.Dir = root
	if list, err := cmd.Output(); err == nil {
		if s := strings.TrimRight(string(list), "\x00"); s != "" {
			return strings.Split(s, "\x00"), nil
		}
	}
	var out []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			top := filepath.Dir(path) == filepath.Clean(root)
			if path != root && (top && (name == "data" || name == "out") || strings.HasPrefix(name, ".") && name != ".ci") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("starter: listing %s: %w", root, err)
	}
	return out, nil
}

// itemLess orders item numbers numerically (Q2.10 after Q2.9).
func itemLess(a, b string) bool {
	pa, pb := strings.Split(a[1:], "."), strings.Split(b[1:], ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		x, _ := strconv.Atoi(pa[i])
		y, _ := strconv.Atoi(pb[i])
		if x != y {
			return x < y
		}
	}
	return len(pa) < len(pb)
}

const howToHeading = "\n## How to work through it (starter copy)\n\n"

// howTo returns the README section of a starter copy: per item with stubs,
// the functions to write, the tests that grade it and its doc page.
func howTo(marked []Marked) string {
	var b strings.Builder
	b.WriteString(howToHeading)
	b.WriteString("This copy was written by `recog starter`: the functions below fail with\n")
	b.WriteString("\"not implemented: Q...\". Write each one, run its tests, then grade the copy:\n\n")
	b.WriteString("```sh\ngo test ./q2_nn -run 'TestQ2_2_2_'   # the tests of one item\n")
	b.WriteString("go run ./cmd/recog grade --dir .      # every item, with its points\n```\n\n")
	b.WriteString("| item | points | write | graded by | read |\n| --- | --- | --- | --- | --- |\n")
	byItem := map[string][]Marked{}
	var order []string
	for _, m := range marked {
		if _, ok := byItem[m.Item]; !ok {
			order = append(order, m.Item)
		}
		byItem[m.Item] = append(byItem[m.Item], m)
	}
	for _, num := range order {
		it, err := Lookup(num)
		if err != nil {
			continue
		}
		var fns, ts []string
		for _, m := range byItem[num] {
			fns = append(fns, fmt.Sprintf("`%s` ([%s](%s#L%d))", m.Func, m.File, m.File, m.Line))
		}
		for _, t := range it.Tests {
			ts = append(ts, "`"+t.Name+"`")
		}
		fmt.Fprintf(&b, "| %s %s | %d | %s | %s | [%s](%s) |\n", it.Number, it.Title, it.Points,
			strings.Join(fns, ", "), strings.Join(ts, ", "), it.Doc, it.Doc)
	}
	b.WriteString("\nThe later items that use these functions (Q3's training, Q4's reading of the\n")
	b.WriteString("photos, the write-up checked by TestAllQuick, Q7.1.1) pass once they are written.\n")
	b.WriteString("Items marked *_Full need `recog grade --full` (hours of training).\n")
	return b.String()
}
