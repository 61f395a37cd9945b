package storetest

import (
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// reply saves a reply and does what the app does after: thread stats, then
// the thread's memberships.
func (f *fixture) reply(root *model.Post, teamID string, author *model.User, at int64, mentioned ...string) *model.Post {
	f.t.Helper()
	p := f.post(root.ChannelID, author.ID, at, func(p *model.Post) { p.RootID = root.ID })
	must(f.t, f.s.UpdateThreadStats(f.ctx, root.ID, at))
	must(f.t, f.s.ThreadReplied(f.ctx, store.ThreadReply{RootID: root.ID, ChannelID: root.ChannelID, TeamID: teamID, At: at,
		RootAuthorID: root.UserID, ReplierID: author.ID, MentionedIDs: mentioned}))
	return p
}

func threadIDs(ts []*model.UserThread) []string {
	return ids(ts, func(t *model.UserThread) string { return t.PostID })
}

func testThreads(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	tm := f.team()
	c := f.channel(tm.ID, "O")
	dm := f.channel("", "D")

	t.Run("Replies", func(t *testing.T) {
		ann, bob, cat := f.user(), f.user(), f.user()
		root := f.post(c.ID, ann.ID, 100)
		wantErr(t, "GetThreadMembership of a root without replies", second(s.GetThreadMembership(ctx, root.ID, ann.ID)), store.ErrNotFound)
		f.reply(root, tm.ID, bob, 200, cat.ID)
		f.reply(root, tm.ID, bob, 300, cat.ID)
		sameJSON(t, "the root author's membership", get(s.GetThreadMembership(ctx, root.ID, ann.ID))(t),
			&model.ThreadMembership{PostID: root.ID, UserID: ann.ID, Following: true, LastUpdated: 200})
		sameJSON(t, "the replier's", get(s.GetThreadMembership(ctx, root.ID, bob.ID))(t),
			&model.ThreadMembership{PostID: root.ID, UserID: bob.ID, Following: true, LastViewed: 300, LastUpdated: 300})
		sameJSON(t, "the mentioned one's", get(s.GetThreadMembership(ctx, root.ID, cat.ID))(t),
			&model.ThreadMembership{PostID: root.ID, UserID: cat.ID, Following: true, LastUpdated: 300, UnreadMentions: 2})
		sameIDs(t, "ThreadFollowers", get(s.ThreadFollowers(ctx, root.ID))(t), sorted([]string{ann.ID, bob.ID, cat.ID}))

		ut := get(s.UserThread(ctx, root.ID, ann.ID))(t)
		if ut.ChannelID != c.ID || ut.TeamID != tm.ID || ut.LastReplyAt != 300 || ut.UnreadReplies != 2 || !ut.Following {
			t.Errorf("UserThread = %+v", ut)
		}
		wantErr(t, "UserThread of a non-member", second(s.UserThread(ctx, root.ID, f.user().ID)), store.ErrNotFound)

		// An unfollow holds against others' replies, not against one's own.
		must(t, s.SetThreadFollowing(ctx, root.ID, c.ID, tm.ID, ann.ID, false, 350))
		f.reply(root, tm.ID, bob, 400)
		if m := get(s.GetThreadMembership(ctx, root.ID, ann.ID))(t); m.Following || m.LastUpdated != 350 {
			t.Errorf("after an unfollow and a reply: %+v", m)
		}
		sameIDs(t, "ThreadFollowers after an unfollow", get(s.ThreadFollowers(ctx, root.ID))(t), sorted([]string{bob.ID, cat.ID}))
		f.reply(root, tm.ID, ann, 500)
		if m := get(s.GetThreadMembership(ctx, root.ID, ann.ID))(t); !m.Following || m.LastViewed != 500 {
			t.Errorf("after replying oneself: %+v", m)
		}
		sameJSON(t, "ThreadParticipants, by first reply", get(s.ThreadParticipants(ctx, []string{root.ID}))(t), map[string][]string{root.ID: {bob.ID, ann.ID}})
		sameJSON(t, "ThreadParticipants of none", get(s.ThreadParticipants(ctx, nil))(t), map[string][]string{})

		// Following a thread one never was in starts it read up to then.
		dan := f.user()
		must(t, s.SetThreadFollowing(ctx, root.ID, c.ID, tm.ID, dan.ID, true, 600))
		if ut := get(s.UserThread(ctx, root.ID, dan.ID))(t); !ut.Following || ut.LastViewed != 600 || ut.LastReplyAt != 500 || ut.UnreadReplies != 0 {
			t.Errorf("a new follower's thread: %+v", ut)
		}
		// Reading does not follow.
		eve := f.user()
		must(t, s.SetThreadRead(ctx, root.ID, c.ID, tm.ID, eve.ID, 250, 1, 700))
		sameJSON(t, "after SetThreadRead of a non-member", get(s.GetThreadMembership(ctx, root.ID, eve.ID))(t),
			&model.ThreadMembership{PostID: root.ID, UserID: eve.ID, LastViewed: 250, LastUpdated: 700, UnreadMentions: 1})
		if ut := get(s.UserThread(ctx, root.ID, eve.ID))(t); ut.UnreadReplies != 3 {
			t.Errorf("unread replies after 250: %d, want 3", ut.UnreadReplies)
		}
		must(t, s.SetThreadRead(ctx, root.ID, c.ID, tm.ID, cat.ID, 500, 0, 800))
		if m := get(s.GetThreadMembership(ctx, root.ID, cat.ID))(t); !m.Following || m.LastViewed != 500 || m.UnreadMentions != 0 {
			t.Errorf("a follower after SetThreadRead: %+v", m)
		}
	})

	t.Run("ListsAndTotals", func(t *testing.T) {
		me, other := f.user(), f.user()
		otherTeam := f.team()
		oc := f.channel(otherTeam.ID, "O")
		r1 := f.post(c.ID, me.ID, 10)
		r2 := f.post(dm.ID, me.ID, 20)
		r3 := f.post(c.ID, me.ID, 30)
		r4 := f.post(oc.ID, me.ID, 40)
		f.reply(r1, tm.ID, other, 100, me.ID)
		f.reply(r2, "", other, 200)
		f.reply(r3, tm.ID, other, 300)
		f.reply(r4, otherTeam.ID, other, 400)
		all := store.ThreadQuery{Page: store.Page{Limit: 10}}
		list := func(q store.ThreadQuery) []string { return threadIDs(get(s.UserThreads(ctx, me.ID, tm.ID, q))(t)) }
		sameIDs(t, "UserThreads: the team's and DMs', last reply first", list(all), []string{r3.ID, r2.ID, r1.ID})
		sameIDs(t, "UserThreads paged", list(store.ThreadQuery{Page: store.Page{Offset: 1, Limit: 1}}), []string{r2.ID})
		sameIDs(t, "UserThreads before a thread", list(store.ThreadQuery{Before: r3.ID, Page: all.Page}), []string{r2.ID, r1.ID})
		sameIDs(t, "UserThreads after a thread", list(store.ThreadQuery{After: r1.ID, Page: all.Page}), []string{r3.ID, r2.ID})
		sameIDs(t, "UserThreads since 250", list(store.ThreadQuery{Since: 250, Page: all.Page}), []string{r3.ID})

		totals := get(s.UserThreadTotals(ctx, me.ID, tm.ID))(t)
		if totals != (model.ThreadTotals{Total: 3, TotalUnreadThreads: 3, TotalUnreadMentions: 1}) {
			t.Errorf("UserThreadTotals = %+v", totals)
		}
		byTeam := get(s.TeamThreadTotals(ctx, me.ID))(t)
		want := map[string]model.ThreadTotals{tm.ID: {Total: 2, TotalUnreadThreads: 2, TotalUnreadMentions: 1},
			"": {Total: 1, TotalUnreadThreads: 1}, otherTeam.ID: {Total: 1, TotalUnreadThreads: 1}}
		sameJSON(t, "TeamThreadTotals", byTeam, want)

		must(t, s.MarkChannelThreadsRead(ctx, me.ID, []string{c.ID}, 350))
		must(t, s.MarkChannelThreadsRead(ctx, me.ID, nil, 350))
		sameIDs(t, "unread UserThreads after MarkChannelThreadsRead", list(store.ThreadQuery{Unread: true, Page: all.Page}), []string{r2.ID})
		if m := get(s.GetThreadMembership(ctx, r1.ID, me.ID))(t); m.LastViewed != 350 || m.UnreadMentions != 0 || m.LastUpdated != 350 {
			t.Errorf("after MarkChannelThreadsRead: %+v", m)
		}
		must(t, s.MarkTeamThreadsRead(ctx, me.ID, tm.ID, 450))
		sameIDs(t, "unread UserThreads after MarkTeamThreadsRead", list(store.ThreadQuery{Unread: true, Page: all.Page}), nil)
		if got := get(s.UserThreadTotals(ctx, me.ID, otherTeam.ID))(t); got.TotalUnreadThreads != 1 {
			t.Errorf("MarkTeamThreadsRead marked another team's thread read: %+v", got)
		}

		must(t, s.DeletePost(ctx, r3.ID, 500, me.ID))
		sameIDs(t, "UserThreads leave deleted roots out", list(all), []string{r2.ID, r1.ID})
		sameIDs(t, "UserThreads with deleted roots", list(store.ThreadQuery{Deleted: true, Page: all.Page}), []string{r3.ID, r2.ID, r1.ID})
		if got := get(s.UserThreadTotals(ctx, me.ID, tm.ID))(t); got.Total != 2 {
			t.Errorf("UserThreadTotals counts a deleted root: %+v", got)
		}
	})

	t.Run("Import", func(t *testing.T) {
		a, b, c2 := f.user(), f.user(), f.user()
		root := f.post(c.ID, a.ID, 10)
		f.post(c.ID, b.ID, 50, func(p *model.Post) { p.RootID = root.ID })
		must(t, s.UpdateThreadStats(ctx, root.ID, 50))
		ma := &model.ThreadMembership{PostID: root.ID, UserID: a.ID, Following: true, LastViewed: 20, LastUpdated: 30, UnreadMentions: 2}
		mb := &model.ThreadMembership{PostID: root.ID, UserID: b.ID, Following: true, LastViewed: 50, LastUpdated: 50}
		mc := &model.ThreadMembership{PostID: root.ID, UserID: c2.ID, Following: false, LastViewed: 5, LastUpdated: 5}
		for _, m := range []*model.ThreadMembership{ma, mb, mc} {
			must(t, s.SaveThreadMembership(ctx, m, c.ID, tm.ID))
		}
		sameJSON(t, "GetThreadMembership of an imported one", get(s.GetThreadMembership(ctx, root.ID, a.ID))(t), ma)
		if ut := get(s.UserThread(ctx, root.ID, a.ID))(t); ut.LastReplyAt != 50 || ut.UnreadReplies != 1 {
			t.Errorf("an imported membership's thread: last reply %d unread %d, want 50 1", ut.LastReplyAt, ut.UnreadReplies)
		}
		// Saving again replaces it.
		ma.UnreadMentions, ma.LastViewed = 0, 60
		must(t, s.SaveThreadMembership(ctx, ma, c.ID, tm.ID))
		want := []*model.ThreadMembership{ma, mb}
		if b.ID < a.ID {
			want = []*model.ThreadMembership{mb, ma}
		}
		other := f.post(c.ID, a.ID, 70)
		sameJSON(t, "ThreadMemberships: the followers, by user id", get(s.ThreadMemberships(ctx, []string{root.ID, other.ID}))(t),
			map[string][]*model.ThreadMembership{root.ID: want})
		sameJSON(t, "ThreadMemberships of none", get(s.ThreadMemberships(ctx, nil))(t), map[string][]*model.ThreadMembership{})
	})
}
