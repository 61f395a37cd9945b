package sqlstore

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/search"
	"github.com/parley-chat/parley/internal/store"
)

// The migrations spell out search.CJKClass to pick the posts of the substring
// index; this catches the two drifting apart.
func TestMigrationsUseCJKClass(t *testing.T) {
	for _, p := range []string{"migrations/sqlite/00002_search.sql", "migrations/postgres/00002_search.sql"} {
		b, err := fs.ReadFile(migrationFiles, p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), search.CJKClass) {
			t.Errorf("%s does not use search.CJKClass", p)
		}
	}
}

func TestConfigureSearchLanguage(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		u := &model.User{ID: model.NewID(), Username: "ann", Email: "ann@example.com", CreateAt: 1, UpdateAt: 1}
		if err := s.SaveUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		ch := &model.Channel{ID: model.NewID(), CreateAt: 1, UpdateAt: 1, Type: model.ChannelOpen, Name: "c", TeamID: model.NewID()}
		if err := s.SaveChannel(ctx, ch); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveChannelMember(ctx, &model.ChannelMember{ChannelID: ch.ID, UserID: u.ID, NotifyProps: model.StringMap{}}); err != nil {
			t.Fatal(err)
		}
		p := &model.Post{ID: model.NewID(), CreateAt: 1, UpdateAt: 1, UserID: u.ID, ChannelID: ch.ID, Message: "the runners were running"}
		if err := s.SavePost(ctx, p); err != nil {
			t.Fatal(err)
		}
		find := func(word string) int {
			t.Helper()
			ps, err := s.SearchPosts(ctx, &store.PostSearch{UserID: u.ID, Terms: []search.Term{{Kind: search.Word, Text: word}}})
			if err != nil {
				t.Fatal(err)
			}
			return len(ps)
		}
		if find("run") != 1 {
			t.Fatal("english: run should find running")
		}
		if err := s.ConfigureSearch(ctx, "simple"); err != nil {
			t.Fatal(err)
		}
		if find("run") != 0 || find("running") != 1 {
			t.Fatal("simple: only the exact word should match")
		}
		if err := s.ConfigureSearch(ctx, "english"); err != nil {
			t.Fatal(err)
		}
		if find("run") != 1 {
			t.Fatal("back to english: run should find running")
		}
		if err := s.ConfigureSearch(ctx, "klingon"); err == nil || !strings.Contains(err.Error(), "search_language") {
			t.Fatalf("unknown language: %v", err)
		}
		if err := s.ConfigureSearch(ctx, "Robert'); DROP TABLE posts;--"); err == nil {
			t.Fatal("bad language name accepted")
		}
	})
}
