package grade

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
)

// Pos is where a function is declared: a slash-separated path relative to
// the module root and a line.
type Pos struct {
	File string
	Line int
}

// skipDir reports whether the walk of a module skips the directory name:
// data sets, outputs, test fixtures and hidden folders hold no packages of
// the module.
func skipDir(name string) bool {
	return name == "data" || name == "out" || name == "testdata" || name == "vendor" ||
		(strings.HasPrefix(name, ".") && name != ".") || strings.HasPrefix(name, "_")
}

// ModuleTests parses every _test.go file of the module at root and returns
// its top-level test functions (func TestX(t *testing.T)) with where they
// are declared.
func ModuleTests(root string) (map[Test]Pos, error) {
	out := map[Test]Pos{}
	fset := token.NewFileSet()
	files, err := sourceFiles(root, true)
	if err == nil {
		err = parseTests(fset, root, files, out)
	}
	if err != nil {
		return nil, fmt.Errorf("grade: reading the tests of %s: %w", root, err)
	}
	return out, nil
}

// parseTests adds the top-level test functions of the files (slash paths
// relative to root) to out.
func parseTests(fset *token.FileSet, root string, files []string, out map[Test]Pos) error {
	for _, rel := range files {
		f, err := parser.ParseFile(fset, filepath.Join(root, filepath.FromSlash(rel)), nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		pkg := pathDir(rel)
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv != nil || !strings.HasPrefix(fd.Name.Name, "Test") || fd.Name.Name == "TestMain" {
				continue
			}
			out[Test{pkg, fd.Name.Name}] = Pos{rel, fset.Position(fd.Pos()).Line}
		}
	}
	return nil
}

// pathDir is path.Dir for a relative slash path, "" for the root.
func pathDir(rel string) string {
	i := strings.LastIndexByte(rel, '/')
	if i < 0 {
		return ""
	}
	return rel[:i]
}

// modulePath returns the module path declared in root/go.mod.
func modulePath(root string) (string, error) {
	f, err := os.Open(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", fmt.Errorf("grade: %w (is it a Go module?)", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", fmt.Errorf("grade: reading %s: %w", f.Name(), err)
	}
	return "", fmt.Errorf("grade: %s has no module line", f.Name())
}
