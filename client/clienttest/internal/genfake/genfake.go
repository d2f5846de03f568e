// Package genfake writes fake_gen.go of package clienttest: for every method of the Client
// interface, a <Method>Func field of the Fake struct and a method that counts the call and calls
// the field, or fails when the field is nil.
//
// It reads the interface from source with go/parser only, so it needs neither the go command
// nor compiled dependencies, and a test can rerun it cheaply. The price is that it sees types as
// syntax: embedded interfaces must be declared in the same package, and while it knows that a
// pointer, slice or map result is nil when a call fails, it cannot tell whether a named type
// from another package (model.Preferences) is a slice or a struct, so such results get the
// universal zero value *new(T).
//
// The hand-written half of the fake (the call counter the Fake struct embeds, Calls, TotalCalls
// and unexpected) lives in clienttest/fake.go.
package genfake

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/build"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

const (
	interfaceName = "Client"
	fakeName      = "Fake"
	fakePackage   = "clienttest"
	// counterType is the hand-written type Fake embeds: it provides record, Calls and TotalCalls.
	counterType = "callLog"
	// unexpectedFunc is the hand-written func(name string) error a call to a nil field returns.
	unexpectedFunc = "unexpected"
	receiver       = "f"
)

// helperMethods are the methods Fake gets from counterType; an interface method of the same
// name would hide them.
var helperMethods = []string{"Calls", "TotalCalls", "record"}

// Generate returns the formatted source of fake_gen.go for the Client interface of the Go
// package in dir.
func Generate(dir string) ([]byte, error) {
	pkg, err := loadPackage(dir)
	if err != nil {
		return nil, err
	}
	g := &generator{pkg: pkg, seen: map[string]*method{}, imports: map[string]string{}}
	spec, file := pkg.lookupType(interfaceName)
	if spec == nil {
		return nil, fmt.Errorf("package %s in %s declares no type %s", pkg.name, dir, interfaceName)
	}
	if err := g.collect(spec, file, map[string]bool{}); err != nil {
		return nil, err
	}
	g.nameParams()
	src := g.render()
	out, err := format.Source(src)
	if err != nil {
		return nil, fmt.Errorf("formatting the generated code: %w\n%s", err, src)
	}
	return out, nil
}

// sourcePackage is the parsed package that declares the interface.
type sourcePackage struct {
	fset       *token.FileSet
	name       string // package name, the qualifier of its types in the fake
	importPath string
	module     string
	files      []*ast.File
	decls      map[string]bool // package-level identifiers
}

func loadPackage(dir string) (*sourcePackage, error) {
	bp, err := build.ImportDir(dir, 0)
	if err != nil {
		return nil, err
	}
	module, importPath, err := modulePath(bp.Dir)
	if err != nil {
		return nil, err
	}
	p := &sourcePackage{fset: token.NewFileSet(), name: bp.Name, importPath: importPath, module: module, decls: map[string]bool{}}
	for _, name := range slices.Concat(bp.GoFiles, bp.CgoFiles) {
		f, err := parser.ParseFile(p.fset, filepath.Join(bp.Dir, name), nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		p.files = append(p.files, f)
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						p.decls[s.Name.Name] = true
					case *ast.ValueSpec:
						for _, n := range s.Names {
							p.decls[n.Name] = true
						}
					}
				}
			case *ast.FuncDecl:
				if d.Recv == nil {
					p.decls[d.Name.Name] = true
				}
			}
		}
	}
	return p, nil
}

// modulePath returns the path of the module holding dir and the import path of the package in
// dir, from the enclosing go.mod.
func modulePath(dir string) (module, importPath string, err error) {
	dir, err = filepath.Abs(dir)
	if err != nil {
		return "", "", err
	}
	for root := dir; ; {
		data, err := os.ReadFile(filepath.Join(root, "go.mod"))
		if err == nil {
			mod, err := moduleLine(data)
			if err != nil {
				return "", "", fmt.Errorf("%s: %w", filepath.Join(root, "go.mod"), err)
			}
			rel, err := filepath.Rel(root, dir)
			if err != nil {
				return "", "", err
			}
			return mod, path.Join(mod, filepath.ToSlash(rel)), nil
		}
		parent := filepath.Dir(root)
		if parent == root {
			return "", "", fmt.Errorf("no go.mod above %s", dir)
		}
		root = parent
	}
}

func moduleLine(gomod []byte) (string, error) {
	for line := range strings.Lines(string(gomod)) {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module")
		if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '\t' && rest[0] != '"') {
			continue
		}
		rest = strings.TrimSpace(rest)
		if unquoted, err := strconv.Unquote(rest); err == nil {
			return unquoted, nil
		}
		return rest, nil
	}
	return "", fmt.Errorf("no module line")
}

func (p *sourcePackage) lookupType(name string) (*ast.TypeSpec, *ast.File) {
	for _, f := range p.files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, s := range gd.Specs {
				if ts := s.(*ast.TypeSpec); ts.Name.Name == name {
					return ts, f
				}
			}
		}
	}
	return nil, nil
}

type param struct {
	names    []string // empty when the source leaves the parameters unnamed
	typ      string
	variadic bool
}

type method struct {
	name        string
	doc         []string // comment lines above the method in the interface, for its field
	blankBefore bool     // a blank line separates it from the previous method in the source
	params      []param
	results     []string
	zeros       []string // zero values of results[:len(results)-1] when the last is error
	returnsErr  bool
	signature   string // to tell a method embedded twice from a conflicting one
}

type generator struct {
	pkg     *sourcePackage
	methods []*method
	seen    map[string]*method
	imports map[string]string // qualifier → import path used by the fake
}

// collect appends the methods of the interface spec (declared in file), embedded interfaces
// first where they are embedded.
func (g *generator) collect(spec *ast.TypeSpec, file *ast.File, visiting map[string]bool) error {
	name := spec.Name.Name
	it, ok := spec.Type.(*ast.InterfaceType)
	if !ok {
		return fmt.Errorf("%s is not an interface", name)
	}
	if spec.TypeParams != nil {
		return fmt.Errorf("%s: generic interfaces are not supported", name)
	}
	if visiting[name] {
		return fmt.Errorf("%s embeds itself", name)
	}
	visiting[name] = true
	defer delete(visiting, name)

	prevEnd := -1
	for _, field := range it.Methods.List {
		start := g.pkg.fset.Position(field.Pos()).Line
		if field.Doc != nil {
			start = g.pkg.fset.Position(field.Doc.Pos()).Line
		}
		blank := prevEnd >= 0 && start > prevEnd+1
		prevEnd = g.pkg.fset.Position(field.End()).Line

		if len(field.Names) == 0 {
			first := len(g.methods)
			if err := g.embed(field.Type, file, visiting); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			// The embedding's blank line and comment ("// Teams") go to its first method.
			if first < len(g.methods) {
				m := g.methods[first]
				m.blankBefore = m.blankBefore || blank
				m.doc = append(commentLines(field.Doc), m.doc...)
			}
			continue
		}
		m, err := g.method(field, file)
		if err != nil {
			return fmt.Errorf("%s.%s: %w", name, field.Names[0].Name, err)
		}
		m.blankBefore = blank
		if prev := g.seen[m.name]; prev != nil {
			if prev.signature != m.signature {
				return fmt.Errorf("%s: method %s declared twice with different signatures", name, m.name)
			}
			continue
		}
		if slices.Contains(helperMethods, m.name) {
			return fmt.Errorf("%s.%s: the name is taken by a hand-written method of %s", name, m.name, fakeName)
		}
		g.seen[m.name] = m
		g.methods = append(g.methods, m)
	}
	return nil
}

func (g *generator) embed(e ast.Expr, file *ast.File, visiting map[string]bool) error {
	id, ok := e.(*ast.Ident)
	if !ok {
		return fmt.Errorf("embedded %s: only interfaces declared in package %s can be embedded", types.ExprString(e), g.pkg.name)
	}
	spec, f := g.pkg.lookupType(id.Name)
	if spec == nil {
		return fmt.Errorf("embedded %s: not a type of package %s", id.Name, g.pkg.name)
	}
	if _, ok := spec.Type.(*ast.InterfaceType); !ok {
		return fmt.Errorf("embedded %s is not an interface", id.Name)
	}
	return g.collect(spec, f, visiting)
}

func (g *generator) method(field *ast.Field, file *ast.File) (*method, error) {
	ft, ok := field.Type.(*ast.FuncType)
	if !ok {
		return nil, fmt.Errorf("not a method")
	}
	m := &method{name: field.Names[0].Name, doc: commentLines(field.Doc), signature: types.ExprString(ft)}
	for _, p := range ft.Params.List {
		t := p.Type
		ell, variadic := t.(*ast.Ellipsis)
		if variadic {
			t = ell.Elt
		}
		q, err := g.qualify(t, file)
		if err != nil {
			return nil, err
		}
		pp := param{typ: types.ExprString(q), variadic: variadic}
		for _, n := range p.Names {
			pp.names = append(pp.names, n.Name)
		}
		m.params = append(m.params, pp)
	}
	var zeros []string
	if ft.Results != nil {
		for _, r := range ft.Results.List {
			q, err := g.qualify(r.Type, file)
			if err != nil {
				return nil, err
			}
			typ := types.ExprString(q)
			// Result names are dropped: the fake's body must not see them.
			for range max(1, len(r.Names)) {
				m.results = append(m.results, typ)
				zeros = append(zeros, g.zero(r.Type, typ, map[string]bool{}))
			}
		}
	}
	if n := len(m.results); n > 0 && m.results[n-1] == "error" {
		m.returnsErr = true
		m.zeros = zeros[:n-1]
	}
	return m, nil
}

func commentLines(g *ast.CommentGroup) []string {
	if g == nil {
		return nil
	}
	var lines []string
	for _, c := range g.List {
		lines = append(lines, c.Text)
	}
	return lines
}

// qualify returns a copy of the type expression e (written in file) as package clienttest must
// write it: types of the interface's package get its name as qualifier. It records the imports
// the expression needs.
func (g *generator) qualify(e ast.Expr, file *ast.File) (ast.Expr, error) {
	q := func(e ast.Expr) (ast.Expr, error) { return g.qualify(e, file) }
	switch e := e.(type) {
	case *ast.Ident:
		if g.pkg.decls[e.Name] {
			if !token.IsExported(e.Name) {
				return nil, fmt.Errorf("%s is unexported, so package %s cannot refer to it", e.Name, fakePackage)
			}
			if err := g.use(g.pkg.name, g.pkg.importPath); err != nil {
				return nil, err
			}
			return &ast.SelectorExpr{X: ast.NewIdent(g.pkg.name), Sel: ast.NewIdent(e.Name)}, nil
		}
		if types.Universe.Lookup(e.Name) == nil {
			return nil, fmt.Errorf("unknown identifier %s", e.Name)
		}
		return e, nil
	case *ast.BasicLit:
		return e, nil
	case *ast.SelectorExpr:
		x, ok := e.X.(*ast.Ident)
		if !ok {
			break
		}
		p, err := importPath(file, x.Name)
		if err != nil {
			return nil, err
		}
		if err := g.use(x.Name, p); err != nil {
			return nil, err
		}
		return e, nil
	case *ast.StarExpr:
		x, err := q(e.X)
		return &ast.StarExpr{X: x}, err
	case *ast.ParenExpr:
		x, err := q(e.X)
		return &ast.ParenExpr{X: x}, err
	case *ast.Ellipsis:
		elt, err := q(e.Elt)
		return &ast.Ellipsis{Elt: elt}, err
	case *ast.ArrayType:
		out := &ast.ArrayType{}
		var err error
		if e.Len != nil {
			if out.Len, err = q(e.Len); err != nil {
				return nil, err
			}
		}
		out.Elt, err = q(e.Elt)
		return out, err
	case *ast.MapType:
		k, err := q(e.Key)
		if err != nil {
			return nil, err
		}
		v, err := q(e.Value)
		return &ast.MapType{Key: k, Value: v}, err
	case *ast.ChanType:
		v, err := q(e.Value)
		return &ast.ChanType{Dir: e.Dir, Value: v}, err
	case *ast.FuncType:
		params, err := g.qualifyFields(e.Params, file)
		if err != nil {
			return nil, err
		}
		results, err := g.qualifyFields(e.Results, file)
		return &ast.FuncType{Params: params, Results: results}, err
	case *ast.StructType:
		fields, err := g.qualifyFields(e.Fields, file)
		return &ast.StructType{Fields: fields}, err
	case *ast.InterfaceType:
		methods, err := g.qualifyFields(e.Methods, file)
		return &ast.InterfaceType{Methods: methods}, err
	}
	return nil, fmt.Errorf("unsupported type expression %s", types.ExprString(e))
}

func (g *generator) qualifyFields(fl *ast.FieldList, file *ast.File) (*ast.FieldList, error) {
	if fl == nil {
		return nil, nil
	}
	out := &ast.FieldList{}
	for _, f := range fl.List {
		if f.Tag != nil {
			// types.ExprString, which prints the fake's types, drops tags.
			return nil, fmt.Errorf("struct tags in parameter types are not supported")
		}
		t, err := g.qualify(f.Type, file)
		if err != nil {
			return nil, err
		}
		out.List = append(out.List, &ast.Field{Names: f.Names, Type: t})
	}
	return out, nil
}

// use records that the fake refers to the package at path as name.
func (g *generator) use(name, path string) error {
	if prev, ok := g.imports[name]; ok && prev != path {
		return fmt.Errorf("two packages named %s: %s and %s", name, prev, path)
	}
	g.imports[name] = path
	return nil
}

// importPath returns the path of the package file refers to as name.
func importPath(file *ast.File, name string) (string, error) {
	for _, s := range file.Imports {
		p, err := strconv.Unquote(s.Path.Value)
		if err != nil {
			return "", err
		}
		n := assumedName(p)
		if s.Name != nil {
			n = s.Name.Name
		}
		if n == name {
			return p, nil
		}
	}
	return "", fmt.Errorf("no import of %s provides %s", file.Name.Name, name)
}

// assumedName is the package name an import path suggests (as goimports assumes it):
// the last element, skipping a major version suffix, without a go- prefix, up to the first
// character that cannot be in an identifier.
func assumedName(importPath string) string {
	base := path.Base(importPath)
	if strings.HasPrefix(base, "v") {
		if _, err := strconv.Atoi(base[1:]); err == nil {
			if dir := path.Dir(importPath); dir != "." {
				base = path.Base(dir)
			}
		}
	}
	base = strings.TrimPrefix(base, "go-")
	if i := strings.IndexFunc(base, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r >= 0x80)
	}); i >= 0 {
		base = base[:i]
	}
	return base
}

// zero returns the zero value of the type e, written as typ in the fake: a literal where the
// syntax tells the kind of type, *new(typ) where it does not.
func (g *generator) zero(e ast.Expr, typ string, visiting map[string]bool) string {
	switch e := e.(type) {
	case *ast.Ident:
		if g.pkg.decls[e.Name] {
			// A type of the interface's own package: its declaration tells its kind.
			if spec, _ := g.pkg.lookupType(e.Name); spec != nil && spec.TypeParams == nil && !visiting[e.Name] {
				visiting[e.Name] = true
				return g.zero(spec.Type, typ, visiting)
			}
			break
		}
		switch e.Name {
		case "error", "any":
			return "nil"
		case "string":
			return `""`
		case "bool":
			return "false"
		case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
			"uintptr", "byte", "rune", "float32", "float64", "complex64", "complex128":
			return "0"
		}
	case *ast.ParenExpr:
		return g.zero(e.X, typ, visiting)
	case *ast.StarExpr, *ast.MapType, *ast.ChanType, *ast.FuncType, *ast.InterfaceType:
		return "nil"
	case *ast.ArrayType:
		if e.Len == nil {
			return "nil"
		}
	}
	return "*new(" + typ + ")"
}

// nameParams gives every parameter a name the generated method can pass on: unnamed and blank
// parameters get one, and a name the method body needs for itself is changed.
func (g *generator) nameParams() {
	reserved := map[string]bool{receiver: true, unexpectedFunc: true, "new": true, "nil": true, "true": true, "false": true}
	for name := range g.imports {
		reserved[name] = true
	}
	for _, m := range g.methods {
		used := map[string]bool{}
		for _, p := range m.params {
			for _, n := range p.names {
				if n != "_" && !reserved[n] {
					used[n] = true
				}
			}
		}
		unique := func(base string) string {
			name := base
			for i := 2; used[name] || reserved[name]; i++ {
				name = base + strconv.Itoa(i)
			}
			used[name] = true
			return name
		}
		for i := range m.params {
			p := &m.params[i]
			if len(p.names) == 0 {
				p.names = []string{"_"}
			}
			for j, n := range p.names {
				switch {
				case n == "_" && p.typ == "context.Context" && g.imports["context"] == "context":
					p.names[j] = unique("ctx")
				case n == "_":
					p.names[j] = unique("arg" + strconv.Itoa(i))
				case reserved[n]:
					p.names[j] = unique(n)
				}
			}
		}
	}
}

func (m *method) signatureText() string {
	var b strings.Builder
	b.WriteByte('(')
	for i, p := range m.params {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strings.Join(p.names, ", "))
		b.WriteByte(' ')
		if p.variadic {
			b.WriteString("...")
		}
		b.WriteString(p.typ)
	}
	b.WriteByte(')')
	switch len(m.results) {
	case 0:
	case 1:
		b.WriteString(" " + m.results[0])
	default:
		b.WriteString(" (" + strings.Join(m.results, ", ") + ")")
	}
	return b.String()
}

func (m *method) args() string {
	var args []string
	for _, p := range m.params {
		args = append(args, p.names...)
	}
	if n := len(m.params); n > 0 && m.params[n-1].variadic {
		args[len(args)-1] += "..."
	}
	return strings.Join(args, ", ")
}

func (g *generator) render() []byte {
	var b bytes.Buffer
	iface := g.pkg.name + "." + interfaceName
	fmt.Fprintf(&b, "// Code generated by genfake; DO NOT EDIT.\n\npackage %s\n\n", fakePackage)
	g.renderImports(&b)

	fmt.Fprintf(&b, `// %[1]s implements %[2]s for unit tests. Each method counts the call (see Calls) and
// then calls the field of the same name plus "Func"; when that field is nil, the call fails with
// an error naming the method.
type %[1]s struct {
	%[3]s
`, fakeName, iface, counterType)
	for i, m := range g.methods {
		if i == 0 || m.blankBefore {
			b.WriteByte('\n')
		}
		for _, line := range m.doc {
			b.WriteString(line + "\n")
		}
		fmt.Fprintf(&b, "%sFunc func%s\n", m.name, m.signatureText())
	}
	b.WriteString("}\n")

	for _, m := range g.methods {
		fmt.Fprintf(&b, "\n// %s implements %s.\n", m.name, iface)
		fmt.Fprintf(&b, "func (%s *%s) %s%s {\n", receiver, fakeName, m.name, m.signatureText())
		fmt.Fprintf(&b, "%s.record(%q)\n", receiver, m.name)
		fmt.Fprintf(&b, "if %s.%sFunc == nil {\n", receiver, m.name)
		if m.returnsErr {
			fmt.Fprintf(&b, "return %s\n", strings.Join(append(slices.Clone(m.zeros), fmt.Sprintf("%s(%q)", unexpectedFunc, m.name)), ", "))
		} else {
			// Without an error result, only a panic can fail the call.
			fmt.Fprintf(&b, "panic(%s(%q))\n", unexpectedFunc, m.name)
		}
		b.WriteString("}\n")
		if len(m.results) > 0 {
			b.WriteString("return ")
		}
		fmt.Fprintf(&b, "%s.%sFunc(%s)\n}\n", receiver, m.name, m.args())
	}
	return b.Bytes()
}

// renderImports writes the import declaration in goimports' groups: standard library, other
// modules, this module.
func (g *generator) renderImports(b *bytes.Buffer) {
	if len(g.imports) == 0 {
		return
	}
	var groups [3][]string
	for name, p := range g.imports {
		spec := strconv.Quote(p)
		if assumedName(p) != name {
			spec = name + " " + spec
		}
		switch first, _, _ := strings.Cut(p, "/"); {
		case !strings.Contains(first, "."):
			groups[0] = append(groups[0], spec)
		case p == g.pkg.module || strings.HasPrefix(p, g.pkg.module+"/"):
			groups[2] = append(groups[2], spec)
		default:
			groups[1] = append(groups[1], spec)
		}
	}
	b.WriteString("import (\n")
	sep := ""
	for _, group := range groups {
		if len(group) == 0 {
			continue
		}
		slices.Sort(group)
		b.WriteString(sep + strings.Join(group, "\n") + "\n")
		sep = "\n"
	}
	b.WriteString(")\n\n")
}
