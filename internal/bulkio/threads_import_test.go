package bulkio_test

import (
	"context"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/testdb"
)

// thread_followers of a root post become thread memberships, come out of
// the export as they went in, and a second import changes nothing.
func TestImportExportThreadFollowers(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		a := newApp(t, b)
		lines := []string{
			`{"type":"version","version":1}`,
			`{"type":"team","team":{"name":"crew","display_name":"Crew","type":"O"}}`,
			`{"type":"channel","channel":{"team":"crew","name":"general","display_name":"General","type":"O"}}`,
			`{"type":"user","user":{"username":"ann","email":"ann@example.com","teams":[{"name":"crew","channels":[{"name":"general"}]}]}}`,
			`{"type":"user","user":{"username":"bob","email":"bob@example.com","teams":[{"name":"crew","channels":[{"name":"general"}]}]}}`,
			`{"type":"post","post":{"team":"crew","channel":"general","user":"ann","message":"root","create_at":1700000000000,` +
				`"replies":[{"user":"bob","message":"@ann reply","create_at":1700000005000}],` +
				`"thread_followers":[{"user":"ann","last_viewed":1700000001000,"unread_mentions":1},{"user":"bob","last_viewed":1700000005000,"unread_mentions":0}]}}`,
		}
		path := writeFile(t, lines)
		if rep := importFile(t, a, path, true); rep.ErrorCount != 0 || rep.Imported["thread_followers"] != 2 {
			t.Fatalf("import: %+v %v", rep.Imported, errs(rep))
		}
		u, err := a.GetUserByUsername(ctx, app.SystemSession(), "ann")
		if err != nil {
			t.Fatal(err)
		}
		team, err := a.GetTeamByName(ctx, app.SystemSession(), "crew")
		if err != nil {
			t.Fatal(err)
		}
		l, err := a.UserThreads(ctx, app.SystemSession(), u.ID, team.ID, app.ThreadsQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if l.Total != 1 || l.TotalUnreadThreads != 1 || l.TotalUnreadMentions != 1 {
			t.Fatalf("ann's imported threads: %+v", l)
		}
		ordered, _ := export(t, a)
		var post string
		for _, line := range ordered {
			if strings.Contains(line, `"type":"post"`) {
				post = line
			}
		}
		for _, want := range []string{`"thread_followers":[`, `{"user":"ann","last_viewed":1700000001000,"unread_mentions":1}`,
			`{"user":"bob","last_viewed":1700000005000,"unread_mentions":0}`} {
			if !strings.Contains(post, want) {
				t.Fatalf("exported post lacks %s: %s", want, post)
			}
		}
		if again := importFile(t, a, path, true); again.ErrorCount != 0 || len(again.Imported) != 0 {
			t.Fatalf("re-import: %+v %v", again.Imported, errs(again))
		}
		bad := append(lines[:5:5], `{"type":"post","post":{"team":"crew","channel":"general","user":"ann","message":"x","create_at":1700000009000,"thread_followers":[{"user":"nobody"}]}}`)
		if rep := importFile(t, a, writeFile(t, bad), true); rep.ErrorCount != 1 ||
			rep.Errors[0].ID != "app.import.import_post.user_not_found.error" {
			t.Fatalf("unknown follower: %v", errs(rep))
		}
	})
}
