package storetest

import (
	"slices"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func testPosts(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	tm := f.team()
	u := f.user()

	t.Run("RoundTripAndLookups", func(t *testing.T) {
		c := f.channel(tm.ID, "O")
		p := f.post(c.ID, u.ID, 100, func(p *model.Post) {
			p.Message, p.Type, p.Props = "hello #tag", "custom_x", map[string]any{"attachments": []any{map[string]any{"text": "a"}}}
			p.FileIDs, p.PendingPostID, p.IsPinned, p.EditAt = []string{model.NewID()}, u.ID+":100", true, 5
		})
		sameJSON(t, "GetPost", get(s.GetPost(ctx, p.ID))(t), p)
		wantErr(t, "GetPost of nothing", second(s.GetPost(ctx, model.NewID())), store.ErrNotFound)
		wantErr(t, "SavePost again", s.SavePost(ctx, p), store.ErrConflict)
		sameJSON(t, "GetPostByPendingID", get(s.GetPostByPendingID(ctx, u.ID, p.PendingPostID))(t), p)
		wantErr(t, "GetPostByPendingID of another user", second(s.GetPostByPendingID(ctx, model.NewID(), p.PendingPostID)), store.ErrNotFound)
		wantErr(t, "GetPostByPendingID of an empty id", second(s.GetPostByPendingID(ctx, u.ID, "")), store.ErrNotFound)

		q := f.post(c.ID, u.ID, 200)
		sameIDs(t, "GetPostsByIDs, newest first", postIDs(get(s.GetPostsByIDs(ctx, []string{p.ID, q.ID, model.NewID()}))(t)), []string{q.ID, p.ID})
		sameIDs(t, "GetPostsByIDs of none", postIDs(get(s.GetPostsByIDs(ctx, nil))(t)), nil)

		// Only the editable fields change.
		p.Message, p.EditAt, p.UpdateAt, p.IsPinned, p.Props, p.FileIDs, p.HasReactions = "edited", 300, 300, false, map[string]any{"x": "y"}, []string{}, true
		p.Hashtags = ""
		upd := *p
		upd.UserID, upd.ChannelID, upd.CreateAt = model.NewID(), model.NewID(), 1
		must(t, s.UpdatePost(ctx, &upd))
		sameJSON(t, "GetPost after UpdatePost", get(s.GetPost(ctx, p.ID))(t), p)
		wantErr(t, "UpdatePost of nothing", s.UpdatePost(ctx, &model.Post{ID: model.NewID()}), store.ErrNotFound)

		must(t, s.SetHasReactions(ctx, q.ID, true, 400))
		if got := get(s.GetPost(ctx, q.ID))(t); !got.HasReactions || got.UpdateAt != 400 {
			t.Errorf("after SetHasReactions: has %v update_at %d", got.HasReactions, got.UpdateAt)
		}
		wantErr(t, "SetHasReactions of nothing", s.SetHasReactions(ctx, model.NewID(), true, 1), store.ErrNotFound)

		// A deleted post is no retry to de-duplicate.
		must(t, s.DeletePost(ctx, p.ID, 500, u.ID))
		wantErr(t, "GetPostByPendingID of a deleted post", second(s.GetPostByPendingID(ctx, u.ID, p.PendingPostID)), store.ErrNotFound)
	})

	t.Run("Pages", func(t *testing.T) {
		c := f.channel(tm.ID, "O")
		var ps []*model.Post // oldest first; two share a create_at and sort by id
		for _, at := range []int64{10, 20, 20, 30, 40} {
			ps = append(ps, f.post(c.ID, u.ID, at))
		}
		if ps[1].ID > ps[2].ID {
			ps[1], ps[2] = ps[2], ps[1]
		}
		gone := f.post(c.ID, u.ID, 35, func(p *model.Post) { p.DeleteAt = 50; p.UpdateAt = 50 })
		newest := []string{ps[4].ID, ps[3].ID, ps[2].ID, ps[1].ID, ps[0].ID}
		sameIDs(t, "ChannelPosts, live, newest first", postIDs(get(s.ChannelPosts(ctx, c.ID, store.Page{Limit: 10}))(t)), newest)
		sameIDs(t, "ChannelPosts page 2", postIDs(get(s.ChannelPosts(ctx, c.ID, store.Page{Offset: 2, Limit: 2}))(t)), newest[2:4])
		sameIDs(t, "ChannelPosts without limit", postIDs(get(s.ChannelPosts(ctx, c.ID, store.Page{}))(t)), newest)
		sameIDs(t, "PostsBefore the second at 20", postIDs(get(s.PostsBefore(ctx, c.ID, 20, ps[2].ID, store.Page{Limit: 10}))(t)), newest[3:])
		sameIDs(t, "PostsBefore paged", postIDs(get(s.PostsBefore(ctx, c.ID, 40, ps[4].ID, store.Page{Offset: 1, Limit: 2}))(t)), newest[2:4])
		sameIDs(t, "PostsAfter the first at 20, newest first", postIDs(get(s.PostsAfter(ctx, c.ID, 20, ps[1].ID, store.Page{Limit: 10}))(t)), newest[:3])
		sameIDs(t, "PostsAfter limited: the nearest ones", postIDs(get(s.PostsAfter(ctx, c.ID, 10, ps[0].ID, store.Page{Limit: 2}))(t)), newest[2:4])
		sameIDs(t, "PostsFrom 20, oldest first", postIDs(get(s.PostsFrom(ctx, c.ID, 20))(t)), []string{ps[1].ID, ps[2].ID, ps[3].ID, ps[4].ID})
		sameIDs(t, "PostsSince 30, deleted too", postIDs(get(s.PostsSince(ctx, c.ID, 30, 10))(t)), []string{ps[4].ID, gone.ID})
		sameIDs(t, "PostsSince limited", postIDs(get(s.PostsSince(ctx, c.ID, 0, 1))(t)), []string{ps[4].ID})
		at := make([]int64, 0)
		for _, p := range get(s.PostsAt(ctx, c.ID, []int64{20, 35, 99}))(t) {
			at = append(at, p.CreateAt)
		}
		if len(at) != 3 {
			t.Errorf("PostsAt 20, 35, 99: create times %v, want the two at 20 and the deleted one at 35", at)
		}
	})

	// Deep offsets are answered from boundary posts a few hundred apart
	// (sqlstore's pageIndex): every page must be the plain offset's, also
	// after the changes that move the boundaries' ranks.
	t.Run("DeepPages", func(t *testing.T) {
		c := f.channel(tm.ID, "O")
		var batch []*model.Post
		for i := range 1300 {
			// Pairs share a create_at, so the order also goes by id.
			p := &model.Post{ID: model.NewID(), CreateAt: int64(1000 + i/2*10), UserID: u.ID, ChannelID: c.ID, Message: "deep"}
			p.UpdateAt = p.CreateAt
			p.PreCommit()
			batch = append(batch, p)
		}
		must(t, s.BulkInsertPosts(ctx, batch))
		samePages := func(what string) {
			t.Helper()
			all := postIDs(get(s.ChannelPosts(ctx, c.ID, store.Page{}))(t))
			for _, limit := range []int{60, 1} {
				for off := 0; off <= len(all)+limit; off += 37 {
					want := all[min(off, len(all)):min(off+limit, len(all))]
					got := postIDs(get(s.ChannelPosts(ctx, c.ID, store.Page{Offset: off, Limit: limit}))(t))
					if !slices.Equal(got, want) {
						t.Fatalf("%s: page at offset %d of %d, limit %d: got %d posts %v…, want %d %v…",
							what, off, len(all), limit, len(got), head(got), len(want), head(want))
					}
				}
			}
		}
		samePages("filled")
		samePages("read again")
		f.post(c.ID, u.ID, 99_999)
		samePages("after an appended post")
		must(t, s.DeletePost(ctx, batch[10].ID, 50_000, u.ID))
		must(t, s.DeletePost(ctx, batch[700].ID, 50_000, u.ID))
		samePages("after deletes")
		undone := *batch[10]
		undone.DeleteAt, undone.UpdateAt = 0, 60_000
		must(t, s.UpdatePost(ctx, &undone))
		samePages("after an undelete")
		f.post(c.ID, u.ID, 1005)
		f.post(c.ID, u.ID, 1)
		samePages("after out-of-order inserts")
		f.post(c.ID, u.ID, 2000, func(p *model.Post) { p.DeleteAt = 2001 })
		samePages("after a deleted post's insert")
		must(t, s.DeletePostsPermanently(ctx, []string{batch[300].ID, batch[1200].ID}))
		samePages("after permanent deletes")
		for i := range 3 {
			f.post(c.ID, u.ID, int64(100_000+i))
		}
		samePages("after more appended posts")
	})

	t.Run("ThreadsAndDeletes", func(t *testing.T) {
		c := f.channel(tm.ID, "O")
		root := f.post(c.ID, u.ID, 10)
		r1 := f.post(c.ID, u.ID, 20, func(p *model.Post) { p.RootID = root.ID })
		r2 := f.post(c.ID, u.ID, 30, func(p *model.Post) { p.RootID = root.ID })
		other := f.post(c.ID, u.ID, 15)
		must(t, s.UpdateThreadStats(ctx, root.ID, 40))
		got := get(s.GetPost(ctx, root.ID))(t)
		if got.ReplyCount != 2 || got.LastReplyAt != 30 || got.UpdateAt != 40 {
			t.Errorf("after UpdateThreadStats: replies %d last %d update_at %d, want 2 30 40", got.ReplyCount, got.LastReplyAt, got.UpdateAt)
		}
		sameIDs(t, "Thread, newest first", postIDs(get(s.Thread(ctx, root.ID))(t)), []string{r2.ID, r1.ID, root.ID})
		sameIDs(t, "Threads", postIDs(get(s.Threads(ctx, []string{root.ID, other.ID}, nil))(t)), []string{r2.ID, r1.ID, other.ID, root.ID})
		sameIDs(t, "Threads of none", postIDs(get(s.Threads(ctx, nil, nil))(t)), nil)
		// A page of other and r1 (newest first) leaves out both ends and what lies between.
		page := []*model.Post{r1, other}
		sameIDs(t, "Threads less a page", postIDs(get(s.Threads(ctx, []string{root.ID, other.ID}, page))(t)), []string{r2.ID, root.ID})
		sameIDs(t, "Threads less a one-post page", postIDs(get(s.Threads(ctx, []string{root.ID}, []*model.Post{r2}))(t)), []string{r1.ID, root.ID})

		must(t, s.DeletePost(ctx, r2.ID, 50, u.ID))
		must(t, s.UpdateThreadStats(ctx, root.ID, 50))
		if got := get(s.GetPost(ctx, root.ID))(t); got.ReplyCount != 1 || got.LastReplyAt != 20 {
			t.Errorf("after a reply is deleted: replies %d last %d, want 1 20", got.ReplyCount, got.LastReplyAt)
		}
		wantErr(t, "DeletePost again", s.DeletePost(ctx, r2.ID, 60, u.ID), store.ErrNotFound)
		// Deleting a root deletes its replies.
		must(t, s.DeletePost(ctx, root.ID, 70, u.ID))
		got = get(s.GetPost(ctx, r1.ID))(t)
		if got.DeleteAt != 70 || got.UpdateAt != 70 {
			t.Errorf("reply of a deleted root: delete_at %d update_at %d, want 70", got.DeleteAt, got.UpdateAt)
		}
		sameIDs(t, "Thread of a deleted root", postIDs(get(s.Thread(ctx, root.ID))(t)), nil)
		sameIDs(t, "ChannelPosts after deletes", postIDs(get(s.ChannelPosts(ctx, c.ID, store.Page{Limit: 10}))(t)), []string{other.ID})
	})

	t.Run("PinnedFlaggedAutoResponse", func(t *testing.T) {
		c := f.channel(tm.ID, "O")
		p1 := f.post(c.ID, u.ID, 10, func(p *model.Post) { p.IsPinned = true })
		p2 := f.post(c.ID, u.ID, 20, func(p *model.Post) { p.IsPinned = true })
		f.post(c.ID, u.ID, 30)
		sameIDs(t, "PinnedPosts", postIDs(get(s.PinnedPosts(ctx, c.ID))(t)), []string{p2.ID, p1.ID})
		if n := get(s.CountPinnedPosts(ctx, c.ID))(t); n != 2 {
			t.Errorf("CountPinnedPosts = %d, want 2", n)
		}
		// A deleted post is unpinned.
		must(t, s.DeletePost(ctx, p1.ID, 40, u.ID))
		if got := get(s.GetPost(ctx, p1.ID))(t); got.IsPinned {
			t.Error("a deleted post stays pinned")
		}
		if n := get(s.CountPinnedPosts(ctx, c.ID))(t); n != 1 {
			t.Errorf("CountPinnedPosts after a delete = %d, want 1", n)
		}

		flagger := f.user()
		otherTeam := f.channel(f.team().ID, "O")
		dm := f.channel("", "D")
		q := f.post(otherTeam.ID, u.ID, 50)
		d := f.post(dm.ID, u.ID, 60)
		unflagged := f.post(c.ID, u.ID, 70)
		must(t, s.SavePreferences(ctx, []model.Preference{
			{UserID: flagger.ID, Category: "flagged_post", Name: p2.ID, Value: "true"},
			{UserID: flagger.ID, Category: "flagged_post", Name: q.ID, Value: "true"},
			{UserID: flagger.ID, Category: "flagged_post", Name: d.ID, Value: "true"},
			{UserID: flagger.ID, Category: "flagged_post", Name: unflagged.ID, Value: "false"},
			{UserID: flagger.ID, Category: "flagged_post", Name: p1.ID, Value: "true"},
		}))
		all := store.Page{Limit: 10}
		sameIDs(t, "FlaggedPosts, live, newest first", postIDs(get(s.FlaggedPosts(ctx, flagger.ID, "", "", all))(t)), []string{d.ID, q.ID, p2.ID})
		sameIDs(t, "FlaggedPosts paged", postIDs(get(s.FlaggedPosts(ctx, flagger.ID, "", "", store.Page{Offset: 1, Limit: 1}))(t)), []string{q.ID})
		sameIDs(t, "FlaggedPosts in a team, DMs too", postIDs(get(s.FlaggedPosts(ctx, flagger.ID, tm.ID, "", all))(t)), []string{d.ID, p2.ID})
		sameIDs(t, "FlaggedPosts in a channel", postIDs(get(s.FlaggedPosts(ctx, flagger.ID, tm.ID, otherTeam.ID, all))(t)), []string{q.ID})
		fb := get(s.FlaggedBy(ctx, []string{p2.ID, unflagged.ID}))(t)
		sameIDs(t, "FlaggedBy", fb[p2.ID], []string{flagger.ID})
		if len(fb[unflagged.ID]) != 0 {
			t.Errorf("FlaggedBy of a post flagged false: %v", fb[unflagged.ID])
		}

		bot := f.user()
		if get(s.HasAutoResponseSince(ctx, dm.ID, bot.ID, 0))(t) {
			t.Error("HasAutoResponseSince without one")
		}
		f.post(dm.ID, bot.ID, 100, func(p *model.Post) { p.Type = model.PostTypeAutoResponder })
		for _, c := range []struct {
			since int64
			want  bool
		}{{100, true}, {101, false}} {
			if got := get(s.HasAutoResponseSince(ctx, dm.ID, bot.ID, c.since))(t); got != c.want {
				t.Errorf("HasAutoResponseSince(%d) = %v, want %v", c.since, got, c.want)
			}
		}
	})
}

func testReactions(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	c := f.channel(f.team().ID, "O")
	a, b := f.user(), f.user()
	p, q := f.post(c.ID, a.ID, 10), f.post(c.ID, a.ID, 20)
	r1 := &model.Reaction{UserID: b.ID, PostID: p.ID, EmojiName: "smile", CreateAt: 30, UpdateAt: 30, ChannelID: c.ID}
	r2 := &model.Reaction{UserID: a.ID, PostID: p.ID, EmojiName: "tada", CreateAt: 20, UpdateAt: 20, ChannelID: c.ID}
	r3 := &model.Reaction{UserID: a.ID, PostID: q.ID, EmojiName: "smile", CreateAt: 40, UpdateAt: 40, ChannelID: c.ID}
	for _, r := range []*model.Reaction{r1, r2, r3} {
		must(t, s.SaveReaction(ctx, r))
	}
	// Saving it again keeps the first.
	again := *r1
	again.CreateAt = 99
	must(t, s.SaveReaction(ctx, &again))
	sameJSON(t, "ListReactions, oldest first", get(s.ListReactions(ctx, p.ID))(t), []*model.Reaction{r2, r1})
	none := f.post(c.ID, a.ID, 50)
	sameJSON(t, "ListReactionsForPosts", get(s.ListReactionsForPosts(ctx, []string{p.ID, q.ID, none.ID}))(t),
		map[string][]*model.Reaction{p.ID: {r2, r1}, q.ID: {r3}, none.ID: {}})
	sameJSON(t, "ListReactionsForPosts of none", get(s.ListReactionsForPosts(ctx, nil))(t), map[string][]*model.Reaction{})

	if !get(s.DeleteReaction(ctx, p.ID, b.ID, "smile"))(t) {
		t.Error("DeleteReaction of a reaction reported none")
	}
	if get(s.DeleteReaction(ctx, p.ID, b.ID, "smile"))(t) {
		t.Error("DeleteReaction of a deleted reaction reported one")
	}
	sameJSON(t, "ListReactions after a delete", get(s.ListReactions(ctx, p.ID))(t), []*model.Reaction{r2})

	// In bulk, existing reactions stay as they are.
	r4 := &model.Reaction{UserID: b.ID, PostID: q.ID, EmojiName: "+1", CreateAt: 50, UpdateAt: 50, ChannelID: c.ID}
	changed := *r3
	changed.CreateAt = 1
	must(t, s.BulkSaveReactions(ctx, []*model.Reaction{&changed, r4}))
	sameJSON(t, "after BulkSaveReactions", get(s.ListReactions(ctx, q.ID))(t), []*model.Reaction{r3, r4})
	must(t, s.BulkSaveReactions(ctx, nil))
	sameSet(t, "UserReactions", ids(get(s.UserReactions(ctx, a.ID))(t), func(r *model.Reaction) string { return r.PostID + r.EmojiName }),
		[]string{p.ID + "tada", q.ID + "smile"})
}

// head is the start of a long list of ids, for a failure's message.
func head(ids []string) []string { return ids[:min(len(ids), 3)] }
