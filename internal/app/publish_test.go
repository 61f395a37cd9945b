package app

import (
	"context"
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"io/fs"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/parley-chat/parley/internal/bus"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
	"github.com/parley-chat/parley/internal/store/sqlstore"
	"github.com/parley-chat/parley/internal/testdb"
)

// TestPublishWaitsForCommit: events published inside a transaction reach the
// bus only after the commit, when a reader finds what they announce, and never
// when the transaction fails.
func TestPublishWaitsForCommit(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		st, err := sqlstore.Open(ctx, b.DSN, b.DataDir, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		a := New(st, bus.NewLocal(), config.Default(), slog.New(slog.NewTextHandler(io.Discard, nil)))
		sys := SystemSession()
		var users []*model.User
		for _, name := range []string{"ann", "bob"} {
			u, err := a.CreateUser(ctx, sys, &model.User{Username: name, Email: name + "@example.com",
				Password: "Passw0rd!x"}, "")
			if err != nil {
				t.Fatal(err)
			}
			users = append(users, u)
		}
		team, err := a.CreateTeam(ctx, sys, &model.Team{Name: "crew", DisplayName: "Crew", Type: model.TeamOpen})
		if err != nil {
			t.Fatal(err)
		}

		// Each event's handler reads back what the event announces.
		var mu sync.Mutex
		var seen []string
		unsub := a.Bus().Subscribe(func(ev *model.Event) {
			var err error
			switch ev.Event {
			case model.EventPosted:
				var p model.Post
				if err = json.Unmarshal([]byte(ev.Data["post"].(string)), &p); err == nil {
					_, err = st.GetPost(ctx, p.ID)
				}
			case model.EventUserAdded:
				_, err = st.GetChannelMember(ctx, ev.Broadcast.ChannelID, ev.Data["user_id"].(string))
			case model.EventAddedToTeam:
				var m *model.TeamMember
				if m, err = st.GetTeamMember(ctx, ev.Data["team_id"].(string), ev.Data["user_id"].(string)); err == nil &&
					m.DeleteAt > 0 {
					err = errors.New("membership still deleted")
				}
			}
			if err != nil {
				t.Errorf("%s delivered before what it announces is readable: %v", ev.Event, err)
			}
			mu.Lock()
			seen = append(seen, ev.Event)
			mu.Unlock()
		})
		defer unsub()
		events := func() []string {
			mu.Lock()
			defer mu.Unlock()
			out := seen
			seen = nil
			return out
		}

		// A join that fails after its events were published inside the
		// transaction: none of them may get out.
		boom := errors.New("boom")
		err = st.Tx(ctx, func(tx store.Store) error {
			if _, _, err := a.joinTeam(ctx, tx, team, users[0], joining{}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("failing join: %v", err)
		}
		if got := events(); len(got) != 0 {
			t.Errorf("events of a rolled-back transaction were delivered: %v", got)
		}

		// The same join committed: join messages, channel and team membership.
		if _, err := a.AddTeamMember(ctx, sys, team.ID, users[0].ID); err != nil {
			t.Fatal(err)
		}
		got := strings.Join(events(), " ")
		for _, want := range []string{model.EventPosted, model.EventUserAdded, model.EventAddedToTeam} {
			if !strings.Contains(got, want) {
				t.Errorf("committed join delivered %q, missing %s", got, want)
			}
		}

		// Leaving a channel: the leave message is posted inside the transaction.
		ch, err := a.CreateChannel(ctx, &model.Session{UserID: users[0].ID, Roles: model.RoleSystemUser},
			&model.Channel{TeamID: team.ID, Name: "ops", DisplayName: "Ops", Type: model.ChannelOpen})
		if err != nil {
			t.Fatal(err)
		}
		events()
		if err := a.RemoveChannelMember(ctx, &model.Session{UserID: users[0].ID, Roles: model.RoleSystemUser},
			ch.ID, users[0].ID); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(events(), " "); !strings.HasPrefix(got, model.EventPosted+" ") {
			t.Errorf("leaving delivered %q, want the leave message first", got)
		}
	})
}

// TestNoPublishInsideTransaction: no event is published directly from code
// that runs inside a transaction (a function literal given to Tx, or a
// function taking a store.Store, which may be a transaction); such code must
// use publishTx. A function counts as publishing when it calls publish, or a
// function of this package that does, other than through publishTx.
func TestNoPublishInsideTransaction(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			files = append(files, f)
		}
	}
	// Calls are resolved to this package's functions and methods by type
	// checking it against empty stand-ins of its imports: what those leave
	// unresolved (store methods, say) is not this package's, which is all the
	// analysis needs to know, and it takes milliseconds instead of seconds.
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: stubImporter{}, Error: func(error) {}}
	pkg, _ := conf.Check("github.com/parley-chat/parley/internal/app", fset, files, info)
	callee := func(call *ast.CallExpr) types.Object {
		var id *ast.Ident
		switch f := call.Fun.(type) {
		case *ast.Ident:
			id = f
		case *ast.SelectorExpr:
			id = f.Sel
		default:
			return nil
		}
		if fn, ok := info.Uses[id].(*types.Func); ok && fn.Pkg() == pkg {
			return fn
		}
		return nil
	}
	callsAny := func(n ast.Node, set map[types.Object]bool) *ast.CallExpr {
		var found *ast.CallExpr
		ast.Inspect(n, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok && found == nil && set[callee(call)] {
				found = call
			}
			return found == nil
		})
		return found
	}

	bodies := map[types.Object]*ast.BlockStmt{}
	var publish, publishTx types.Object
	var txScopes []ast.Node
	for _, f := range files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				obj := info.Defs[fd.Name]
				bodies[obj] = fd.Body
				switch {
				case fd.Recv != nil && fd.Name.Name == "publish":
					publish = obj
				case fd.Recv != nil && fd.Name.Name == "publishTx":
					publishTx = obj
				case takesStore(fd.Type):
					txScopes = append(txScopes, fd.Body)
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Tx" {
					for _, arg := range call.Args {
						if lit, ok := arg.(*ast.FuncLit); ok {
							txScopes = append(txScopes, lit.Body)
						}
					}
				}
			}
			return true
		})
	}
	if publish == nil || publishTx == nil || len(txScopes) < 20 {
		t.Fatalf("publish %v, publishTx %v, %d transaction scopes: is the analysis still looking at the right code?",
			publish, publishTx, len(txScopes))
	}
	publishers := map[types.Object]bool{publish: true}
	for changed := true; changed; {
		changed = false
		for obj, body := range bodies {
			if !publishers[obj] && obj != publishTx && callsAny(body, publishers) != nil {
				publishers[obj], changed = true, true
			}
		}
	}
	if len(publishers) < 20 {
		t.Fatalf("found only %d publishing functions; is the analysis still resolving calls?", len(publishers))
	}
	for _, scope := range txScopes {
		if call := callsAny(scope, publishers); call != nil {
			t.Errorf("%s: %s publishes inside a transaction; use publishTx", fset.Position(call.Pos()), callee(call).Name())
		}
	}
}

// stubImporter stands in an empty package for every import.
type stubImporter struct{}

func (stubImporter) Import(path string) (*types.Package, error) {
	p := types.NewPackage(path, path[strings.LastIndex(path, "/")+1:])
	p.MarkComplete()
	return p, nil
}

// takesStore reports whether a function has a store.Store parameter.
func takesStore(ft *ast.FuncType) bool {
	for _, p := range ft.Params.List {
		if sel, ok := p.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "Store" {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "store" {
				return true
			}
		}
	}
	return false
}
