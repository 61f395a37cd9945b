package bulkio_test

import (
	"archive/zip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apptest"
	"github.com/parley-chat/parley/internal/bulk"
	"github.com/parley-chat/parley/internal/bulkio"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/testdb"
)

// The complete example of the format reference (§13).
var referenceExample = []string{
	`{"type":"version","version":1}`,
	`{"type":"emoji","emoji":{"name":"parley_ship","image":"emoji/parley_ship.png"}}`,
	`{"type":"team","team":{"name":"parley-demo","display_name":"Parley Demo","type":"O","description":"Demo team","allow_open_invite":true}}`,
	`{"type":"channel","channel":{"team":"parley-demo","name":"town-square","display_name":"Town Square","type":"O"}}`,
	`{"type":"channel","channel":{"team":"parley-demo","name":"dev","display_name":"Development","type":"P","purpose":"Code talk"}}`,
	`{"type":"user","user":{"username":"alice","email":"alice@example.com","password":"Alice-Passw0rd!","first_name":"Alice","last_name":"Ng","roles":"system_admin system_user","teams":[{"name":"parley-demo","roles":"team_user team_admin","channels":[{"name":"town-square","roles":"channel_user"},{"name":"dev","roles":"channel_user channel_admin","favorite":true}]}],"tutorial_step":"999","notify_props":{"desktop":"mention","desktop_sound":"true","email":"false","mobile":"mention","mobile_push_status":"away","channel":"true","comments":"any","mention_keys":"alice"}}}`,
	`{"type":"user","user":{"username":"bob","email":"bob@example.com","nickname":"bobby","roles":"system_user","teams":[{"name":"parley-demo","roles":"team_user","channels":[{"name":"town-square","roles":"channel_user"},{"name":"dev","roles":"channel_user","notify_props":{"desktop":"all","mobile":"default","mark_unread":"mention"}}]}]}}`,
	`{"type":"user","user":{"username":"carol","email":"carol@example.com","auth_service":"ldap","auth_data":"carol.uid","roles":"system_user","teams":[{"name":"parley-demo","channels":[{"name":"town-square"}]}]}}`,
	`{"type":"post","post":{"team":"parley-demo","channel":"town-square","user":"alice","message":"Welcome to Parley :parley_ship:","create_at":1700000000000,"reactions":[{"user":"bob","emoji_name":"parley_ship","create_at":1700000001000},{"user":"carol","emoji_name":"+1","create_at":1700000002000}],"replies":[{"user":"bob","message":"Glad to be here","create_at":1700000003000}]}}`,
	`{"type":"post","post":{"team":"parley-demo","channel":"dev","user":"bob","message":"Build results attached","create_at":1700000010000,"props":{"attachments":[{"fallback":"CI passed","color":"good","title":"CI #42","text":"All 120 tests passed"}]},"flagged_by":["alice"],"attachments":[{"path":"files/ci-42.log"}]}}`,
	`{"type":"direct_channel","direct_channel":{"members":["alice","bob"],"favorited_by":["alice"]}}`,
	`{"type":"direct_channel","direct_channel":{"members":["alice","bob","carol"],"header":"Leads"}}`,
	`{"type":"direct_post","direct_post":{"channel_members":["alice","bob"],"user":"bob","message":"Got a minute?","create_at":1700000020000,"replies":[{"user":"alice","message":"Sure","create_at":1700000021000}]}}`,
	`{"type":"direct_post","direct_post":{"channel_members":["alice","bob","carol"],"user":"carol","message":"Standup in 5","create_at":1700000030000}}`,
}

// TestBulkReferenceExample imports the reference's example, exports it and
// imports the export into a second database with the same result.
func TestBulkReferenceExample(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		a := newApp(t, b)
		rep := importFile(t, a, writeFile(t, referenceExample), true)
		if rep.ErrorCount != 0 {
			t.Fatal(errs(rep))
		}
		want := map[string]int64{"teams": 1, "users": 3, "posts": 2, "replies": 2, "reactions": 2, "flags": 1, "direct_posts": 2, "direct_channels": 2,
			"attachments": 1, "emoji": 1}
		for k, n := range want {
			if rep.Imported[k] != n {
				t.Errorf("imported %s = %d, want %d (%v)", k, rep.Imported[k], n, rep.Imported)
			}
		}
		file, first := export(t, a)
		joined := strings.Join(first, "\n")
		for _, s := range []string{`"flagged_by":["alice"]`, `"emoji_name":"parley_ship"`, `"favorite":true`, `"header":"Leads"`,
			`"auth_service":"ldap"`, `"mark_unread":"mention"`, `"tutorial_step":"999"`} {
			if !strings.Contains(joined, s) {
				t.Errorf("export lacks %s", s)
			}
		}
		b2 := newApp(t, testdb.Backend{Name: b.Name, DSN: freshDSN(t, b), DataDir: t.TempDir()})
		if rep := importFile(t, b2, writeFile(t, file), true); rep.ErrorCount != 0 {
			t.Fatal(errs(rep))
		}
		if _, second := export(t, b2); diff(first, second) != "" {
			t.Fatalf("second export differs:\n%s", diff(first, second))
		}
	})
}

// TestBulkBadInput: every kind of bad input is reported with its line and
// field, and in apply mode nothing of the file is written.
func TestBulkBadInput(t *testing.T) {
	head := referenceExample[:8] // version … users
	cases := []struct {
		name, line, field, id string
		lineNo                int
	}{
		{"malformed", `{"type":"post","post":{"team":`, "", "app.import.bulk_import.json_decode.error", 9},
		{"wrong type", `{"type":"post","post":{"team":"parley-demo","channel":"dev","user":"bob","message":"x","create_at":"soon"}}`,
			"post.create_at", "app.import.bulk_import.json_decode.error", 9},
		{"unknown type", `{"type":"poll","poll":{}}`, "type", "app.import.import_line.unknown_line_type.error", 9},
		{"null payload", `{"type":"post"}`, "post", "app.import.import_line.null_post.error", 9},
		{"unknown channel", `{"type":"post","post":{"team":"parley-demo","channel":"nowhere","user":"bob","message":"x","create_at":1}}`,
			"post.channel", "app.import.import_post.channel_not_found.error", 9},
		{"unknown user", `{"type":"post","post":{"team":"parley-demo","channel":"dev","user":"zed","message":"x","create_at":1}}`,
			"post.user", "app.import.import_post.user_not_found.error", 9},
		{"over limit", `{"type":"post","post":{"team":"parley-demo","channel":"dev","user":"bob","message":"` + strings.Repeat("x", 16384) + `","create_at":1}}`,
			"post.message", "app.import.validate_post_import_data.message_length.error", 9},
		{"duplicate", `{"type":"user","user":{"username":"bob","email":"bob2@example.com"}}`,
			"user.username", "app.import.validate_user_import_data.duplicate.error", 9},
		{"bad team name", `{"type":"team","team":{"name":"api-team","display_name":"X","type":"O"}}`,
			"team.name", "app.import.validate_team_import_data.name_invalid.error", 9},
		// No guest accounts yet: a guest role would restrict nothing.
		{"system guest", `{"type":"user","user":{"username":"gus","email":"gus@example.com","roles":"system_user system_guest"}}`,
			"user.roles", "app.import.validate_user_import_data.roles_invalid.error", 9},
		{"team guest", `{"type":"user","user":{"username":"gus","email":"gus@example.com","teams":[{"name":"parley-demo","roles":"team_guest"}]}}`,
			"user.teams[0].roles", "app.import.validate_user_teams_import_data.invalid_roles.error", 9},
		{"channel guest", `{"type":"user","user":{"username":"gus","email":"gus@example.com","teams":[{"name":"parley-demo","channels":[{"name":"dev","roles":"channel_user channel_guest"}]}]}}`,
			"user.teams[0].channels[0].roles", "app.import.validate_user_channels_import_data.invalid_roles.error", 9},
		{"username digit first", `{"type":"user","user":{"username":"1dan","email":"dan@example.com"}}`,
			"user.username", "app.import.validate_user_import_data.username_invalid.error", 9},
		{"email with a display name", `{"type":"user","user":{"username":"dan","email":"Dan <dan@example.com>"}}`,
			"user.email", "app.import.validate_user_import_data.email_invalid.error", 9},
		// U+0000: PostgreSQL refuses it, SQLite would store it; both report the line.
		{"NUL in message", `{"type":"post","post":{"team":"parley-demo","channel":"dev","user":"bob","message":"a\u0000b","create_at":1}}`,
			"post.message", "app.import.bulk_import.json_decode.error", 9},
		{"NUL in reply", `{"type":"post","post":{"team":"parley-demo","channel":"dev","user":"bob","message":"m","create_at":1,"replies":[{"user":"bob","message":"\u0000","create_at":2}]}}`,
			"post.replies[0].message", "app.import.bulk_import.json_decode.error", 9},
		{"NUL in props", `{"type":"post","post":{"team":"parley-demo","channel":"dev","user":"bob","message":"m","create_at":1,"props":{"attachments":[{"text":"\u0000"}]}}}`,
			"post.props.attachments[0].text", "app.import.bulk_import.json_decode.error", 9},
		{"NUL in nickname", `{"type":"user","user":{"username":"dan","email":"dan@example.com","nickname":"d\u0000"}}`,
			"user.nickname", "app.import.bulk_import.json_decode.error", 9},
	}
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				a, db := apptest.New(t, testdb.Backend{Name: b.Name, DSN: freshDSN(t, b), DataDir: t.TempDir()})
				lines := append(append([]string{}, head...), c.line, referenceExample[8])
				path := writeFile(t, lines)
				for _, apply := range []bool{false, true} {
					rep := importFile(t, a, path, apply)
					if rep.ErrorCount == 0 {
						t.Fatalf("apply=%v: no error", apply)
					}
					e := rep.Errors[0]
					if e.Line != c.lineNo || e.Field != c.field || e.ID != c.id {
						t.Fatalf("apply=%v: got %+v, want line %d field %q id %s", apply, e, c.lineNo, c.field, c.id)
					}
				}
				// The whole file is checked before anything is written.
				if n, _ := db.CountUsers(context.Background(), true); n != 0 {
					t.Fatalf("%d users written from a file with a bad line", n)
				}
				if n, _ := db.CountTeams(context.Background(), false); n != 0 {
					t.Fatalf("%d teams written from a file with a bad line", n)
				}
			})
		}
	})
}

func TestBulkFileErrors(t *testing.T) {
	dir := t.TempDir()
	a := newApp(t, testdb.Backend{Name: "sqlite", DataDir: dir})
	// No version line first.
	rep := importFile(t, a, writeFile(t, referenceExample[2:4]), false)
	if rep.ErrorCount == 0 || rep.Errors[0].Line != 1 || rep.Errors[0].Field != "type" {
		t.Fatalf("missing version: %+v", rep.Errors)
	}
	// Version 2.
	rep = importFile(t, a, writeFile(t, []string{`{"type":"version","version":2}`}), false)
	if rep.ErrorCount == 0 || rep.Errors[0].ID != "app.import.bulk_import.unsupported_version.error" {
		t.Fatalf("version 2: %+v", rep.Errors)
	}
	// A truncated zip.
	zpath := filepath.Join(dir, "data.zip")
	f, _ := os.Create(zpath)
	zw := zip.NewWriter(f)
	w, _ := zw.Create("data.jsonl")
	w.Write([]byte(strings.Join(referenceExample, "\n")))
	zw.Close()
	f.Close()
	st, _ := os.Stat(zpath)
	os.Truncate(zpath, st.Size()/2)
	_, err := bulk.Open(zpath, "")
	var be *bulk.Error
	if err == nil || !errors.As(err, &be) || be.Field != "zip" {
		t.Fatalf("truncated zip: %v", err)
	}
	// Nothing but admins.
	src, _ := bulk.Open(writeFile(t, referenceExample), "")
	defer src.Close()
	if _, err := bulkio.ImportBulk(context.Background(), a, &model.Session{UserID: "u", Roles: "system_user"}, src, bulkio.ImportOptions{}); err == nil {
		t.Fatal("non-admin import allowed")
	}
}

// TestBulkBatchBytes: batches end at a byte budget, not only at a line count,
// so a few huge lines are applied in several transactions.
func TestBulkBatchBytes(t *testing.T) {
	head := referenceExample[:8] // version … users
	long := strings.Repeat("x", 16000)
	var replies []string
	for j := range 40 {
		replies = append(replies, `{"user":"bob","message":"`+long+`","create_at":`+strconv.Itoa(1700000100000+j)+`}`)
	}
	big := func(i int) string {
		return `{"type":"post","post":{"team":"parley-demo","channel":"dev","user":"bob","message":"big ` + strconv.Itoa(i) +
			`","create_at":` + strconv.Itoa(1700000000000+i) + `,"replies":[` + strings.Join(replies, ",") + `]}}`
	}
	lines := append([]string{}, head...)
	for i := range 8 { // 8 × 640 KB: more than one batch's 4 MB
		lines = append(lines, big(i))
	}
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		a := newApp(t, b)
		small := importFile(t, a, writeFile(t, head), true)
		if small.ErrorCount != 0 {
			t.Fatalf("errors: %v", errs(small))
		}
		a = newApp(t, testdb.Backend{Name: b.Name, DSN: freshDSN(t, b), DataDir: t.TempDir()})
		rep := importFile(t, a, writeFile(t, lines), true)
		if rep.ErrorCount != 0 || rep.Imported["posts"] != 8 || rep.Imported["replies"] != 8*40 {
			t.Fatalf("imported %v, errors %v", rep.Imported, errs(rep))
		}
		if rep.Batches < small.Batches+2 {
			t.Fatalf("%d batches for 5 MB of posts after %d for the rest: the posts were not split by bytes", rep.Batches, small.Batches)
		}
	})
}
