// Package doclinks keeps the links from the docs to the code exact. A docs
// page names a function or a type in backticks, `nn.Forward`, and links it to
// the line that declares it, [`nn.Forward`](../q2_nn/forward.go#L42).
//
// Load indexes the declarations of the module (top-level functions, methods
// and types of every package but main, test files left out), Check reports
// what is wrong with a page's links and what it names without a link, and Fix
// rewrites a page: it moves each link to the line its declaration is on now
// and links, in each section, the first mention of every declaration the
// section names without a link. The test of this package runs Check on every
// docs/qN page (Fix with -update).
//
// A mention is a code span whose text is an identifier path, optionally
// followed by arguments or a composite literal: `Train`, `nn.Train(net, ds,
// opt)`, `Network.Forward`, `nets.Model.Predict`, `Dense{Out}`. It names a
// declaration when it resolves to exactly one (Resolve); names that resolve
// to several are left alone.
package doclinks

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Decl is one top-level declaration of the module.
type Decl struct {
	Pkg  string // package name, "nn"
	Dir  string // the package's folder, slash-separated from the module root, "q2_nn"
	File string // slash-separated from the module root, "q2_nn/forward.go"
	Line int    // line of the declared name
	Recv string // receiver type of a method, "" otherwise
	Name string
	Type bool // a type, not a function or method
}

// String is the declaration as Go code names it: "nn.Forward", "nn.Network.Forward".
func (d Decl) String() string {
	if d.Recv != "" {
		return d.Pkg + "." + d.Recv + "." + d.Name
	}
	return d.Pkg + "." + d.Name
}

// Index holds the declarations of a module, by name.
type Index struct {
	Root   string
	byName map[string][]Decl
	pkgDir map[string][]string // package name → folders
}

// skipDir reports whether a folder of the module (rel, slash-separated from
// the root) is not indexed: hidden folders, testdata, vendor and the
// top-level data folder (the downloaded data sets).
func skipDir(rel string) bool {
	name := path.Base(rel)
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") ||
		rel == "data" || name == "testdata" || name == "vendor"
}

// Load indexes the non-test Go files under root, the module root. Packages
// main are left out (nothing imports them); a file that does not parse is an
// error naming it.
func Load(root string) (*Index, error) {
	ix := &Index{Root: root, byName: map[string][]Decl{}, pkgDir: map[string][]string{}}
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		if e.IsDir() {
			if p != root && skipDir(filepath.ToSlash(rel)) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		decls, pkg, err := parseFile(root, filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		if pkg == "main" {
			return nil
		}
		dir := path.Dir(filepath.ToSlash(rel))
		if !contains(ix.pkgDir[pkg], dir) {
			ix.pkgDir[pkg] = append(ix.pkgDir[pkg], dir)
		}
		for _, d := range decls {
			ix.byName[d.Name] = append(ix.byName[d.Name], d)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("doclinks: indexing %s: %w", root, err)
	}
	return ix, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// parseFile returns the top-level functions, methods and types of the Go file
// rel (slash-separated, from root) and its package name.
func parseFile(root, rel string) ([]Decl, string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filepath.Join(root, filepath.FromSlash(rel)), nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, "", err
	}
	pkg, dir := f.Name.Name, path.Dir(rel)
	var out []Decl
	add := func(id *ast.Ident, recv string, typ bool) {
		out = append(out, Decl{Pkg: pkg, Dir: dir, File: rel, Line: fset.Position(id.Pos()).Line, Recv: recv, Name: id.Name, Type: typ})
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			recv := ""
			if d.Recv != nil && len(d.Recv.List) == 1 {
				recv = recvName(d.Recv.List[0].Type)
			}
			add(d.Name, recv, false)
		case *ast.GenDecl:
			for _, s := range d.Specs {
				if ts, ok := s.(*ast.TypeSpec); ok {
					add(ts.Name, "", true)
				}
			}
		}
	}
	return out, pkg, nil
}

// recvName is the type name of a receiver: T for T, *T, T[K] and *T[K].
func recvName(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

var (
	identPathRE  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*`)
	methodExprRE = regexp.MustCompile(`^\(\*((?:[A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*)\)\.`)
)

// IdentPath splits the text of a code span into the identifiers of its
// leading identifier path, "nn.Network.Forward(x)" → [nn Network Forward]. It
// returns nil if the text is not an identifier path, alone or followed by
// "(" or "{" (a call or a composite literal). A method expression on a
// pointer, "(*Network).Step(lr)", is read as Network.Step.
func IdentPath(text string) []string {
	text = strings.TrimSpace(text)
	if m := methodExprRE.FindStringSubmatch(text); m != nil { // (*T).M → T.M
		text = m[1] + text[len(m[0])-1:]
	}
	m := identPathRE.FindString(text)
	if m == "" {
		return nil
	}
	if rest := text[len(m):]; rest != "" && rest[0] != '(' && rest[0] != '{' {
		return nil
	}
	return strings.Split(m, ".")
}

// Resolution is what a mention names.
type Resolution int

const (
	None      Resolution = iota // no declaration of the module
	Found                       // exactly one declaration
	Ambiguous                   // several declarations
)

// Resolve finds the declaration that a mention names, the identifier path of
// a code span (IdentPath), on a page about the packages in the folders home:
//
//	Name          a function or type of a home package, else the one method of
//	              that name in the home packages; exported, or with a capital
//	              letter inside (gramEigen), so that plain words are not taken
//	              for names
//	pkg.Name      a function or type of the package named pkg (home folders first)
//	Type.Method   a method of Type in a home package, else anywhere in the module
//	pkg.Type.Method
//
// It returns the declaration when exactly one matches.
func (ix *Index) Resolve(parts []string, home []string) (Decl, Resolution) {
	var cands []Decl
	switch len(parts) {
	case 1:
		name := parts[0]
		if !hasUpper(name) {
			return Decl{}, None
		}
		cands = ix.filter(name, func(d Decl) bool { return d.Recv == "" && contains(home, d.Dir) })
		if len(cands) == 0 {
			cands = ix.filter(name, func(d Decl) bool { return d.Recv != "" && contains(home, d.Dir) })
		}
	case 2:
		x, name := parts[0], parts[1]
		if dirs, ok := ix.pkgDir[x]; ok {
			cands = ix.filter(name, func(d Decl) bool { return d.Recv == "" && d.Pkg == x && contains(dirs, d.Dir) })
			if len(cands) > 1 {
				if h := only(cands, home); len(h) > 0 {
					cands = h
				}
			}
			break
		}
		cands = ix.filter(name, func(d Decl) bool { return d.Recv == x && contains(home, d.Dir) })
		if len(cands) == 0 {
			cands = ix.filter(name, func(d Decl) bool { return d.Recv == x })
		}
	case 3:
		pkg, typ, name := parts[0], parts[1], parts[2]
		cands = ix.filter(name, func(d Decl) bool { return d.Pkg == pkg && d.Recv == typ })
	}
	switch len(cands) {
	case 0:
		return Decl{}, None
	case 1:
		return cands[0], Found
	}
	return Decl{}, Ambiguous
}

func (ix *Index) filter(name string, keep func(Decl) bool) []Decl {
	var out []Decl
	for _, d := range ix.byName[name] {
		if keep(d) {
			out = append(out, d)
		}
	}
	return out
}

// only keeps the declarations in the folders dirs.
func only(ds []Decl, dirs []string) []Decl {
	var out []Decl
	for _, d := range ds {
		if contains(dirs, d.Dir) {
			out = append(out, d)
		}
	}
	return out
}

func hasUpper(s string) bool {
	for _, r := range s {
		if unicode.IsUpper(r) {
			return true
		}
	}
	return false
}

// Problem is one thing wrong with a page, at a line (1-based).
type Problem struct {
	Page string
	Line int
	Msg  string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.Page, p.Line, p.Msg) }

// span is a code span or a link on one line of a page: bytes [start, end).
type span struct{ start, end int }

// link is a Markdown link [text](target).
type link struct {
	span
	text, target string
	targetStart  int // offset of the target in the line
}

// mention is a code span naming an identifier path.
type mention struct {
	span
	parts []string
	link  *link // the link around it, if any
}

// line is one line of a page as the checker sees it.
type line struct {
	text     string
	section  int  // index of the section (0 before the first heading)
	prose    bool // mentions count here: not a heading, a fenced or indented code block
	links    []link
	mentions []mention
}

var (
	linkRE = regexp.MustCompile(`\[([^\[\]]*)\]\(([^()\s]+)\)`)
	codeRE = regexp.MustCompile("`([^`]+)`")
)

// scan splits a page into lines and finds their links and mentions. Lines in
// fenced code blocks have neither; headings and indented code blocks have
// links only.
func scan(md string) []line {
	lines := strings.Split(md, "\n")
	out := make([]line, len(lines))
	fenced, section := false, 0
	for i, s := range lines {
		out[i].text = s
		t := strings.TrimSpace(s)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fenced = !fenced
			out[i].section = section
			continue
		}
		if fenced {
			out[i].section = section
			continue
		}
		if strings.HasPrefix(t, "#") {
			section++
		}
		out[i].section = section
		out[i].prose = !strings.HasPrefix(t, "#") && !strings.HasPrefix(s, "    ") && !strings.HasPrefix(s, "\t")
		for _, m := range linkRE.FindAllStringSubmatchIndex(s, -1) {
			out[i].links = append(out[i].links, link{span: span{m[0], m[1]}, text: s[m[2]:m[3]], target: s[m[4]:m[5]], targetStart: m[4]})
		}
		if !out[i].prose {
			continue
		}
		for _, m := range codeRE.FindAllStringSubmatchIndex(s, -1) {
			parts := IdentPath(s[m[2]:m[3]])
			if parts == nil || foreign(s[:m[0]]) {
				continue
			}
			mn := mention{span: span{m[0], m[1]}, parts: parts}
			for k := range out[i].links {
				if l := &out[i].links[k]; l.start <= m[0] && m[1] <= l.end {
					mn.link = l
				}
			}
			out[i].mentions = append(out[i].mentions, mn)
		}
	}
	return out
}

var (
	// listTailRE is the end of a list of code spans before a mention:
	// "`Conv2d`, ", "`Mul`/", "`A` and ".
	listTailRE = regexp.MustCompile("(?:`[^`]*`|\\[`[^`]*`\\]\\([^()\\s]*\\)|[ ,/]|\\band\\b|\\bor\\b)+$")
	// foreignRE is another library's name just before a mention: the
	// mention names that library's function ("gorgonia's `Conv2d`").
	foreignRE = regexp.MustCompile(`(?i)\b(gorgonia|gonum|lapack|numpy|pytorch|torchvision|torch|pil|python)('s)?( own)?[ :]*$`)
)

// foreign reports whether the text before a mention on its line ends with
// the name of another library, directly or before a list of code spans
// ("gorgonia's `Conv2d`, `Rectify`, `MaxPool2D`"): the mention names that
// library's function, not the module's.
func foreign(before string) bool {
	before = listTailRE.ReplaceAllString(before, "")
	return foreignRE.MatchString(before)
}

// goTarget splits a link target into a Go file (slash-separated from the
// module root, resolved from the page's folder) and a line (0: none). ok is
// false for targets that are not a local .go file.
func goTarget(page, target string) (file string, lineNo int, ok bool, err error) {
	if strings.Contains(target, "://") || strings.HasPrefix(target, "#") {
		return "", 0, false, nil
	}
	file, frag, _ := strings.Cut(target, "#")
	if !strings.HasSuffix(file, ".go") {
		return "", 0, false, nil
	}
	file = path.Clean(path.Join(path.Dir(page), file))
	if frag == "" {
		return file, 0, true, nil
	}
	if !strings.HasPrefix(frag, "L") {
		return file, 0, true, fmt.Errorf("fragment #%s is not a line (#L<n>)", frag)
	}
	n, err := strconv.Atoi(frag[1:])
	if err != nil || n < 1 {
		return file, 0, true, fmt.Errorf("fragment #%s is not a line (#L<n>)", frag)
	}
	return file, n, true, nil
}

// linkText is the identifier path a link's text names: its first code span,
// or the whole text.
func linkText(text string) []string {
	if m := codeRE.FindStringSubmatch(text); m != nil {
		return IdentPath(m[1])
	}
	return IdentPath(text)
}

// files caches the declarations of the files that links point to (test files
// included: a link may point to a test).
type files struct {
	root  string
	decls map[string][]Decl
	errs  map[string]error
}

func (f *files) get(file string) ([]Decl, error) {
	if d, ok := f.decls[file]; ok {
		return d, f.errs[file]
	}
	d, _, err := parseFile(f.root, file)
	f.decls[file], f.errs[file] = d, err
	return d, err
}

// declIn finds the declaration named by the identifier path parts in the
// declarations ds of one file: the last part is the name; a part before it
// must be the receiver or the package.
func declIn(ds []Decl, parts []string) []Decl {
	name := parts[len(parts)-1]
	var out []Decl
	for _, d := range ds {
		if d.Name != name {
			continue
		}
		if len(parts) >= 2 {
			q := parts[len(parts)-2]
			if q != d.Recv && !(q == d.Pkg && d.Recv == "") {
				continue
			}
		}
		out = append(out, d)
	}
	return out
}

// Check returns what is wrong with the links of page (its path from the
// module root, slash-separated) whose text is md:
//
//   - a link to a .go file that does not exist;
//   - a link to a line (#Lnn) whose text names no identifier, or whose line
//     does not declare the function, method or type its text names;
//   - with home not nil (the folders of the packages the page is about;
//     empty: qualified names only): a declaration that a section names
//     (Resolve) without linking it anywhere in that section.
func (ix *Index) Check(page string, md []byte, home []string) []Problem {
	var probs []Problem
	bad := func(i int, format string, args ...any) {
		probs = append(probs, Problem{Page: page, Line: i + 1, Msg: fmt.Sprintf(format, args...)})
	}
	lines := scan(string(md))
	fc := &files{root: ix.Root, decls: map[string][]Decl{}, errs: map[string]error{}}
	for i, l := range lines {
		for _, k := range l.links {
			file, n, ok, err := goTarget(page, k.target)
			if !ok {
				continue
			}
			if err != nil {
				bad(i, "link %s: %v", k.target, err)
				continue
			}
			if _, err := os.Stat(filepath.Join(ix.Root, filepath.FromSlash(file))); err != nil {
				bad(i, "link %s: no file %s", k.target, file)
				continue
			}
			if n == 0 {
				continue
			}
			parts := linkText(k.text)
			if parts == nil {
				bad(i, "link %s: its text %q names no function or type", k.target, k.text)
				continue
			}
			ds, err := fc.get(file)
			if err != nil {
				bad(i, "link %s: %v", k.target, err)
				continue
			}
			found := declIn(ds, parts)
			if len(found) == 0 {
				bad(i, "link %s: %s declares no %s", k.target, file, strings.Join(parts, "."))
				continue
			}
			if !atLine(found, n) {
				bad(i, "link %s: line %d of %s does not declare %s (it is at line %s)", k.target, n, file, strings.Join(parts, "."), lineList(found))
			}
		}
	}
	if home == nil {
		return probs
	}
	for _, u := range unlinked(ix, page, lines, home) {
		bad(u.line, "`%s` names %s (%s:%d) but its section links it nowhere (go test ./internal/doclinks -update)", strings.Join(u.m.parts, "."), u.d, u.d.File, u.d.Line)
	}
	return probs
}

func atLine(ds []Decl, n int) bool {
	for _, d := range ds {
		if d.Line == n {
			return true
		}
	}
	return false
}

func lineList(ds []Decl) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = strconv.Itoa(d.Line)
	}
	return strings.Join(s, ", ")
}

// unlinkedMention is the first mention, in its section, of a declaration the
// section does not link.
type unlinkedMention struct {
	line int
	m    mention
	d    Decl
}

// unlinked lists, section by section, the first mention of each declaration
// that the section names but does not link (a link counts if it points to
// the declaration's file and its text names the declaration's name).
func unlinked(ix *Index, page string, lines []line, home []string) []unlinkedMention {
	linked := map[[3]string]bool{} // section, file, name
	for _, l := range lines {
		for _, k := range l.links {
			file, _, ok, err := goTarget(page, k.target)
			if parts := linkText(k.text); ok && err == nil && parts != nil {
				linked[[3]string{strconv.Itoa(l.section), file, parts[len(parts)-1]}] = true
			}
		}
	}
	var out []unlinkedMention
	for i, l := range lines {
		for _, m := range l.mentions {
			if m.link != nil {
				continue
			}
			d, r := ix.Resolve(m.parts, home)
			if r != Found {
				continue
			}
			key := [3]string{strconv.Itoa(l.section), d.File, d.Name}
			if linked[key] {
				continue
			}
			linked[key] = true
			out = append(out, unlinkedMention{line: i, m: m, d: d})
		}
	}
	return out
}

// Ambiguous lists the mentions of a page that name several declarations
// (they are left without a link), as "line: text → candidates".
func (ix *Index) Ambiguous(page string, md []byte, home []string) []string {
	var out []string
	for i, l := range scan(string(md)) {
		for _, m := range l.mentions {
			if m.link != nil {
				continue
			}
			if _, r := ix.Resolve(m.parts, home); r == Ambiguous {
				out = append(out, fmt.Sprintf("%s:%d: `%s`", page, i+1, strings.Join(m.parts, ".")))
			}
		}
	}
	return out
}

// Fix rewrites a page: every link to a line of a Go file moves to the line
// that now declares what its text names (when the file declares it once),
// and with home not nil, the first unlinked mention in each section of a
// declaration the section does not link becomes a link to it, relative to
// the page's folder. Links Fix cannot mend are left for Check to report.
func (ix *Index) Fix(page string, md []byte, home []string) []byte {
	lines := scan(string(md))
	fc := &files{root: ix.Root, decls: map[string][]Decl{}, errs: map[string]error{}}
	type edit struct {
		start, end int
		text       string
	}
	edits := make([][]edit, len(lines))
	for i, l := range lines {
		for _, k := range l.links {
			file, n, ok, err := goTarget(page, k.target)
			parts := linkText(k.text)
			if !ok || err != nil || n == 0 || parts == nil {
				continue
			}
			ds, err := fc.get(file)
			if err != nil {
				continue
			}
			if found := declIn(ds, parts); len(found) == 1 && found[0].Line != n {
				hash := strings.LastIndex(k.target, "#L")
				edits[i] = append(edits[i], edit{k.targetStart + hash, k.targetStart + len(k.target), "#L" + strconv.Itoa(found[0].Line)})
			}
		}
	}
	if home != nil {
		for _, u := range unlinked(ix, page, lines, home) {
			rel := relPath(path.Dir(page), u.d.File)
			s := lines[u.line].text
			edits[u.line] = append(edits[u.line], edit{u.m.start, u.m.end, "[" + s[u.m.start:u.m.end] + "](" + rel + "#L" + strconv.Itoa(u.d.Line) + ")"})
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		s := l.text
		es := edits[i]
		sort.Slice(es, func(a, b int) bool { return es[a].start > es[b].start })
		for _, e := range es {
			s = s[:e.start] + e.text + s[e.end:]
		}
		out[i] = s
	}
	return []byte(strings.Join(out, "\n"))
}

// relPath is the slash path of file (from the module root) seen from the
// folder dir (from the module root).
func relPath(dir, file string) string {
	r, err := filepath.Rel(filepath.FromSlash(dir), filepath.FromSlash(file))
	if err != nil { // both are relative to the same root: cannot happen
		panic(err)
	}
	return filepath.ToSlash(r)
}
