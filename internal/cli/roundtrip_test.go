package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/testdb"
)

// The file the first server starts from.
var roundTripSeed = []string{
	`{"type":"version","version":1}`,
	`{"type":"team","team":{"name":"staff","display_name":"Staff","type":"O"}}`,
	`{"type":"channel","channel":{"team":"staff","name":"town-square","display_name":"Town Square","type":"O"}}`,
	`{"type":"channel","channel":{"team":"staff","name":"dev","display_name":"Development","type":"P","purpose":"Code"}}`,
	`{"type":"user","user":{"username":"alice","email":"alice@example.com","password":"Alice-Passw0rd!","roles":"system_admin system_user","teams":[{"name":"staff","roles":"team_user team_admin","channels":[{"name":"town-square"},{"name":"dev","roles":"channel_user channel_admin"}]}]}}`,
	`{"type":"user","user":{"username":"bob","email":"bob@example.com","roles":"system_user","teams":[{"name":"staff","channels":[{"name":"town-square"}]}]}}`,
	`{"type":"post","post":{"team":"staff","channel":"town-square","user":"alice","message":"imported","create_at":1700000000000,"replies":[{"user":"bob","message":"imported reply","create_at":1700000001000}]}}`,
}

// TestExportRoundTrip changes a server through an import, the command line
// and the API, exports it, imports the export into an empty server and
// compares every entity of the two databases.
func TestExportRoundTrip(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		h := newHarness(t, b)
		dir := t.TempDir()
		seed := filepath.Join(dir, "seed.jsonl")
		if err := os.WriteFile(seed, []byte(strings.Join(roundTripSeed, "\n")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		h.ok("import", "bulk", seed, "--apply")

		// The command line: none of these has a user to post as, or posts
		// as the user it is about.
		h.ok("user", "create", "--username", "carol", "--email", "carol@example.com", "--password", "Passw0rd!")
		h.ok("team", "add", "staff", "carol")
		h.ok("channel", "add", "staff:dev", "bob", "carol")
		h.ok("channel", "remove", "staff:dev", "carol")
		h.ok("channel", "create", "--team", "staff", "--name", "plans", "--display_name", "Plans")
		h.ok("channel", "rename", "staff:plans", "roadmap", "--display_name", "Roadmap")
		h.ok("channel", "add", "staff:roadmap", "alice", "bob")
		h.ok("channel", "create", "--team", "staff", "--name", "old", "--display_name", "Old")
		h.ok("channel", "archive", "staff:old")
		h.ok("user", "deactivate", "carol")

		// The API.
		apiChanges(t, h)

		first := filepath.Join(dir, "first.jsonl")
		h.ok("export", "bulk", first)
		b2 := testdb.Backend{Name: b.Name, DataDir: t.TempDir()}
		if b.Name == "postgres" {
			b2 = testdb.Postgres(t)
		}
		h2 := newHarness(t, b2)
		if out, errOut, code := h2.run("", "import", "bulk", first, "--apply"); code != 0 {
			t.Fatalf("re-import failed:\n%s\n%s", out, errOut)
		}
		if d := diffLines(h.entities(), h2.entities()); d != "" {
			t.Fatalf("the re-imported server differs (- first, + second):\n%s", d)
		}
		second := filepath.Join(dir, "second.jsonl")
		h2.ok("export", "bulk", second)
		x, _ := os.ReadFile(first)
		y, _ := os.ReadFile(second)
		if !sameLines(dropInfo(string(x)), dropInfo(string(y))) {
			t.Fatalf("the second export differs:\n%s", diffLines(strings.Split(dropInfo(string(x)), "\n"), strings.Split(dropInfo(string(y)), "\n")))
		}
	})
}

// apiChanges posts, replies, reacts, edits, pins and writes a DM through a
// server running on h's database.
func apiChanges(t *testing.T, h *harness) {
	t.Helper()
	srv := h.serve()
	defer srv.Shutdown(context.Background())
	base := "http://" + srv.Addr() + "/api/v4"
	token := ""
	call := func(method, path string, body any) map[string]any {
		t.Helper()
		raw, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(raw))
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		if res.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, out)
		}
		if method == "POST" && path == "/users/login" {
			token = res.Header.Get("Token")
		}
		var m map[string]any
		json.Unmarshal(out, &m)
		return m
	}
	alice := call("POST", "/users/login", map[string]string{"login_id": "alice", "password": "Alice-Passw0rd!"})
	bob := h.user("bob")
	dev := h.channel("staff", "dev")
	root := call("POST", "/posts", map[string]any{"channel_id": dev.ID, "message": "from the API"})
	call("POST", "/posts", map[string]any{"channel_id": dev.ID, "message": "an API reply", "root_id": root["id"]})
	call("POST", "/reactions", map[string]any{"user_id": alice["id"], "post_id": root["id"], "emoji_name": "tada"})
	call("PUT", fmt.Sprintf("/posts/%s/patch", root["id"]), map[string]any{"message": "from the API, edited"})
	call("POST", fmt.Sprintf("/posts/%s/pin", root["id"]), nil)
	dm := call("POST", "/channels/direct", []any{alice["id"], bob.ID})
	call("POST", "/posts", map[string]any{"channel_id": dm["id"], "message": "a DM"})
	call("PUT", fmt.Sprintf("/channels/%s/patch", dev.ID), map[string]any{"header": "Build status"})
}

// entities describes every team, user, channel, membership, post and
// reaction by names and contents (not ids), one line each, sorted.
func (h *harness) entities() []string {
	h.t.Helper()
	db := h.st.DB()
	var out []string
	q := func(query string) {
		rows, err := db.Query(query)
		if err != nil {
			h.t.Fatalf("%s: %v", query, err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				h.t.Fatal(err)
			}
			var b strings.Builder
			b.WriteString(cols[0])
			for i, v := range vals {
				if s, ok := v.([]byte); ok {
					v = string(s)
				}
				fmt.Fprintf(&b, " %s=%v", cols[i], v)
			}
			out = append(out, b.String())
		}
		if err := rows.Err(); err != nil {
			h.t.Fatal(err)
		}
	}
	// A channel's key: team/name, or its members for a DM or group message.
	const chanKey = `CASE WHEN c.type IN ('D','G') THEN (SELECT ` + members + ` FROM channel_members m JOIN users u ON u.id = m.user_id WHERE m.channel_id = c.id)
		ELSE (SELECT name FROM teams WHERE id = c.team_id) || '/' || c.name END`
	q(`SELECT username AS user_, email, roles, nickname, first_name, last_name, auth_service, delete_at > 0 AS inactive FROM users`)
	q(`SELECT name AS team_, display_name, type, description, allow_open_invite, delete_at > 0 AS archived FROM teams`)
	q(`SELECT t.name AS team_member_, u.username, tm.scheme_user, tm.scheme_admin, tm.explicit_roles, tm.delete_at > 0 AS left_
		FROM team_members tm JOIN teams t ON t.id = tm.team_id JOIN users u ON u.id = tm.user_id`)
	q(`SELECT ` + chanKey + ` AS channel_, c.type, c.display_name, c.header, c.purpose, c.delete_at > 0 AS archived,
		c.total_msg_count, c.total_msg_count_root FROM channels c`)
	q(`SELECT ` + chanKey + ` AS channel_member_, u.username, cm.scheme_user, cm.scheme_admin, cm.explicit_roles
		FROM channel_members cm JOIN channels c ON c.id = cm.channel_id JOIN users u ON u.id = cm.user_id`)
	q(`SELECT ` + chanKey + ` AS post_, p.create_at, u.username, p.message, p.type, p.props, p.is_pinned, p.edit_at > 0 AS edited,
		(SELECT r.create_at FROM posts r WHERE r.id = p.root_id) AS root_at
		FROM posts p JOIN channels c ON c.id = p.channel_id LEFT JOIN users u ON u.id = p.user_id WHERE p.delete_at = 0`)
	q(`SELECT p.create_at AS reaction_, u.username, r.emoji_name FROM reactions r JOIN posts p ON p.id = r.post_id
		JOIN users u ON u.id = r.user_id WHERE r.delete_at = 0`)
	slices.Sort(out)
	return out
}

// members is a DM or group message's member usernames, in one string on
// both SQL dialects.
const members = `MIN(u.username) || ',' || MAX(u.username) || ',' || COUNT(*)`

// dropInfo removes the version line, whose info names the export's time.
func dropInfo(s string) string {
	var keep []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if !strings.HasPrefix(l, `{"type":"version"`) {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

func diffLines(a, b []string) string {
	var out []string
	for _, l := range a {
		if !slices.Contains(b, l) {
			out = append(out, "- "+l)
		}
	}
	for _, l := range b {
		if !slices.Contains(a, l) {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}
