package bulkio_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/apptest"
	"github.com/parley-chat/parley/internal/bulk"
	"github.com/parley-chat/parley/internal/bulkio"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/testdb"
)

func newApp(t testing.TB, b testdb.Backend) *app.App {
	t.Helper()
	a, _ := apptest.New(t, b)
	return a
}

// export returns the exported lines in file order, and sorted without the
// version line (which carries the export time) for comparison.
func export(t *testing.T, a *app.App) (ordered, set []string) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := bulkio.ExportBulk(context.Background(), a, app.SystemSession(), &buf); err != nil {
		t.Fatal(err)
	}
	ordered = strings.Split(strings.TrimSpace(buf.String()), "\n")
	set = slices.Clone(ordered[1:])
	slices.Sort(set)
	return ordered, set
}

func errs(rep *bulkio.ImportReport) []*bulk.Error { return rep.Errors[:min(len(rep.Errors), 5)] }

// writeFile writes lines as data.jsonl in a new directory, with the files the
// reference example names beside it (importFile resolves paths there).
func writeFile(t *testing.T, lines []string) string {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "data.jsonl")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"emoji/parley_ship.png": pngBytes(t, 16, 16), "files/ci-42.log": []byte("ok\n")} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o700)
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func importFile(t *testing.T, a *app.App, path string, apply bool) *bulkio.ImportReport {
	t.Helper()
	src, err := bulk.Open(path, filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	rep, err := bulkio.ImportBulk(context.Background(), a, app.SystemSession(), src, bulkio.ImportOptions{Apply: apply, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestBulkRoundTrip: sample data → export → import into an empty database →
// export again gives the same lines; importing once more changes nothing.
func TestBulkRoundTrip(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		src := newApp(t, b)
		if _, err := bulkio.GenerateSampleData(ctx, src, app.SystemSession(), bulkio.SampleSpec{Seed: 3, Teams: 2, ChannelsPerTeam: 3,
			Users: 8, DeactivatedUsers: 1, TeamMemberships: 2, ChannelMemberships: 2, PostsPerChannel: 40, DirectChannels: 3,
			PostsPerDirectChannel: 10, GroupChannels: 2, PostsPerGroupChannel: 10}); err != nil {
			t.Fatal(err)
		}
		file, first := export(t, src)
		path := writeFile(t, file)

		dst := newApp(t, testdb.Backend{Name: b.Name, DSN: freshDSN(t, b), DataDir: t.TempDir()})
		if rep := importFile(t, dst, path, false); rep.ErrorCount != 0 {
			t.Fatalf("validate: %v", errs(rep))
		}
		rep := importFile(t, dst, path, true)
		if rep.ErrorCount != 0 {
			t.Fatalf("apply: %v", errs(rep))
		}
		_, second := export(t, dst)
		if d := diff(first, second); d != "" {
			t.Fatalf("round trip differs:\n%s", d)
		}
		again := importFile(t, dst, path, true)
		if again.ErrorCount != 0 || len(again.Imported) != 0 {
			t.Fatalf("re-import changed something: %+v %v", again.Imported, errs(again))
		}
		if _, third := export(t, dst); diff(first, third) != "" {
			t.Fatalf("after re-import:\n%s", diff(first, third))
		}
	})
}

// freshDSN gives a second empty database on the same backend.
func freshDSN(t *testing.T, b testdb.Backend) string {
	if b.Name == "sqlite" {
		return ""
	}
	return testdb.Postgres(t).DSN
}

func diff(a, b []string) string {
	var out []string
	for _, l := range a {
		if _, ok := slices.BinarySearch(b, l); !ok {
			out = append(out, "- "+l)
		}
	}
	for _, l := range b {
		if _, ok := slices.BinarySearch(a, l); !ok {
			out = append(out, "+ "+l)
		}
	}
	if len(out) > 10 {
		out = append(out[:10], "…")
	}
	return strings.Join(out, "\n")
}

// Re-importing a user as deactivated, or with a new password, signs them out
// everywhere as the API would: sessions deleted, session_revoked published
// once the batch commits.
func TestImportRevokesSessions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		a, db := apptest.New(t, b)
		line := func(extra string) []string {
			return []string{`{"type":"version","version":1}`,
				`{"type":"user","user":{"username":"dana","email":"dana@example.com","password":"Dana-Passw0rd!"` + extra + `}}`}
		}
		login := func() *model.Session {
			_, sess, err := a.Login(ctx, app.LoginRequest{LoginID: "dana", Password: "Dana-Passw0rd!"}, "test")
			if err != nil {
				t.Fatal(err)
			}
			return sess
		}
		revoked := make(chan string, 4)
		defer a.Bus().Subscribe(func(ev *model.Event) {
			if ev.Event == model.EventSessionRevoked {
				revoked <- ev.Broadcast.UserID
			}
		})()
		for _, tc := range []struct{ name, extra string }{
			{"unchanged", ``},
			{"new password", `,"password":"Dana-Passw0rd-2!"`},
			{"deactivated", `,"password":"Dana-Passw0rd-2!","delete_at":1700000000000`},
		} {
			if rep := importFile(t, a, writeFile(t, line(``)), true); rep.ErrorCount != 0 {
				t.Fatal(errs(rep))
			}
			for len(revoked) > 0 { // from putting the first password back
				<-revoked
			}
			sess := login()
			if rep := importFile(t, a, writeFile(t, line(tc.extra)), true); rep.ErrorCount != 0 {
				t.Fatal(errs(rep))
			}
			_, err := db.GetSessionByToken(ctx, sess.Token)
			select {
			case id := <-revoked:
				if tc.name == "unchanged" || id != sess.UserID || err == nil {
					t.Errorf("%s: revoked %s, session lookup err %v", tc.name, id, err)
				}
			case <-time.After(2 * time.Second):
				if tc.name != "unchanged" || err != nil {
					t.Errorf("%s: no session_revoked; session lookup err %v", tc.name, err)
				}
			}
		}
	})
}
