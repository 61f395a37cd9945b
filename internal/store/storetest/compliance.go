package storetest

import (
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func testCompliance(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	// Times no other test uses, so that counts over a range are this test's.
	const base = 3_000_000
	tm := f.team()
	c := f.channel(tm.ID, "O")
	quiet := f.channel(tm.ID, "O")
	ann := f.user()
	bot := f.user(func(u *model.User) { u.IsBot = true })

	t.Run("PostVersions", func(t *testing.T) {
		p := f.post(c.ID, ann.ID, base+10)
		v2 := &model.PostVersion{ID: model.NewID(), PostID: p.ID, ChannelID: c.ID, UserID: ann.ID, CreateAt: p.CreateAt, EditAt: base + 30,
			Message: "second", Props: map[string]any{"k": "v"}, FileIDs: []string{model.NewID()}}
		v1 := &model.PostVersion{ID: model.NewID(), PostID: p.ID, ChannelID: c.ID, UserID: ann.ID, CreateAt: p.CreateAt, EditAt: base + 20,
			Message: "first", Props: map[string]any{}, FileIDs: []string{}}
		must(t, s.SavePostVersion(ctx, v2))
		must(t, s.SavePostVersion(ctx, v1))
		wantErr(t, "SavePostVersion again", s.SavePostVersion(ctx, v1), store.ErrConflict)
		sameJSON(t, "PostVersions, oldest first", get(s.PostVersions(ctx, p.ID))(t), []*model.PostVersion{v1, v2})
		sameJSON(t, "PostVersions of a post never edited", get(s.PostVersions(ctx, model.NewID()))(t), []*model.PostVersion{})
	})

	t.Run("MemberHistory", func(t *testing.T) {
		ch := f.channel(tm.ID, "O")
		stays, leaves := f.user(), f.user()
		for _, u := range []*model.User{stays, leaves} {
			must(t, s.SaveChannelMember(ctx, &model.ChannelMember{ChannelID: ch.ID, UserID: u.ID, SchemeUser: true, LastUpdateAt: 1000}))
		}
		// A second save of a membership is no second join.
		must(t, s.SaveChannelMember(ctx, &model.ChannelMember{ChannelID: ch.ID, UserID: stays.ID, SchemeUser: true, LastUpdateAt: 1500}))
		late := f.user()
		must(t, s.SaveChannelMember(ctx, &model.ChannelMember{ChannelID: ch.ID, UserID: late.ID, SchemeUser: true, LastUpdateAt: 3000}))
		before := model.Now()
		must(t, s.DeleteChannelMember(ctx, ch.ID, leaves.ID))
		h := get(s.ChannelMemberHistory(ctx, ch.ID, 500, 2000))(t)
		byJoin := sorted([]string{stays.ID, leaves.ID})
		if len(h) != 2 || h[0].UserID != byJoin[0] || h[1].UserID != byJoin[1] {
			t.Fatalf("ChannelMemberHistory [500, 2000]: %+v", h)
		}
		for _, x := range h {
			if x.JoinTime != 1000 || x.ChannelID != ch.ID {
				t.Errorf("stay %+v, want a join at 1000", x)
			}
			switch x.UserID {
			case leaves.ID:
				if x.LeaveTime == nil || *x.LeaveTime < before {
					t.Errorf("the stay of one who left has leave time %v", x.LeaveTime)
				}
			case stays.ID:
				if x.LeaveTime != nil || x.Username != stays.Username || x.UserEmail != stays.Email {
					t.Errorf("an open stay: %+v", x)
				}
			}
		}
		if got := get(s.ChannelMemberHistory(ctx, ch.ID, 2500, 4000))(t); len(got) != 3 {
			t.Errorf("ChannelMemberHistory [2500, 4000]: %d stays, want 3", len(got))
		}
		must(t, s.DeleteTeamChannelMembers(ctx, tm.ID, stays.ID))
		must(t, s.DeleteChannelMembers(ctx, ch.ID))
		for _, x := range get(s.ChannelMemberHistory(ctx, ch.ID, 0, 5000))(t) {
			if x.LeaveTime == nil {
				t.Errorf("a stay of %s is open after its membership was deleted", x.UserID)
			}
		}
	})

	t.Run("Export", func(t *testing.T) {
		p1 := f.post(c.ID, ann.ID, base+100, func(p *model.Post) { p.FileIDs = []string{model.NewID()}; p.Props = map[string]any{"a": "b"} })
		p2 := f.post(c.ID, bot.ID, base+200, func(p *model.Post) { p.RootID = p1.ID })
		f.post(c.ID, ann.ID, base+150, func(p *model.Post) { p.Type = model.PostTypeJoinChannel })
		f.post(quiet.ID, ann.ID, base+900)
		v := &model.PostVersion{ID: model.NewID(), PostID: p1.ID, ChannelID: c.ID, UserID: ann.ID, CreateAt: p1.CreateAt, EditAt: base + 300,
			Message: "before the edit", Props: map[string]any{}, FileIDs: []string{}}
		must(t, s.SavePostVersion(ctx, v))

		from, to := int64(base+50), int64(base+500)
		chans := get(s.ExportChannels(ctx, from, to))(t)
		var mine []*store.ExportChannel
		for _, x := range chans {
			if x.ID == c.ID || x.ID == quiet.ID {
				mine = append(mine, x)
			}
		}
		sameJSON(t, "ExportChannels: those with posts in the range", mine, []*store.ExportChannel{{ID: c.ID, Name: c.Name, DisplayName: c.DisplayName,
			Type: "O", TeamID: tm.ID, TeamName: tm.Name, TeamDisplayName: tm.DisplayName}})
		if n := get(s.CountExportPosts(ctx, from, to))(t); n != 3 {
			t.Errorf("CountExportPosts = %d, want the two posts and the version", n)
		}

		got := get(s.ExportPosts(ctx, c.ID, from, to, store.ExportCursor{}, 10))(t)
		sameIDs(t, "ExportPosts: by update time, versions too, no system messages", ids(got, func(p *store.ExportPost) string { return p.ID }),
			[]string{p1.ID, p2.ID, v.ID})
		if len(got) == 3 {
			sameJSON(t, "an exported post", got[0], &store.ExportPost{ID: p1.ID, UserID: ann.ID, Message: p1.Message, CreateAt: p1.CreateAt,
				UpdateAt: p1.UpdateAt, Props: p1.Props, FileIDs: p1.FileIDs, UserEmail: ann.Email, Username: ann.Username})
			if !got[1].IsBot || got[1].RootID != p1.ID {
				t.Errorf("an exported reply by a bot: %+v", got[1])
			}
			sameJSON(t, "an exported version", got[2], &store.ExportPost{ID: v.ID, UserID: ann.ID, OriginalID: p1.ID, Message: v.Message,
				CreateAt: v.CreateAt, UpdateAt: v.EditAt, DeleteAt: v.EditAt, Props: v.Props, FileIDs: v.FileIDs, UserEmail: ann.Email, Username: ann.Username})
		}
		sameIDs(t, "ExportPosts after a cursor", ids(get(s.ExportPosts(ctx, c.ID, from, to, store.ExportCursor{UpdateAt: p1.UpdateAt, ID: p1.ID}, 1))(t),
			func(p *store.ExportPost) string { return p.ID }), []string{p2.ID})

		authors := get(s.ExportAuthors(ctx, c.ID, from, to))(t)
		sameSet(t, "ExportAuthors", ids(authors, func(a *model.ChannelMemberHistoryResult) string { return a.UserID }), []string{ann.ID, bot.ID})
		for _, a := range authors {
			if a.ChannelID != c.ID || (a.UserID == bot.ID && !a.IsBot) || (a.UserID == ann.ID && a.Username != ann.Username) {
				t.Errorf("an export author: %+v", a)
			}
		}

		live := f.file(ann.ID, c.ID, p1.ID, base+100)
		gone := f.file(ann.ID, c.ID, p1.ID, base+110, func(fi *model.FileInfo) { fi.DeleteAt = base + 120 })
		files := get(s.ExportFiles(ctx, []string{p1.ID, p2.ID}))(t)
		sameIDs(t, "ExportFiles, deleted ones too, oldest first", fileIDs(files[p1.ID]), []string{live.ID, gone.ID})
		if len(files[p2.ID]) != 0 || len(get(s.ExportFiles(ctx, nil))(t)) != 0 {
			t.Errorf("ExportFiles of posts without files: %v", files)
		}
	})
}
