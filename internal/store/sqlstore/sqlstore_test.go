package sqlstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
	"github.com/parley-chat/parley/internal/testdb"
)

// eachStore runs fn against a freshly migrated store on every backend.
func eachStore(t *testing.T, fn func(t *testing.T, s *SQLStore)) {
	t.Helper()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		s, err := Open(context.Background(), b.DSN, b.DataDir, nil)
		if err != nil {
			t.Fatalf("open %s: %v", b.Name, err)
		}
		t.Cleanup(func() { s.Close() })
		fn(t, s)
	})
}

func TestRebind(t *testing.T) {
	pg := &SQLStore{driver: DriverPostgres}
	lite := &SQLStore{driver: DriverSQLite}
	q := `SELECT a FROM t WHERE b = ? AND c IN (?, ?)`
	if got := pg.rebind(q); got != `SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)` {
		t.Errorf("postgres rebind = %q", got)
	}
	if got := lite.rebind(q); got != q {
		t.Errorf("sqlite rebind changed the query: %q", got)
	}
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		s, err := Open(ctx, b.DSN, b.DataDir, nil)
		if err != nil {
			t.Fatal(err)
		}
		cur, known, err := s.SchemaVersion(ctx)
		if err != nil || cur != known || cur < 1 {
			t.Fatalf("after open: version %d known %d err %v", cur, known, err)
		}
		// Reopening is a no-op.
		if err := s.Migrate(ctx, nil); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		// Pretend a newer binary migrated this database.
		if _, err := s.exec(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, TRUE)`, known+1); err != nil {
			t.Fatal(err)
		}
		s.Close()
		_, err = Open(ctx, b.DSN, b.DataDir, nil)
		if err == nil || !strings.Contains(err.Error(), "newer than this binary") || !strings.Contains(err.Error(), "records no kind") {
			t.Fatalf("open of newer schema: err = %v, want refusal", err)
		}
	})
}

// newerSources are this binary's migrations and extra ones, as a newer
// binary of a rolling upgrade has them.
func newerSources(t *testing.T, driver string, extra map[string]string) fs.FS {
	t.Helper()
	base, err := migrationsFor(driver)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := fs.ReadDir(base, ".")
	if err != nil {
		t.Fatal(err)
	}
	out := fstest.MapFS{}
	for _, e := range entries {
		data, err := fs.ReadFile(base, e.Name())
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = &fstest.MapFile{Data: data}
	}
	for name, body := range extra {
		out[name] = &fstest.MapFile{Data: []byte(body)}
	}
	return out
}

// A newer binary migrated the database with an expand step: this binary
// starts on it, says so and works; once the newer binary adds a contract
// step, this binary refuses to start and names it.
func TestMigrateNewerExpandThenContract(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		s, err := Open(ctx, b.DSN, b.DataDir, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, known, err := s.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		expand := fmt.Sprintf("%05d_newer_expand", known+1)
		contract := fmt.Sprintf("%05d_newer_contract", known+2)
		files := map[string]string{expand + ".sql": `-- +goose Up
-- parley:expand
ALTER TABLE users ADD COLUMN newer_flag BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE newer_things (id TEXT PRIMARY KEY);
-- +goose Down
DROP TABLE newer_things;
ALTER TABLE users DROP COLUMN newer_flag;
`}
		if err := s.migrate(ctx, nil, newerSources(t, s.driver, files)); err != nil {
			t.Fatalf("the newer binary's migration: %v", err)
		}
		s.Close()

		var logs bytes.Buffer
		s, err = Open(ctx, b.DSN, b.DataDir, slog.New(slog.NewTextHandler(&logs, nil)))
		if err != nil {
			t.Fatalf("open after an expand step: %v", err)
		}
		if !strings.Contains(logs.String(), "expand steps") || !strings.Contains(logs.String(), expand) {
			t.Errorf("the start does not say which newer migrations it ignores:\n%s", logs.String())
		}
		newer, err := s.NewerMigrations(ctx)
		if err != nil || len(newer) != 1 || newer[0] != (Migration{Version: known + 1, Name: expand, Kind: KindExpand}) {
			t.Fatalf("newer migrations = %v, %v", newer, err)
		}
		if err := s.RefuseNewer(ctx); err != nil {
			t.Fatalf("RefuseNewer after an expand step: %v", err)
		}
		u := newUser("afterexpand")
		if err := s.SaveUser(ctx, u); err != nil {
			t.Fatalf("write on the expanded schema: %v", err)
		}
		if got, err := s.GetUser(ctx, u.ID); err != nil || got.Username != u.Username {
			t.Fatalf("read on the expanded schema: %v, %v", got, err)
		}

		files[contract+".sql"] = `-- +goose Up
-- parley:contract
ALTER TABLE users DROP COLUMN newer_flag;
-- +goose Down
ALTER TABLE users ADD COLUMN newer_flag BOOLEAN NOT NULL DEFAULT FALSE;
`
		if err := s.migrate(ctx, nil, newerSources(t, s.driver, files)); err != nil {
			t.Fatalf("the newer binary's contract step: %v", err)
		}
		s.Close()
		_, err = Open(ctx, b.DSN, b.DataDir, nil)
		if err == nil || !strings.Contains(err.Error(), "migration "+contract+" is a contract step") {
			t.Fatalf("open after a contract step: err = %v, want a refusal naming %s", err, contract)
		}
	})
}

func TestOpenRejectsUnknownDataSource(t *testing.T) {
	_, err := Open(context.Background(), "mysql://x", t.TempDir(), nil)
	if err == nil || !strings.Contains(err.Error(), "unsupported data source") {
		t.Fatalf("err = %v", err)
	}
}

// A data directory whose path holds URI syntax keeps its own database.
func TestSQLitePathWithURISyntax(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	for _, name := range []string{"a#1", "a#2", "b?x=1", "c%20d"} {
		dir := filepath.Join(root, name)
		s, err := Open(ctx, "", dir, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := s.SaveUser(ctx, newUser("u"+strings.NewReplacer("#", "", "?", "", "=", "", "%", "").Replace(name))); err != nil {
			t.Fatalf("%s: save: %v", name, err)
		}
		s.Close()
		if _, err := os.Stat(filepath.Join(dir, "parley.db")); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "a")); err == nil {
		t.Fatal("a database outside the data directories was created")
	}
}

func newUser(name string) *model.User {
	u := &model.User{ID: model.NewID(), CreateAt: model.Now(), UpdateAt: model.Now(), Username: name,
		Email: name + "@example.com", Roles: model.RoleSystemUser}
	u.PreSave()
	return u
}

func TestUsers(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		alice, bob := newUser("alice"), newUser("bob")
		for _, u := range []*model.User{alice, bob} {
			if err := s.SaveUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		dup := newUser("alice")
		dup.Email = "other@example.com"
		if err := s.SaveUser(ctx, dup); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate username: err = %v, want ErrConflict", err)
		}
		got, err := s.GetUserByUsername(ctx, "ALICE")
		if err != nil || got.ID != alice.ID || got.NotifyProps["push"] != "mention" || got.Timezone["useAutomaticTimezone"] != "true" {
			t.Fatalf("get by username: %+v %v", got, err)
		}
		if _, err := s.GetUser(ctx, model.NewID()); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown id: %v", err)
		}
		got.Nickname = "Al"
		got.UpdateAt++
		if err := s.UpdateUser(ctx, got); err != nil {
			t.Fatal(err)
		}
		if u, _ := s.GetUser(ctx, alice.ID); u.Nickname != "Al" {
			t.Fatalf("update lost: %+v", u)
		}
		list, err := s.ListUsers(ctx, store.UserFilter{Term: "b"}, store.Page{Limit: 10})
		if err != nil || len(list) != 1 || list[0].ID != bob.ID {
			t.Fatalf("search b: %v %v", list, err)
		}
		// LIKE wildcards in a term match literally.
		list, _ = s.ListUsers(ctx, store.UserFilter{Term: "%"}, store.Page{Limit: 10})
		if len(list) != 0 {
			t.Fatalf("term %% matched %d users", len(list))
		}
		n, err := s.CountUsers(ctx, false)
		if err != nil || n != 2 {
			t.Fatalf("count = %d %v", n, err)
		}
	})
}

func TestTxRollsBack(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		u := newUser("carol")
		boom := errors.New("boom")
		err := s.Tx(ctx, func(tx store.Store) error {
			if err := tx.SaveUser(ctx, u); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("tx err = %v", err)
		}
		if _, err := s.GetUser(ctx, u.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("rolled-back user is visible: %v", err)
		}
	})
}

func TestChannelsPostsAndCounts(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		u := newUser("dave")
		must(t, s.SaveUser(ctx, u))
		team := &model.Team{ID: model.NewID(), Name: "staff", DisplayName: "Staff", Type: "O", InviteID: model.NewID()}
		must(t, s.SaveTeam(ctx, team))
		must(t, s.SaveTeamMember(ctx, &model.TeamMember{TeamID: team.ID, UserID: u.ID, SchemeUser: true, SchemeAdmin: true}))
		ch := &model.Channel{ID: model.NewID(), TeamID: team.ID, Type: "O", Name: "town-square", DisplayName: "Town Square"}
		must(t, s.SaveChannel(ctx, ch))
		dupe := *ch
		dupe.ID = model.NewID()
		if err := s.SaveChannel(ctx, &dupe); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate channel name: %v", err)
		}
		must(t, s.SaveChannelMember(ctx, &model.ChannelMember{ChannelID: ch.ID, UserID: u.ID, SchemeUser: true,
			NotifyProps: model.DefaultChannelNotifyProps()}))

		var ids []string
		for i := range 5 {
			p := &model.Post{ID: model.NewID(), CreateAt: int64(1000 + i), UpdateAt: int64(1000 + i), UserID: u.ID,
				ChannelID: ch.ID, Message: "hello"}
			p.PreCommit()
			must(t, s.SavePost(ctx, p))
			must(t, s.IncrementChannelCounts(ctx, ch.ID, p.CreateAt, true))
			ids = append(ids, p.ID)
		}
		page, err := s.ChannelPosts(ctx, ch.ID, store.Page{Limit: 2})
		if err != nil || len(page) != 2 || page[0].ID != ids[4] || page[1].ID != ids[3] {
			t.Fatalf("newest page wrong: %v %v", page, err)
		}
		before, _ := s.PostsBefore(ctx, ch.ID, 1002, ids[2], store.Page{Limit: 10})
		if len(before) != 2 || before[0].ID != ids[1] {
			t.Fatalf("before: %v", before)
		}
		after, _ := s.PostsAfter(ctx, ch.ID, 1002, ids[2], store.Page{Limit: 10})
		if len(after) != 2 || after[0].ID != ids[4] || after[1].ID != ids[3] {
			t.Fatalf("after: %v", after)
		}
		// Threads: two roots with a reply each, one deleted reply, one unrelated post.
		var replies []string
		for i, root := range []string{ids[0], ids[1], ids[0]} {
			r := &model.Post{ID: model.NewID(), CreateAt: int64(1100 + i), UpdateAt: int64(1100 + i), UserID: u.ID,
				ChannelID: ch.ID, RootID: root, Message: "reply"}
			r.PreCommit()
			must(t, s.SavePost(ctx, r))
			replies = append(replies, r.ID)
		}
		must(t, s.DeletePost(ctx, replies[2], 1200, u.ID))
		threads, err := s.Threads(ctx, []string{ids[0], ids[1]}, nil)
		var got []string
		for _, p := range threads {
			got = append(got, p.ID)
		}
		if want := []string{replies[1], replies[0], ids[1], ids[0]}; err != nil || !slices.Equal(got, want) {
			t.Fatalf("threads = %v, %v; want %v", got, err, want)
		}
		if none, err := s.Threads(ctx, nil, nil); err != nil || len(none) != 0 {
			t.Fatalf("threads of no roots: %v %v", none, err)
		}
		c, _ := s.GetChannel(ctx, ch.ID)
		if c.TotalMsgCount != 5 || c.LastPostAt != 1004 {
			t.Fatalf("counts: %+v", c)
		}
		must(t, s.IncrementMentions(ctx, ch.ID, []string{u.ID}, true))
		m, _ := s.GetChannelMember(ctx, ch.ID, u.ID)
		if m.MentionCount != 1 || m.MsgCount != 0 || m.Roles != "channel_user" {
			t.Fatalf("member before view: %+v", m)
		}
		if at, err := s.ViewChannel(ctx, ch.ID, u.ID, 2000); err != nil || at != 1004 {
			t.Fatalf("view: %d %v", at, err)
		}
		m, _ = s.GetChannelMember(ctx, ch.ID, u.ID)
		if m.MentionCount != 0 || m.MsgCount != 5 || m.LastViewedAt != 1004 {
			t.Fatalf("member after view: %+v", m)
		}
		must(t, s.DeletePost(ctx, ids[4], 3000, u.ID))
		since, _ := s.PostsSince(ctx, ch.ID, 2999, 100)
		if len(since) != 1 || since[0].DeleteAt != 3000 {
			t.Fatalf("since should include the deleted post: %v", since)
		}
		r := &model.Reaction{PostID: ids[0], UserID: u.ID, EmojiName: "+1", ChannelID: ch.ID, CreateAt: 1, UpdateAt: 1}
		must(t, s.SaveReaction(ctx, r))
		must(t, s.SaveReaction(ctx, r)) // idempotent
		rs, _ := s.ListReactionsForPosts(ctx, []string{ids[0], ids[1]})
		if len(rs[ids[0]]) != 1 || rs[ids[1]] == nil || len(rs[ids[1]]) != 0 {
			t.Fatalf("reactions: %v", rs)
		}
		chans, _ := s.ListChannelsForUser(ctx, u.ID, team.ID, false, 0)
		if len(chans) != 1 {
			t.Fatalf("user channels: %v", chans)
		}
	})
}

// TestCountPost: the end of a post's transaction counts the post in the
// channel (roots and replies apart) and marks the channel read for the poster,
// the same on both stores, whether or not the poster is a member.
func TestCountPost(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		u, other := newUser("cora"), newUser("cole")
		must(t, s.SaveUser(ctx, u))
		must(t, s.SaveUser(ctx, other))
		team := &model.Team{ID: model.NewID(), Name: "counts", DisplayName: "Counts", Type: "O", InviteID: model.NewID()}
		must(t, s.SaveTeam(ctx, team))
		ch := &model.Channel{ID: model.NewID(), TeamID: team.ID, Type: "O", Name: "counted", DisplayName: "Counted"}
		must(t, s.SaveChannel(ctx, ch))
		for _, id := range []string{u.ID, other.ID} {
			must(t, s.SaveChannelMember(ctx, &model.ChannelMember{ChannelID: ch.ID, UserID: id, SchemeUser: true,
				NotifyProps: model.DefaultChannelNotifyProps()}))
		}
		must(t, s.IncrementMentions(ctx, ch.ID, []string{u.ID, other.ID}, true))
		must(t, s.CountPost(ctx, ch.ID, u.ID, 1000, 5000, true))
		must(t, s.CountPost(ctx, ch.ID, u.ID, 1100, 5100, false))
		// An older create_at (an imported post) moves no timestamp back.
		must(t, s.CountPost(ctx, ch.ID, u.ID, 900, 5200, true))
		c, err := s.GetChannel(ctx, ch.ID)
		if err != nil || c.TotalMsgCount != 3 || c.TotalMsgCountRoot != 2 || c.LastPostAt != 1100 || c.LastRootPostAt != 1000 {
			t.Fatalf("channel after three posts: %+v %v", c, err)
		}
		m, _ := s.GetChannelMember(ctx, ch.ID, u.ID)
		if m.MsgCount != 3 || m.MsgCountRoot != 2 || m.LastViewedAt != 1100 || m.MentionCount != 0 ||
			m.MentionCountRoot != 0 || m.LastUpdateAt != 5200 {
			t.Fatalf("poster's membership: %+v", m)
		}
		if m, _ := s.GetChannelMember(ctx, ch.ID, other.ID); m.MsgCount != 0 || m.LastViewedAt != 0 || m.MentionCount != 1 {
			t.Fatalf("other member's view moved: %+v", m)
		}
		// A poster who is not a member (a public channel) is counted, not an error.
		stranger := newUser("cleo")
		must(t, s.SaveUser(ctx, stranger))
		must(t, s.CountPost(ctx, ch.ID, stranger.ID, 1200, 5300, true))
		if c, _ := s.GetChannel(ctx, ch.ID); c.TotalMsgCount != 4 || c.LastPostAt != 1200 {
			t.Fatalf("channel after a non-member's post: %+v", c)
		}
		if err := s.CountPost(ctx, model.NewID(), u.ID, 1300, 5400, true); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown channel: %v", err)
		}
	})
}

func TestPreferencesAndStatuses(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		u := newUser("erin")
		must(t, s.SaveUser(ctx, u))
		p := model.Preference{UserID: u.ID, Category: "display_settings", Name: "use_military_time", Value: "false"}
		must(t, s.SavePreferences(ctx, []model.Preference{p}))
		p.Value = "true"
		must(t, s.SavePreferences(ctx, []model.Preference{p}))
		got, _ := s.GetPreferences(ctx, u.ID, "")
		if len(got) != 1 || got[0].Value != "true" {
			t.Fatalf("prefs: %v", got)
		}
		must(t, s.DeletePreferences(ctx, u.ID, got))
		if _, err := s.GetPreference(ctx, u.ID, p.Category, p.Name); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deleted pref: %v", err)
		}
		must(t, s.SaveStatus(ctx, &model.Status{UserID: u.ID, Status: "dnd", Manual: true}))
		sts, _ := s.GetStatuses(ctx, []string{u.ID, model.NewID()})
		if len(sts) != 1 || sts[0].Status != "dnd" || !sts[0].Manual {
			t.Fatalf("statuses: %v", sts)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestObserverNamesStoreMethods(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		seen := map[string]bool{}
		s.SetObserver(func(method string, _ time.Duration, _ error) { seen[method] = true })
		ctx := context.Background()
		u := newUser("frank")
		must(t, s.SaveUser(ctx, u))
		must(t, s.UpdateFailedAttempts(ctx, u.ID, 1)) // runs through execOne
		if _, err := s.GetUser(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		// A post transaction's statements, which PostgreSQL's group commit
		// holds back and batches (pipeline.go), are named too.
		p := &model.Post{ID: model.NewID(), CreateAt: 1, UpdateAt: 1, UserID: u.ID, ChannelID: model.NewID()}
		p.PreCommit()
		err := s.PostTx(ctx, p.ChannelID, func(tx store.Store) error {
			if err := tx.SavePost(ctx, p); err != nil {
				return err
			}
			return tx.CountPost(ctx, p.ChannelID, u.ID, 1, 1, true)
		})
		if err == nil {
			t.Error("a post in no channel committed")
		}
		want := []string{"SaveUser", "UpdateFailedAttempts", "GetUser", "SavePost"}
		if s.driver == DriverPostgres {
			want = append(want, "CountPost") // SQLite's is IncrementChannelCounts and ViewChannel
		}
		for _, m := range want {
			if !seen[m] {
				t.Errorf("observer did not see %s; saw %v", m, seen)
			}
		}
	})
}

// A database made by the first schema version, with data in it, migrates to the
// latest version and keeps its data.
func TestMigrateFromFirstVersionKeepsData(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		s, err := Connect(ctx, b.DSN, b.DataDir)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		p, err := s.provider(nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.UpTo(ctx, 1); err != nil {
			t.Fatal(err)
		}
		// Version 1 columns only, as a version-1 binary would have written them.
		old := newUser("olduser")
		old.NotifyProps["first_name"] = "true"
		_, err = s.exec(ctx, `INSERT INTO users (`+userCols+`) VALUES (`+in(28)+`)`, userArgs(old)[:28]...)
		must(t, err)
		u, _ := s.GetUserByUsername(ctx, "olduser")
		team := &model.Team{ID: model.NewID(), Name: "old", DisplayName: "Old", Type: "O", InviteID: model.NewID()}
		must(t, s.SaveTeam(ctx, team))
		ch := &model.Channel{ID: model.NewID(), TeamID: team.ID, Type: "O", Name: "town-square", DisplayName: "Town"}
		must(t, s.SaveChannel(ctx, ch))
		post := &model.Post{ID: model.NewID(), CreateAt: 1, UpdateAt: 1, UserID: u.ID, ChannelID: ch.ID, Message: "from v1"}
		post.PreCommit()
		must(t, s.SavePost(ctx, post))

		must(t, s.Migrate(ctx, nil))
		cur, known, err := s.SchemaVersion(ctx)
		if err != nil || cur != known {
			t.Fatalf("version after migrate %d, known %d, %v", cur, known, err)
		}
		got, err := s.GetPost(ctx, post.ID)
		if err != nil || got.Message != "from v1" || got.UserID != u.ID {
			t.Fatalf("post after migration: %+v %v", got, err)
		}
		if gu, err := s.GetUser(ctx, u.ID); err != nil || gu.Username != "olduser" {
			t.Fatalf("user after migration: %+v %v", gu, err)
		}
		// 00012 flags the users whose notify props add mentions.
		must(t, s.SaveChannelMember(ctx, &model.ChannelMember{ChannelID: ch.ID, UserID: u.ID, SchemeUser: true,
			NotifyProps: model.DefaultChannelNotifyProps()}))
		if ids, err := mentionCandidates(s, ch.ID, nil); err != nil || !slices.Equal(ids, []string{u.ID}) {
			t.Fatalf("mention candidates after migration: %v %v", ids, err)
		}
	})
}

// Nodes starting together against one database do not both migrate.
func TestConcurrentStartsMigrateOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		errs := make(chan error, 4)
		for range 4 {
			go func() {
				s, err := Open(ctx, b.DSN, b.DataDir, nil)
				if err == nil {
					s.Close()
				}
				errs <- err
			}()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Fatalf("concurrent open: %v", err)
			}
		}
	})
}
