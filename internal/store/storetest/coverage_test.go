package storetest

import (
	"bufio"
	"bytes"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestEveryMethodHasAStoreTest fails naming each method of store.Store that
// no function of this package calls (type-checked: a call must resolve to the
// interface's method, not merely share its name), so that a new store method
// comes with a test that runs on every backend (issue 20).
func TestEveryMethodHasAStoreTest(t *testing.T) {
	methods, called := storeMethodsAndCalls(t, ".")
	if len(methods) < 300 {
		t.Fatalf("found %d methods of store.Store: the interface was not read", len(methods))
	}
	var missing []string
	for _, m := range methods {
		if !called[m] {
			missing = append(missing, m)
		}
	}
	if len(missing) > 0 {
		t.Errorf("store methods no storetest function calls (write a test in the file of their aggregate): %s", strings.Join(missing, ", "))
	}
	t.Logf("storetest calls %d of %d store methods", len(methods)-len(missing), len(methods))
}

// The checker must see a call through the interface and must not take a
// same-named method of another type, or a mention that is no call, for one.
func TestCoverageCheckerResolvesCalls(t *testing.T) {
	dir := t.TempDir()
	src := `package probe

import (
	"context"

	"github.com/parley-chat/parley/internal/store"
)

type other struct{}

func (other) SaveTeam(context.Context) error { return nil }

func probe(ctx context.Context, s store.Store) {
	_ = s.GetUser
	_ = other{}.SaveTeam(ctx)
	_ = s.Tx(ctx, func(tx store.Store) error {
		_, err := tx.GetChannel(ctx, "x")
		return err
	})
}
`
	if err := os.WriteFile(filepath.Join(dir, "probe.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, called := storeMethodsAndCalls(t, dir)
	var got []string
	for m, ok := range called {
		if ok {
			got = append(got, m)
		}
	}
	slices.Sort(got)
	if want := []string{"GetChannel", "Tx"}; !slices.Equal(got, want) {
		t.Fatalf("calls found = %v, want %v", got, want)
	}
}

// storeMethodsAndCalls type-checks the non-test Go files of dir and returns
// every method of store.Store, sorted, and which of them those files call.
func storeMethodsAndCalls(t *testing.T, dir string) ([]string, map[string]bool) {
	t.Helper()
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", exportLookup(t))
	storePkg, err := imp.(types.ImporterFrom).ImportFrom("github.com/parley-chat/parley/internal/store", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	iface := storePkg.Scope().Lookup("Store").Type().Underlying().(*types.Interface)
	byFunc := map[*types.Func]string{}
	var methods []string
	for i := range iface.NumMethods() {
		f := iface.Method(i)
		byFunc[f] = f.Name()
		methods = append(methods, f.Name())
	}
	slices.Sort(methods)

	files := parseDir(t, fset, dir)
	info := &types.Info{Selections: map[*ast.SelectorExpr]*types.Selection{}}
	conf := types.Config{Importer: imp}
	if _, err := conf.Check("storetest", fset, files, info); err != nil {
		t.Fatalf("type-check %s: %v", dir, err)
	}
	called := map[string]bool{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if s := info.Selections[sel]; s != nil {
				if fn, ok := s.Obj().(*types.Func); ok {
					if name, ok := byFunc[fn.Origin()]; ok {
						called[name] = true
					}
				}
			}
			return true
		})
	}
	return methods, called
}

// parseDir parses the non-test Go files of dir.
func parseDir(t *testing.T, fset *token.FileSet, dir string) []*ast.File {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		t.Fatalf("no Go files in %s", dir)
	}
	return files
}

// exportLookup finds the compiler's export data of this package's
// dependencies through go list, as golang.org/x/tools/go/packages does.
func exportLookup(t *testing.T) func(string) (io.ReadCloser, error) {
	t.Helper()
	out, err := exec.Command("go", "list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}", ".").Output()
	if err != nil {
		t.Fatalf("go list -export: %v", err)
	}
	paths := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if path, file, ok := strings.Cut(sc.Text(), "\t"); ok && file != "" {
			paths[path] = file
		}
	}
	return func(path string) (io.ReadCloser, error) {
		file, ok := paths[path]
		if !ok {
			return nil, os.ErrNotExist
		}
		return os.Open(file)
	}
}
