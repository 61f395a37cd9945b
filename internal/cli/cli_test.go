package cli_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/cli"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/server"
	"github.com/parley-chat/parley/internal/store/sqlstore"
	"github.com/parley-chat/parley/internal/testdb"
)

// harness runs commands against one database and inspects it.
type harness struct {
	t       *testing.T
	b       testdb.Backend
	st      *sqlstore.SQLStore
	cfgPath string
}

func newHarness(t *testing.T, b testdb.Backend) *harness {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), b.DSN, b.DataDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &harness{t: t, b: b, st: st}
}

func (h *harness) config() config.Config {
	cfg := config.Default()
	cfg.DataDir, cfg.Database = h.b.DataDir, h.b.DSN
	return cfg
}

// run executes `parley args...` with stdin and returns its output and exit code.
func (h *harness) run(stdin string, args ...string) (string, string, int) {
	h.t.Helper()
	var stdout, stderr bytes.Buffer
	root := &cobra.Command{Use: "parley", SilenceUsage: true}
	root.AddCommand(cli.Commands(&cli.Env{
		Load: func() (config.Config, error) {
			if h.cfgPath != "" {
				cfg, err := config.Load(h.cfgPath, func(string) string { return "" })
				cfg.DataDir, cfg.Database = h.b.DataDir, h.b.DSN
				return cfg, err
			}
			return h.config(), nil
		},
		ConfigPath: func() string { return h.cfgPath },
		In:         strings.NewReader(stdin),
	})...)
	root.SetArgs(args)
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	code := 0
	if err := root.ExecuteContext(context.Background()); err != nil {
		code = 1
	}
	return stdout.String(), stderr.String(), code
}

// ok runs a command that must succeed and returns its stdout.
func (h *harness) ok(args ...string) string {
	h.t.Helper()
	out, errOut, code := h.run("", args...)
	if code != 0 {
		h.t.Fatalf("parley %s: exit %d, stderr %q", strings.Join(args, " "), code, errOut)
	}
	return out
}

func (h *harness) count(q string, a ...any) int {
	h.t.Helper()
	if h.st.DriverName() == sqlstore.DriverPostgres {
		for i := 1; strings.Contains(q, "?"); i++ {
			q = strings.Replace(q, "?", "$"+string(rune('0'+i)), 1)
		}
	}
	var n int
	if err := h.st.DB().QueryRow(q, a...).Scan(&n); err != nil {
		h.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// snapshot counts the rows of every table, to show nothing changed.
func (h *harness) snapshot() map[string]int {
	out := map[string]int{}
	for _, tbl := range []string{"users", "teams", "team_members", "channels", "channel_members", "posts", "reactions",
		"preferences", "sessions", "audits"} {
		out[tbl] = h.count("SELECT COUNT(*) FROM " + tbl)
	}
	var archived int
	archived = h.count("SELECT COUNT(*) FROM channels WHERE delete_at > 0")
	out["archived"] = archived
	return out
}

func (h *harness) user(name string) *model.User {
	h.t.Helper()
	u, err := h.st.GetUserByUsername(context.Background(), name)
	if err != nil {
		h.t.Fatalf("user %s: %v", name, err)
	}
	return u
}

func (h *harness) channel(team, name string) *model.Channel {
	h.t.Helper()
	t, err := h.st.GetTeamByName(context.Background(), team)
	if err != nil {
		h.t.Fatal(err)
	}
	ch, err := h.st.GetChannelByName(context.Background(), t.ID, name, true)
	if err != nil {
		h.t.Fatalf("channel %s:%s: %v", team, name, err)
	}
	return ch
}

func (h *harness) post(ch *model.Channel, u *model.User, msg, root string) *model.Post {
	h.t.Helper()
	now := model.Now()
	p := &model.Post{ID: model.NewID(), CreateAt: now, UpdateAt: now, UserID: u.ID, ChannelID: ch.ID, RootID: root, Message: msg}
	p.PreCommit()
	if err := h.st.SavePost(context.Background(), p); err != nil {
		h.t.Fatal(err)
	}
	return p
}

func (h *harness) react(p *model.Post, u *model.User) {
	h.t.Helper()
	now := model.Now()
	if err := h.st.SaveReaction(context.Background(), &model.Reaction{PostID: p.ID, UserID: u.ID, EmojiName: "smile",
		ChannelID: p.ChannelID, CreateAt: now, UpdateAt: now}); err != nil {
		h.t.Fatal(err)
	}
	if err := h.st.SetHasReactions(context.Background(), p.ID, true, now); err != nil {
		h.t.Fatal(err)
	}
}

// seed makes team staff with ann and bob, channels keep and old-project (private),
// posts, reactions and preferences in both.
func (h *harness) seed() (ann, bob *model.User, keep, old *model.Channel, keepPost, oldPost *model.Post) {
	h.t.Helper()
	h.ok("team", "create", "--name", "staff", "--display_name", "Staff")
	h.ok("user", "create", "--username", "ann", "--email", "ann@example.com", "--password", "Passw0rd!")
	h.ok("user", "create", "--username", "bob", "--email", "bob@example.com", "--password", "Passw0rd!")
	h.ok("team", "add", "Staff", "ann", "bob@example.com")
	h.ok("channel", "create", "--team", "staff", "--name", "keep", "--display_name", "Keep")
	h.ok("channel", "create", "--team", "staff", "--name", "old-project", "--display-name", "Old project", "--private")
	h.ok("channel", "add", "staff:keep", "ann", "bob")
	h.ok("channel", "add", "staff:old-project", "ann", "bob")
	ann, bob = h.user("ann"), h.user("bob")
	keep, old = h.channel("staff", "keep"), h.channel("staff", "old-project")
	keepPost = h.post(keep, ann, "keep me", "")
	h.post(keep, bob, "reply", keepPost.ID)
	h.react(keepPost, bob)
	oldPost = h.post(old, ann, "old stuff", "")
	h.post(old, bob, "old reply", oldPost.ID)
	h.react(oldPost, bob)
	ctx := context.Background()
	for _, u := range []*model.User{ann, bob} {
		if err := h.st.SavePreferences(ctx, []model.Preference{
			{UserID: u.ID, Category: "favorite_channel", Name: old.ID, Value: "true"},
			{UserID: u.ID, Category: "favorite_channel", Name: keep.ID, Value: "true"},
			{UserID: u.ID, Category: "flagged_post", Name: oldPost.ID, Value: "true"},
			{UserID: u.ID, Category: "flagged_post", Name: keepPost.ID, Value: "true"},
		}); err != nil {
			h.t.Fatal(err)
		}
	}
	return
}

func TestChannelListAndDelete(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		h := newHarness(t, b)
		_, _, keep, old, keepPost, oldPost := h.seed()
		h.ok("channel", "create", "--team", "staff", "--name", "gone", "--display_name", "Gone")
		h.ok("channel", "archive", "staff:gone")

		if got, want := h.ok("channel", "list", "Staff"), "gone (archived)\nkeep\nold-project (private)\noff-topic\ntown-square\n"; !sameLines(got, want) {
			t.Fatalf("channel list Staff:\n%s\nwant (any order):\n%s", got, want)
		}
		var listed []model.Channel
		if err := json.Unmarshal([]byte(h.ok("channel", "list", "STAFF", "--json")), &listed); err != nil || len(listed) != 5 {
			t.Fatalf("channel list --json: %d channels, %v", len(listed), err)
		}

		keepCounts := map[string]int{}
		for _, q := range []string{"SELECT COUNT(*) FROM posts WHERE channel_id = ?", "SELECT COUNT(*) FROM reactions WHERE channel_id = ?",
			"SELECT COUNT(*) FROM channel_members WHERE channel_id = ?", "SELECT COUNT(*) FROM preferences WHERE name = ?"} {
			keepCounts[q] = h.count(q, keep.ID)
		}

		// Without YES nothing happens.
		before := h.snapshot()
		_, errOut, code := h.run("no\n", "channel", "delete", "Staff:old-project")
		if code == 0 || !strings.Contains(errOut, "ABORTED") {
			t.Fatalf("unconfirmed delete: exit %d, %q", code, errOut)
		}
		if after := h.snapshot(); !equalMaps(before, after) {
			t.Fatalf("unconfirmed delete changed %v -> %v", before, after)
		}

		out, _, code := h.run("YES\n", "channel", "delete", "Staff:old-project")
		if code != 0 || !strings.HasSuffix(out, "Deleted channel 'old-project'\n") {
			t.Fatalf("delete: exit %d, %q", code, out)
		}
		for q, want := range map[string]int{
			"SELECT COUNT(*) FROM channels WHERE id = ?":                0,
			"SELECT COUNT(*) FROM posts WHERE channel_id = ?":           0,
			"SELECT COUNT(*) FROM reactions WHERE channel_id = ?":       0,
			"SELECT COUNT(*) FROM channel_members WHERE channel_id = ?": 0,
			"SELECT COUNT(*) FROM preferences WHERE name = ?":           0,
		} {
			if n := h.count(q, old.ID); n != want {
				t.Errorf("%s: %d, want %d", q, n, want)
			}
		}
		if n := h.count("SELECT COUNT(*) FROM preferences WHERE name = ?", oldPost.ID); n != 0 {
			t.Errorf("flags on deleted posts: %d", n)
		}
		// Everything else is intact.
		for q, want := range keepCounts {
			if n := h.count(q, keep.ID); n != want || n == 0 {
				t.Errorf("other channel: %s: %d, want %d", q, n, want)
			}
		}
		if n := h.count("SELECT COUNT(*) FROM preferences WHERE name = ?", keepPost.ID); n != 2 {
			t.Errorf("flags on kept post: %d", n)
		}
		if got := h.ok("channel", "list", "staff"); strings.Contains(got, "old-project") {
			t.Fatalf("deleted channel still listed: %q", got)
		}
		if got := h.ok("audit", "list", "--action", "channel.delete"); !strings.Contains(got, old.ID) {
			t.Fatalf("deletion not audited: %q", got)
		}
	})
}

func TestBadInputChangesNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		h := newHarness(t, b)
		h.seed()
		for _, args := range [][]string{
			{"channel", "list", "nosuch"},
			{"channel", "list", "staff", "nosuch"},
			{"channel", "delete", "nosuch:keep", "--confirm"},
			{"channel", "delete", "staff:nosuch", "--confirm"},
			{"channel", "delete", "staff", "--confirm"},
			{"channel", "delete", "staff:old:project", "--confirm"},
			{"channel", "delete", ":keep", "--confirm"},
			{"channel", "delete", "staff:", "--confirm"},
			{"channel", "archive", "staff:keep", "staff:nosuch"},
			{"channel", "add", "staff:keep", "nobody"},
			{"channel", "remove", "staff:keep", "ann", "nobody"},
			{"channel", "create", "--team", "nosuch", "--name", "x1", "--display_name", "X"},
			{"channel", "create", "--team", "staff", "--name", "bad:name", "--display_name", "X"},
			{"user", "delete", "nobody", "--confirm"},
			{"user", "delete", "ann", "nobody", "--confirm"},
			{"user", "deactivate", "ann", "nobody"},
			{"user", "email", "ann", "not-an-email"},
			{"user", "email", "ann", "Ann <ann2@example.com>"},
			{"user", "email", "ann", "ann@two@example.com"},
			{"user", "create", "--username", "1ann", "--email", "ann1@example.com", "--password", "Passw0rd!"},
			{"user", "create", "--username", ".hidden", "--email", "ann1@example.com", "--password", "Passw0rd!"},
			{"user", "create", "--username", "ann1", "--email", "<ann1@example.com>", "--password", "Passw0rd!"},
			{"team", "delete", "nosuch", "--confirm"},
			{"team", "add", "staff", "nobody"},
			{"roles", "system_admin", "ann", "nobody"},
			{"config", "get", "no_such_setting"},
		} {
			before := h.snapshot()
			out, errOut, code := h.run("", args...)
			if code == 0 {
				t.Errorf("%v: exit 0, stdout %q", args, out)
			}
			if lines := strings.Split(strings.TrimSpace(errOut), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "Error: ") {
				t.Errorf("%v: stderr is not one error line: %q", args, errOut)
			}
			if after := h.snapshot(); !equalMaps(before, after) {
				t.Errorf("%v changed the database: %v -> %v", args, before, after)
			}
		}
	})
}

func TestUserDeleteAndAnonymize(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		h := newHarness(t, b)
		ann, bob, keep, _, keepPost, _ := h.seed()
		annReply := h.post(keep, ann, "ann replies", keepPost.ID)
		bobRoot := h.post(keep, bob, "bob root", "")
		h.react(bobRoot, ann)
		usersBefore := h.count("SELECT COUNT(*) FROM users")
		bobPosts := h.count("SELECT COUNT(*) FROM posts WHERE user_id = ?", bob.ID)

		out, _, code := h.run("YES\nYES\n", "user", "delete", "ann@example.com")
		if code != 0 || !strings.Contains(out, "Deleted user 'ann'") {
			t.Fatalf("user delete: %d %q", code, out)
		}
		for _, q := range []string{
			"SELECT COUNT(*) FROM users WHERE id = ?", "SELECT COUNT(*) FROM posts WHERE user_id = ?",
			"SELECT COUNT(*) FROM reactions WHERE user_id = ?", "SELECT COUNT(*) FROM channel_members WHERE user_id = ?",
			"SELECT COUNT(*) FROM team_members WHERE user_id = ?", "SELECT COUNT(*) FROM preferences WHERE user_id = ?",
			"SELECT COUNT(*) FROM sessions WHERE user_id = ?",
		} {
			if n := h.count(q, ann.ID); n != 0 {
				t.Errorf("%s: %d left", q, n)
			}
		}
		if n := h.count("SELECT COUNT(*) FROM users"); n != usersBefore-1 {
			t.Errorf("users: %d, want %d", n, usersBefore-1)
		}
		if n := h.count("SELECT COUNT(*) FROM posts WHERE user_id = ?", bob.ID); n != bobPosts {
			t.Errorf("bob's posts: %d, want %d", n, bobPosts)
		}
		if n := h.count("SELECT COUNT(*) FROM posts WHERE id = ? AND has_reactions = FALSE", bobRoot.ID); n != 1 {
			t.Errorf("bob's post still marked as reacted to")
		}
		if n := h.count("SELECT COUNT(*) FROM posts WHERE id = ?", annReply.ID); n != 0 {
			t.Errorf("ann's reply left")
		}

		// Anonymised erasure keeps bob's thread readable.
		bobReply := h.post(keep, bob, "bob replies", bobRoot.ID)
		h.ok("user", "delete", "bob", "--anonymize", "--confirm")
		var author, msg string
		q := "SELECT user_id, message FROM posts WHERE id = ?"
		if h.st.DriverName() == sqlstore.DriverPostgres {
			q = "SELECT user_id, message FROM posts WHERE id = $1"
		}
		if err := h.st.DB().QueryRow(q, bobReply.ID).Scan(&author, &msg); err != nil {
			t.Fatal(err)
		}
		if author == bob.ID || msg != "" {
			t.Fatalf("anonymised post: author %s message %q", author, msg)
		}
		if _, err := h.st.GetUser(context.Background(), bob.ID); err == nil {
			t.Fatal("bob still exists")
		}
		placeholder, err := h.st.GetUser(context.Background(), author)
		if err != nil || placeholder.DeleteAt == 0 {
			t.Fatalf("placeholder author: %v %+v", err, placeholder)
		}
	})
}

func TestUserExportMatchesDatabase(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		h := newHarness(t, b)
		ann, bob, _, old, _, oldPost := h.seed()
		h.react(oldPost, ann)
		path := filepath.Join(t.TempDir(), "ann.zip")
		if out := h.ok("user", "export", "ann", "--out", path); !strings.Contains(out, path) {
			t.Fatalf("export output %q", out)
		}
		zr, err := zip.OpenReader(path)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		files := map[string][]byte{}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			files[f.Name], _ = io.ReadAll(rc)
			rc.Close()
		}
		if !bytes.Contains(files["summary.md"], []byte("# Data held about ann")) {
			t.Fatalf("summary.md: %q", files["summary.md"])
		}
		var e app.UserExport
		if err := json.Unmarshal(files["export.json"], &e); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		db, _ := h.st.GetUser(ctx, ann.ID)
		p := e.Profile
		for _, c := range [][3]any{
			{"id", p.ID, db.ID}, {"username", p.Username, db.Username}, {"email", p.Email, db.Email},
			{"create_at", p.CreateAt, db.CreateAt}, {"roles", p.Roles, db.Roles}, {"locale", p.Locale, db.Locale},
			{"first_name", p.FirstName, db.FirstName}, {"nickname", p.Nickname, db.Nickname},
		} {
			if c[1] != c[2] {
				t.Errorf("profile %s: export %v, database %v", c[0], c[1], c[2])
			}
		}
		if p.Password != "" || strings.Contains(string(files["export.json"]), db.Password) {
			t.Error("export holds the password hash")
		}
		posts, _ := h.st.UserPosts(ctx, ann.ID)
		if len(e.Posts) != len(posts) {
			t.Fatalf("posts: export %d, database %d", len(e.Posts), len(posts))
		}
		for i, x := range posts {
			got := e.Posts[i]
			if got.ID != x.ID || got.Message != x.Message || got.ChannelID != x.ChannelID || got.CreateAt != x.CreateAt || got.RootID != x.RootID {
				t.Errorf("post %d: export %+v, database %+v", i, got, x)
			}
		}
		reactions, _ := h.st.UserReactions(ctx, ann.ID)
		if len(e.Reactions) != len(reactions) || len(reactions) != 1 || e.Reactions[0].PostID != reactions[0].PostID {
			t.Errorf("reactions: export %+v, database %+v", e.Reactions, reactions)
		}
		prefs, _ := h.st.GetPreferences(ctx, ann.ID, "")
		if len(e.Preferences) != len(prefs) {
			t.Errorf("preferences: export %d, database %d", len(e.Preferences), len(prefs))
		}
		for i := range prefs {
			if e.Preferences[i] != prefs[i] {
				t.Errorf("preference %d: export %+v, database %+v", i, e.Preferences[i], prefs[i])
			}
		}
		cms, _ := h.st.UserChannelMembers(ctx, ann.ID)
		if len(e.ChannelMemberships) != len(cms) {
			t.Errorf("channel memberships: export %d, database %d", len(e.ChannelMemberships), len(cms))
		}
		found := false
		for _, m := range e.ChannelMemberships {
			found = found || (m.ChannelID == old.ID && m.ChannelName == "old-project")
		}
		if !found {
			t.Error("membership of old-project missing")
		}
		if len(e.TeamMemberships) != 1 || e.TeamMemberships[0].TeamName != "staff" {
			t.Errorf("team memberships: %+v", e.TeamMemberships)
		}
		for _, x := range e.Posts {
			if x.UserID != ann.ID || x.UserID == bob.ID {
				t.Errorf("someone else's post exported: %+v", x)
			}
		}
	})
}

func TestOffboardRetentionAudit(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		h := newHarness(t, b)
		ann, bob, keep, old, _, _ := h.seed()
		now := model.Now()
		hook := &model.OutgoingWebhook{ID: model.NewID(), Token: model.NewID(), CreateAt: now, UpdateAt: now, CreatorID: ann.ID,
			TeamID: keep.TeamID, TriggerWords: []string{"ping"}, CallbackURLs: []string{"https://example.com/x"}, DisplayName: "Pinger"}
		if err := h.st.SaveOutgoingWebhook(context.Background(), hook); err != nil {
			t.Fatal(err)
		}
		if out := h.ok("user", "offboard", "ann"); !strings.Contains(out, "disabled outgoing webhook "+hook.ID+" 'Pinger'") {
			t.Fatalf("offboard does not report ann's webhook: %q", out)
		}
		u := h.user("ann")
		if u.DeleteAt == 0 || h.count("SELECT COUNT(*) FROM channel_members WHERE user_id = ?", ann.ID) != 0 ||
			h.count("SELECT COUNT(*) FROM team_members WHERE user_id = ? AND delete_at = 0", ann.ID) != 0 {
			t.Fatalf("offboard left ann active or a member")
		}
		if h.count("SELECT COUNT(*) FROM channel_members WHERE user_id = ?", bob.ID) == 0 {
			t.Fatal("offboarding ann touched bob")
		}

		// An old post in keep expires under the global policy; old-project keeps everything.
		ctx := context.Background()
		aged := &model.Post{ID: model.NewID(), CreateAt: model.Now() - 40*24*3600*1000, UpdateAt: model.Now(), UserID: bob.ID,
			ChannelID: keep.ID, Message: "ancient"}
		aged.PreCommit()
		agedOld := *aged
		agedOld.ID, agedOld.ChannelID = model.NewID(), old.ID
		for _, p := range []*model.Post{aged, &agedOld} {
			if err := h.st.SavePost(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		h.ok("retention", "set", "--global", "--post-days", "30")
		h.ok("retention", "policy", "create", "Keep", "--post-days", "-1", "--channel", "staff:old-project")
		if out := h.ok("retention", "run", "--dry-run"); !strings.Contains(out, "Would delete 1 posts in total") {
			t.Fatalf("dry run: %q", out)
		}
		if h.count("SELECT COUNT(*) FROM posts WHERE id = ?", aged.ID) != 1 {
			t.Fatal("dry run deleted")
		}
		if out := h.ok("retention", "run"); !strings.Contains(out, "Deleted 1 posts in total") {
			t.Fatalf("run: %q", out)
		}
		if h.count("SELECT COUNT(*) FROM posts WHERE id = ?", aged.ID) != 0 || h.count("SELECT COUNT(*) FROM posts WHERE id = ?", agedOld.ID) != 1 {
			t.Fatal("retention removed the wrong posts")
		}
		out := h.ok("audit", "list", "--user", "ann")
		if !strings.Contains(out, model.AuditUserOffboard) {
			t.Fatalf("audit list: %q", out)
		}
		var entries []model.Audit
		if err := json.Unmarshal([]byte(h.ok("audit", "list", "--action", "retention.*", "--json")), &entries); err != nil || len(entries) < 3 {
			t.Fatalf("audit json: %v %d", err, len(entries))
		}
	})
}

func TestTeamUserRolesConfigSampledata(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		h := newHarness(t, b)
		h.seed()
		h.ok("roles", "system_admin", "bob")
		if !h.user("bob").IsSystemAdmin() {
			t.Fatal("bob is no admin")
		}
		h.ok("roles", "member", "bob")
		if r := h.user("bob").Roles; r != "system_user" {
			t.Fatalf("bob roles %q", r)
		}
		// A guest role left in the database (there are no guest accounts yet)
		// goes when the roles are set, instead of blocking the change.
		if _, err := h.st.DB().Exec(`UPDATE users SET roles = 'system_user system_guest' WHERE username = 'bob'`); err != nil {
			t.Fatal(err)
		}
		h.ok("roles", "system_admin", "bob")
		if r := h.user("bob").Roles; r != "system_user system_admin" {
			t.Fatalf("bob roles after promoting a guest: %q", r)
		}
		h.ok("user", "username", "bob", "robert")
		h.ok("user", "email", "robert", "robert@example.com")
		if out := h.ok("user", "search", "robert@example.com"); !strings.Contains(out, "username: robert\n") {
			t.Fatalf("search: %q", out)
		}
		h.ok("team", "rename", "staff", "employees", "--display_name", "Employees")
		h.ok("team", "create", "--name", "eng", "--display_name", "Engineering")
		h.ok("team", "archive", "eng")
		if got := h.ok("team", "list"); got != "employees\neng (archived)\n" {
			t.Fatalf("team list %q", got)
		}
		if got := h.ok("team", "search", "EMP"); !strings.HasPrefix(got, "employees: Employees (") {
			t.Fatalf("team search %q", got)
		}
		if got := h.ok("channel", "search", "keep"); !strings.HasPrefix(got, "Channel Name: keep, Display Name: Keep, Channel ID: ") {
			t.Fatalf("channel search %q", got)
		}
		h.ok("channel", "rename", "employees:keep", "kept", "--display_name", "Kept")
		h.ok("channel", "make-private", "employees:kept")
		if ch := h.channel("employees", "kept"); ch.Type != model.ChannelPrivate || ch.DisplayName != "Kept" {
			t.Fatalf("channel %+v", ch)
		}

		h.cfgPath = filepath.Join(t.TempDir(), "config.json")
		h.ok("config", "set", "max_users_per_team", "200")
		if got := h.ok("config", "get", "max_users_per_team"); got != "max_users_per_team: \"200\"\n" {
			t.Fatalf("config get %q", got)
		}
		if _, _, code := h.run("", "config", "set", "max_users_per_team", "many"); code == 0 {
			t.Fatal("bad value accepted")
		}
		if got := h.ok("config", "validate"); got != "The document is valid\n" {
			t.Fatalf("validate %q", got)
		}
		h.cfgPath = ""

		before := h.count("SELECT COUNT(*) FROM posts")
		out := h.ok("sampledata", "--users", "8", "--teams", "2", "--channels-per-team", "3", "--channel-memberships", "2",
			"--posts-per-channel", "20", "--direct-channels", "3", "--group-channels", "2")
		if !strings.Contains(out, "Created 8 users, 2 teams") {
			t.Fatalf("sampledata: %q", out)
		}
		if n := h.count("SELECT COUNT(*) FROM posts") - before; n < 2*5*20 {
			t.Fatalf("sampledata posts: %d", n)
		}
		if h.count("SELECT COUNT(*) FROM users WHERE username = 'sysadmin'") != 1 {
			t.Fatal("no sysadmin")
		}
		if h.count("SELECT COUNT(*) FROM channels WHERE total_msg_count = 0 AND type = 'O' AND team_id IN (SELECT id FROM teams WHERE name LIKE 'sample-%')") != 0 {
			t.Fatal("channel counters not recomputed")
		}
	})
}

// TestLiveServerHearsCommandLine runs a server on the database and checks that a
// channel deleted from the command line is announced to its clients.
func TestLiveServerHearsCommandLine(t *testing.T) {
	b := testdb.Backend{Name: "sqlite", DataDir: t.TempDir()}
	h := newHarness(t, b)
	_, _, _, old, _, _ := h.seed()
	srv := h.serve()
	defer srv.Shutdown(context.Background())
	got := make(chan *model.Event, 16)
	defer srv.App.Bus().Subscribe(func(ev *model.Event) { got <- ev })()
	h.ok("channel", "delete", "staff:old-project", "--confirm")
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev := <-got:
			if ev.Event == model.EventChannelDeleted && ev.Data["channel_id"] == old.ID && ev.Broadcast.UserID != "" {
				return
			}
		case <-deadline:
			t.Fatal("the server heard nothing of the deletion")
		}
	}
}

// serve starts a server on h's database, on a port of its choosing.
func (h *harness) serve() *server.Server {
	h.t.Helper()
	cfg := h.config()
	cfg.Listen = "127.0.0.1:0"
	srv, err := server.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		h.t.Fatal(err)
	}
	if err := srv.Start(cfg.Listen); err != nil {
		h.t.Fatal(err)
	}
	return srv
}

func sameLines(a, b string) bool {
	x, y := strings.Split(strings.TrimSpace(a), "\n"), strings.Split(strings.TrimSpace(b), "\n")
	if len(x) != len(y) {
		return false
	}
	seen := map[string]int{}
	for _, l := range x {
		seen[l]++
	}
	for _, l := range y {
		seen[l]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}

func equalMaps(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestMain(m *testing.M) { os.Exit(m.Run()) }
