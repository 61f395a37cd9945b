package sqlstore

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
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

// searchMember makes a user ann and a channel she is a member of.
func searchMember(t *testing.T, s *SQLStore) (*model.User, *model.Channel) {
	t.Helper()
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
	return u, ch
}

func TestConfigureSearchLanguage(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		u, ch := searchMember(t, s)
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

// TestSearchPlansAgree runs searches driven from the text index and from the
// posts of the searched channels (searchScoped picks one by the sizes), and
// wants the same posts in the same order from both, and from the automatic
// choice. Most posts are in a channel the searcher is not in, as in the case
// the channel-driven plan is for.
func TestSearchPlansAgree(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		team := model.NewID()
		users := map[string]string{}
		for _, name := range []string{"ann", "bob"} {
			u := &model.User{ID: model.NewID(), Username: name, Email: name + "@example.com", CreateAt: 1, UpdateAt: 1}
			if err := s.SaveUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			users[name] = u.ID
		}
		chans := map[string]string{}
		for _, name := range []string{"mine", "other", "archived"} {
			ch := &model.Channel{ID: model.NewID(), CreateAt: 1, UpdateAt: 1, Type: model.ChannelOpen, Name: name, TeamID: team}
			if name == "archived" {
				ch.DeleteAt = 5
			}
			if err := s.SaveChannel(ctx, ch); err != nil {
				t.Fatal(err)
			}
			chans[name] = ch.ID
			if name != "other" {
				if err := s.SaveChannelMember(ctx, &model.ChannelMember{ChannelID: ch.ID, UserID: users["ann"], NotifyProps: model.StringMap{}}); err != nil {
					t.Fatal(err)
				}
			}
		}
		texts := []string{"the deploy went out this morning", "deploy the release after the review meeting",
			"review meeting moved to the morning", "the meeting about the review", "coffee after lunch #break",
			"running the migrations now", "a deployment review by @ann", "review the meeting notes", "東京タワーで会議をします"}
		at := int64(1000)
		post := func(ch, user, msg string) {
			at++
			p := &model.Post{ID: model.NewID(), CreateAt: at, UpdateAt: at, UserID: user, ChannelID: ch, Message: msg}
			p.PreCommit()
			if err := s.SavePost(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 400 {
			post(chans["other"], users["bob"], texts[i%len(texts)])
			if i%10 == 0 {
				author := []string{"ann", "bob"}[i/10%2]
				post(chans["mine"], users[author], texts[i/10%len(texts)])
			}
			if i%100 == 0 {
				post(chans["archived"], users["bob"], texts[i/100%len(texts)])
			}
		}
		if err := s.RecountChannels(ctx); err != nil {
			t.Fatal(err)
		}
		w := func(kind search.Kind, text string) search.Term { return search.Term{Kind: kind, Text: text} }
		// These sizes are the case the channel-driven plan is for.
		common := &store.PostSearch{UserID: users["ann"], TeamID: team, Terms: []search.Term{w(search.Word, "review")}}
		_, idx := s.textConds(common, make([]*sqlPart, 1))
		chs, chArgs := searchChannels(common)
		// keyed or not (PostgreSQL counts the searched channels' matches or
		// all), the same plan.
		scopedBoth := func() (bool, error) {
			t.Helper()
			keyed, err := s.searchScoped(ctx, idx, chs, chArgs, true)
			if err != nil {
				return false, err
			}
			all, err := s.searchScoped(ctx, idx, chs, chArgs, false)
			if err == nil && all != keyed {
				err = fmt.Errorf("keyed scoped %v, not keyed %v", keyed, all)
			}
			return keyed, err
		}
		if scoped, err := scopedBoth(); err != nil || !scoped {
			t.Fatalf("a common word in a small channel: scoped %v, %v", scoped, err)
		}
		// Join and leave messages are left out of the counters: more of them
		// than counted posts keep the plan; as many posts beyond the counters
		// as a database filled around the store holds do not.
		extra := func(n int, typ string) {
			t.Helper()
			ps := make([]*model.Post, n)
			for i := range ps {
				at++
				ps[i] = &model.Post{ID: model.NewID(), CreateAt: at, UpdateAt: at, UserID: users["bob"],
					ChannelID: chans["mine"], Type: typ, Message: "bob joined the channel"}
				ps[i].PreCommit()
			}
			if err := s.BulkInsertPosts(ctx, ps); err != nil {
				t.Fatal(err)
			}
		}
		extra(100, model.PostTypeJoinChannel)
		if scoped, err := scopedBoth(); err != nil || !scoped {
			t.Fatalf("join messages beyond the counters: scoped %v, %v", scoped, err)
		}
		extra(searchScopedSlack, "")
		if scoped, err := scopedBoth(); err != nil || scoped {
			t.Fatalf("posts far beyond the counters: scoped %v, %v", scoped, err)
		}
		for _, tc := range []struct {
			name string
			q    store.PostSearch
		}{
			{"word", store.PostSearch{Terms: []search.Term{w(search.Word, "review")}}},
			{"two words", store.PostSearch{Terms: []search.Term{w(search.Word, "review"), w(search.Word, "meeting")}}},
			{"stemmed", store.PostSearch{Terms: []search.Term{w(search.Word, "run"), w(search.Word, "migration")}}},
			{"or", store.PostSearch{Or: true, Terms: []search.Term{w(search.Word, "coffee"), w(search.Word, "deploy")}}},
			{"prefix", store.PostSearch{Terms: []search.Term{w(search.Prefix, "deploym")}}},
			{"phrase", store.PostSearch{Terms: []search.Term{w(search.Phrase, "review meeting")}}},
			{"phrase with stop words", store.PostSearch{Terms: []search.Term{w(search.Phrase, "meeting about the review")}}},
			{"excluded", store.PostSearch{Terms: []search.Term{w(search.Word, "review")}, Excluded: []search.Term{w(search.Word, "notes")}}},
			{"excluded phrase", store.PostSearch{Terms: []search.Term{w(search.Word, "meeting")}, Excluded: []search.Term{w(search.Phrase, "review meeting")}}},
			{"hashtag", store.PostSearch{Terms: []search.Term{w(search.Hashtag, "#break")}}},
			{"mention", store.PostSearch{Terms: []search.Term{w(search.Mention, "@ann")}}},
			{"from", store.PostSearch{Terms: []search.Term{w(search.Word, "morning")}, FromUsernames: []string{"ann"}}},
			{"dates", store.PostSearch{Terms: []search.Term{w(search.Word, "review")}, After: 1100, Before: 1300}},
			{"in channel", store.PostSearch{Terms: []search.Term{w(search.Word, "review")}, InChannels: []string{"mine"}}},
			{"archived too", store.PostSearch{Terms: []search.Term{w(search.Word, "meeting")}, IncludeDeletedChannels: true}},
			{"cjk", store.PostSearch{Terms: []search.Term{w(search.Word, "東京タワー"), w(search.Word, "会議")}}},
			{"second page", store.PostSearch{Terms: []search.Term{w(search.Word, "review")}, Page: store.Page{Limit: 3, Offset: 3}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				q := tc.q
				q.UserID, q.TeamID = users["ann"], team
				run := func(plan searchPlan, keyedMax int) []string {
					t.Helper()
					ps, err := s.searchPostsPlanned(ctx, &q, plan, keyedMax)
					if err != nil {
						t.Fatal(err)
					}
					ids := make([]string, len(ps))
					for i, p := range ps {
						if p.ChannelID == chans["other"] {
							t.Fatalf("found a post of a channel the searcher is not in: %q", p.Message)
						}
						ids[i] = p.ID
					}
					return ids
				}
				fixed := func(scoped bool) searchPlan {
					return func(context.Context, []*sqlPart, string, []any, bool) (bool, error) { return scoped, nil }
				}
				// 0: PostgreSQL's channels filter the rows, as for many channels.
				for _, keyedMax := range []int{pgKeyedChannelsMax, 0} {
					byIndex, byChannel, auto := run(fixed(false), keyedMax), run(fixed(true), keyedMax), run(s.searchScoped, keyedMax)
					if len(byIndex) == 0 {
						t.Fatal("found nothing")
					}
					if !slices.Equal(byIndex, byChannel) || !slices.Equal(byIndex, auto) {
						t.Fatalf("keyed up to %d channels: index plan %v, channel plan %v, automatic %v",
							keyedMax, byIndex, byChannel, auto)
					}
				}
			})
		}
	})
}

// TestSearchPhrases checks phrases of common words, which PostgreSQL narrows
// through the pairs of neighbouring words (migration 00029): the order
// matters, stop words between the words keep their place, edits and a
// language change rebuild the pairs.
func TestSearchPhrases(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		u, ch := searchMember(t, s)
		posts := map[string]*model.Post{}
		for i, msg := range []string{"the review meeting moved today", "meeting review at noon", "reviewing meetings all day",
			"the meeting about the review", "review of the meeting room", "a review, a meeting"} {
			p := &model.Post{ID: model.NewID(), CreateAt: int64(10 + i), UpdateAt: 1, UserID: u.ID, ChannelID: ch.ID, Message: msg}
			if err := s.SavePost(ctx, p); err != nil {
				t.Fatal(err)
			}
			posts[msg] = p
		}
		expect := func(phrase string, want ...string) {
			t.Helper()
			found, err := s.SearchPosts(ctx, &store.PostSearch{UserID: u.ID, Terms: []search.Term{{Kind: search.Phrase, Text: phrase}}})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range found {
				got = append(got, p.Message)
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("%q found %q, want %q", phrase, got, want)
			}
		}
		expect("review meeting", "the review meeting moved today", "reviewing meetings all day")
		expect("meeting review", "meeting review at noon")
		expect("meeting about the review", "the meeting about the review")
		expect("review of the meeting", "review of the meeting room")
		if s.driver == DriverPostgres {
			// "the" is a stop word of the stemmed half, which is then one
			// word and has no pair to narrow by. FTS5 drops no stop words.
			expect("the meeting", "the review meeting moved today", "meeting review at noon", "reviewing meetings all day",
				"the meeting about the review", "review of the meeting room", "a review, a meeting")
		}
		expect("review meeting moved", "the review meeting moved today")
		expect("meeting moved review")

		edited := posts["meeting review at noon"]
		edited.Message, edited.UpdateAt, edited.EditAt = "review meeting at noon", 2, 2
		if err := s.UpdatePost(ctx, edited); err != nil {
			t.Fatal(err)
		}
		expect("meeting review")
		expect("review meeting at noon", "review meeting at noon")
		if err := s.ConfigureSearch(ctx, "simple"); err != nil {
			t.Fatal(err)
		}
		expect("review meeting", "the review meeting moved today", "review meeting at noon")
	})
}
