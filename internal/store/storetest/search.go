package storetest

import (
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/search"
	"github.com/parley-chat/parley/internal/store"
)

func testSearch(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	tm, other := f.team(), f.team()
	c := f.channel(tm.ID, "O")
	priv := f.channel(tm.ID, "P")
	elsewhere := f.channel(other.ID, "O")
	dm := f.channel("", "D")
	left := f.channel(tm.ID, "O", func(c *model.Channel) { c.DeleteAt = 5 })
	me, ann := f.user(), f.user()
	for _, ch := range []*model.Channel{c, elsewhere, dm, left} {
		f.channelMember(ch.ID, me.ID)
	}

	t.Run("Posts", func(t *testing.T) {
		w, w2 := word(), word()
		p1 := f.post(c.ID, me.ID, 10, func(p *model.Post) { p.Message = w + " first #" + w2 })
		p2 := f.post(elsewhere.ID, ann.ID, 20, func(p *model.Post) { p.Message = "second " + w })
		p3 := f.post(dm.ID, ann.ID, 30, func(p *model.Post) { p.Message = w + " running " + w2 })
		f.post(priv.ID, ann.ID, 40, func(p *model.Post) { p.Message = "private " + w })
		archived := f.post(left.ID, ann.ID, 45, func(p *model.Post) { p.Message = "archived " + w })
		f.post(c.ID, ann.ID, 50, func(p *model.Post) { p.Message = "deleted " + w; p.DeleteAt = 51 })
		f.post(c.ID, ann.ID, 55, func(p *model.Post) { p.Message = "joined " + w; p.Type = model.PostTypeJoinChannel })
		tag := "Éclair" + w2
		p4 := f.post(c.ID, ann.ID, 60, func(p *model.Post) { p.Message = "Café " + tag + " naïve #" + tag })
		word := func(x string) []search.Term { return []search.Term{{Kind: search.Word, Text: x}} }
		in := func(x ...string) []string { return append([]string{c.Name}, x...) }
		all := store.Page{Limit: 100}
		for _, c := range []struct {
			what string
			q    store.PostSearch
			want []*model.Post
		}{
			{"a word in the user's live channels, newest first", store.PostSearch{Terms: word(w)}, []*model.Post{p3, p2, p1}},
			{"in archived channels too", store.PostSearch{Terms: word(w), IncludeDeletedChannels: true}, []*model.Post{archived, p3, p2, p1}},
			{"paged", store.PostSearch{Terms: word(w), Page: store.Page{Offset: 1, Limit: 1}}, []*model.Post{p2}},
			{"one team, with DMs", store.PostSearch{Terms: word(w), TeamID: tm.ID}, []*model.Post{p3, p1}},
			{"all words", store.PostSearch{Terms: append(word(w), word("running")...)}, []*model.Post{p3}},
			{"any word", store.PostSearch{Terms: append(word("second"), word("running")...), Or: true, FromUsernames: []string{ann.Username}}, []*model.Post{p3, p2}},
			{"stemmed", store.PostSearch{Terms: append(word("run"), word(w)...)}, []*model.Post{p3}},
			{"excluded", store.PostSearch{Terms: word(w), Excluded: word("second")}, []*model.Post{p3, p1}},
			{"prefix", store.PostSearch{Terms: []search.Term{{Kind: search.Prefix, Text: w[:6]}}, FromUsernames: []string{me.Username}}, []*model.Post{p1}},
			{"phrase", store.PostSearch{Terms: []search.Term{{Kind: search.Phrase, Text: "second " + w}}}, []*model.Post{p2}},
			{"hashtag", store.PostSearch{Terms: []search.Term{{Kind: search.Hashtag, Text: "#" + w2}}}, []*model.Post{p1}},
			{"from", store.PostSearch{Terms: word(w), FromUsernames: []string{ann.Username}}, []*model.Post{p3, p2}},
			{"not from", store.PostSearch{Terms: word(w), ExcludedUsernames: []string{ann.Username}}, []*model.Post{p1}},
			{"in a channel", store.PostSearch{Terms: word(w), InChannels: []string{elsewhere.Name}}, []*model.Post{p2}},
			{"not in a channel", store.PostSearch{Terms: word(w), ExcludedChannels: []string{elsewhere.Name}}, []*model.Post{p3, p1}},
			{"after and before", store.PostSearch{Terms: word(w), After: 10, Before: 30}, []*model.Post{p2}},
			{"a word without its accent", store.PostSearch{Terms: word("cafe"), InChannels: in()}, []*model.Post{p4}},
			{"a word in capitals", store.PostSearch{Terms: word("CAFÉ"), InChannels: in()}, []*model.Post{p4}},
			{"a non-ASCII word in another case", store.PostSearch{Terms: word(upper(tag)), InChannels: in()}, []*model.Post{p4}},
			{"a prefix without its accent", store.PostSearch{Terms: []search.Term{{Kind: search.Prefix, Text: "naiv"}}, InChannels: in()}, []*model.Post{p4}},
			{"a non-ASCII hashtag in another case", store.PostSearch{Terms: []search.Term{{Kind: search.Hashtag, Text: "#éclair" + w2}}, InChannels: in()}, []*model.Post{p4}},
		} {
			q := c.q
			q.UserID = me.ID
			if q.Page.Limit == 0 {
				q.Page = all
			}
			sameIDs(t, "SearchPosts "+c.what, postIDs(get(s.SearchPosts(ctx, &q))(t)), postIDs(c.want))
		}
	})

	t.Run("Files", func(t *testing.T) {
		tag := name("file")
		pc, pe, pp := f.post(c.ID, me.ID, 10), f.post(elsewhere.ID, ann.ID, 20), f.post(priv.ID, ann.ID, 30)
		report := f.file(me.ID, c.ID, pc.ID, 10, func(fi *model.FileInfo) { fi.Name, fi.Extension = "Report-"+tag+".PDF", "pdf" })
		photo := f.file(ann.ID, elsewhere.ID, pe.ID, 20, func(fi *model.FileInfo) { fi.Name = "photo-" + tag + ".png" })
		f.file(ann.ID, priv.ID, pp.ID, 30, func(fi *model.FileInfo) { fi.Name = "secret-" + tag + ".png" })
		umlaut := f.file(me.ID, c.ID, pc.ID, 5, func(fi *model.FileInfo) { fi.Name = "Überblick-" + tag + ".txt" })
		f.file(me.ID, c.ID, "", 40, func(fi *model.FileInfo) { fi.Name = "loose-" + tag + ".png" })
		f.file(me.ID, c.ID, pc.ID, 50, func(fi *model.FileInfo) { fi.Name = "gone-" + tag + ".png"; fi.DeleteAt = 51 })
		term := func(x string) []search.Term { return []search.Term{{Kind: search.Word, Text: x}} }
		for _, c := range []struct {
			what string
			q    store.FileSearch
			want []*model.FileInfo
		}{
			{"part of the name, any case, attached and live, newest first", store.FileSearch{PostSearch: store.PostSearch{Terms: term(upper(tag))}}, []*model.FileInfo{photo, report, umlaut}},
			{"a non-ASCII letter in another case", store.FileSearch{PostSearch: store.PostSearch{Terms: term("überblick")}}, []*model.FileInfo{umlaut}},
			{"an extension", store.FileSearch{PostSearch: store.PostSearch{Terms: term(tag)}, Extensions: []string{"pdf"}}, []*model.FileInfo{report}},
			{"all terms", store.FileSearch{PostSearch: store.PostSearch{Terms: append(term(tag), term("photo")...)}}, []*model.FileInfo{photo}},
			{"any term", store.FileSearch{PostSearch: store.PostSearch{Terms: append(term("report-"+tag), term("photo-"+tag)...), Or: true}}, []*model.FileInfo{photo, report}},
			{"excluded", store.FileSearch{PostSearch: store.PostSearch{Terms: term(tag), Excluded: term("photo")}}, []*model.FileInfo{report, umlaut}},
			{"from", store.FileSearch{PostSearch: store.PostSearch{Terms: term(tag), FromUsernames: []string{ann.Username}}}, []*model.FileInfo{photo}},
			{"one team", store.FileSearch{PostSearch: store.PostSearch{Terms: term(tag), TeamID: tm.ID}}, []*model.FileInfo{report, umlaut}},
			{"before", store.FileSearch{PostSearch: store.PostSearch{Terms: term(tag), Before: 20}}, []*model.FileInfo{report, umlaut}},
			{"paged", store.FileSearch{PostSearch: store.PostSearch{Terms: term(tag), Page: store.Page{Offset: 1, Limit: 1}}}, []*model.FileInfo{report}},
		} {
			q := c.q
			q.UserID = me.ID
			if q.Page.Limit == 0 {
				q.Page = store.Page{Limit: 100}
			}
			sameIDs(t, "SearchFiles "+c.what, fileIDs(get(s.SearchFiles(ctx, &q))(t)), fileIDs(c.want))
		}
	})

	t.Run("AllChannels", func(t *testing.T) {
		tag := name("all")
		a := f.channel(tm.ID, "O", func(c *model.Channel) { c.DisplayName = "A " + tag })
		b := f.channel(other.ID, "P", func(c *model.Channel) { c.DisplayName = "B " + tag })
		gone := f.channel(tm.ID, "O", func(c *model.Channel) { c.DisplayName = "C " + tag; c.DeleteAt = 1 })
		f.channel("", "G", func(c *model.Channel) { c.DisplayName = "D " + tag })
		for _, c := range []struct {
			what  string
			q     model.ChannelSearch
			p     store.Page
			want  []*model.Channel
			total int64
		}{
			{"by display name, every team, live", model.ChannelSearch{Term: upper(tag)}, store.Page{Limit: 10}, []*model.Channel{a, b}, 2},
			{"paged, counting all", model.ChannelSearch{Term: tag}, store.Page{Offset: 1, Limit: 1}, []*model.Channel{b}, 2},
			{"one team", model.ChannelSearch{Term: tag, TeamIDs: []string{other.ID}}, store.Page{Limit: 10}, []*model.Channel{b}, 1},
			{"public", model.ChannelSearch{Term: tag, Public: true}, store.Page{Limit: 10}, []*model.Channel{a}, 1},
			{"private", model.ChannelSearch{Term: tag, Private: true}, store.Page{Limit: 10}, []*model.Channel{b}, 1},
			{"archived", model.ChannelSearch{Term: tag, Deleted: true}, store.Page{Limit: 10}, []*model.Channel{gone}, 1},
			{"archived too", model.ChannelSearch{Term: tag, IncludeDeleted: true}, store.Page{Limit: 10}, []*model.Channel{a, b, gone}, 3},
		} {
			got, total := get2(s.SearchAllChannels(ctx, &c.q, c.p))(t)
			sameIDs(t, "SearchAllChannels "+c.what, ids(got, func(c *model.ChannelWithTeamData) string { return c.ID }), channelIDs(c.want))
			if total != c.total {
				t.Errorf("SearchAllChannels %s: total %d, want %d", c.what, total, c.total)
			}
		}
		got, _ := get2(s.SearchAllChannels(ctx, &model.ChannelSearch{Term: "A " + tag}, store.Page{Limit: 10}))(t)
		if len(got) != 1 || got[0].TeamName != tm.Name || got[0].TeamDisplayName != tm.DisplayName || got[0].TeamUpdateAt != tm.UpdateAt {
			t.Errorf("SearchAllChannels team data: %+v", got)
		}
		defaults := f.channel(f.team().ID, "O", func(c *model.Channel) { c.Name = "town-square"; c.DisplayName = "Town " + tag })
		got, _ = get2(s.SearchAllChannels(ctx, &model.ChannelSearch{Term: "town " + tag, ExcludeDefaultChannels: true}, store.Page{Limit: 10}))(t)
		if len(got) != 0 {
			t.Errorf("SearchAllChannels without default channels found %s", defaults.Name)
		}
	})

	// Last: it rebuilds the index of every post.
	t.Run("ConfigureSearch", func(t *testing.T) {
		w := word()
		p := f.post(c.ID, me.ID, 10, func(p *model.Post) { p.Message = w + " running" })
		find := func(x string) []string {
			return postIDs(get(s.SearchPosts(ctx, &store.PostSearch{UserID: me.ID, Terms: []search.Term{{Kind: search.Word, Text: w}, {Kind: search.Word, Text: x}},
				Page: store.Page{Limit: 10}}))(t))
		}
		t.Cleanup(func() { must(t, s.ConfigureSearch(ctx, "english")) })
		must(t, s.ConfigureSearch(ctx, "english"))
		sameIDs(t, "english: run finds running", find("run"), []string{p.ID})
		must(t, s.ConfigureSearch(ctx, "simple"))
		sameIDs(t, "simple: run does not find running", find("run"), nil)
		sameIDs(t, "simple: running does", find("running"), []string{p.ID})
		if err := s.ConfigureSearch(ctx, "x'); DROP TABLE posts; --"); err == nil {
			t.Error("ConfigureSearch took a language name that is none")
		}
		if err := s.ConfigureSearch(ctx, "klingon"); err == nil {
			t.Error("ConfigureSearch took an unknown language")
		}
	})
}
