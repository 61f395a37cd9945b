package sqlstore

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// threadFixture saves a team channel, a DM and the given users.
type threadFixture struct {
	s     *SQLStore
	team  string
	ch    string
	dm    string
	users []*model.User
}

func newThreadFixture(t *testing.T, s *SQLStore, names ...string) *threadFixture {
	t.Helper()
	ctx := context.Background()
	f := &threadFixture{s: s, team: model.NewID(), ch: model.NewID(), dm: model.NewID()}
	must(t, s.SaveTeam(ctx, &model.Team{ID: f.team, Name: "staff", DisplayName: "Staff", Type: "O", InviteID: model.NewID()}))
	must(t, s.SaveChannel(ctx, &model.Channel{ID: f.ch, TeamID: f.team, Type: "O", Name: "town-square", DisplayName: "Town"}))
	must(t, s.SaveChannel(ctx, &model.Channel{ID: f.dm, Type: "D", Name: f.dm}))
	for _, n := range names {
		u := newUser(n)
		must(t, s.SaveUser(ctx, u))
		f.users = append(f.users, u)
	}
	return f
}

// post saves a post (a reply when root is not empty) and, for a reply, what
// the app does: thread stats, then the memberships.
func (f *threadFixture) post(t *testing.T, ch, root string, author *model.User, at int64, mentioned ...string) *model.Post {
	t.Helper()
	ctx := context.Background()
	p := &model.Post{ID: model.NewID(), CreateAt: at, UpdateAt: at, UserID: author.ID, ChannelID: ch, RootID: root, Message: "m"}
	p.PreCommit()
	must(t, f.s.SavePost(ctx, p))
	if root != "" {
		must(t, f.s.UpdateThreadStats(ctx, root, at))
		r, err := f.s.GetPost(ctx, root)
		must(t, err)
		team := f.team
		if ch == f.dm {
			team = ""
		}
		must(t, f.s.ThreadReplied(ctx, store.ThreadReply{RootID: root, ChannelID: ch, TeamID: team, At: at,
			RootAuthorID: r.UserID, ReplierID: author.ID, MentionedIDs: mentioned}))
	}
	return p
}

func threadIDs(ts []*model.UserThread) []string {
	out := []string{}
	for _, t := range ts {
		out = append(out, t.PostID)
	}
	return out
}

// The root author, repliers and the mentioned follow; unread replies and
// mentions count from the last view; an unfollow holds against later
// replies of others but not against the user's own reply.
func TestThreadMemberships(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		f := newThreadFixture(t, s, "ann", "bob", "cat", "dan")
		ann, bob, cat, dan := f.users[0], f.users[1], f.users[2], f.users[3]
		root := f.post(t, f.ch, "", ann, 100)
		if _, err := s.GetThreadMembership(ctx, root.ID, ann.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a root without replies is no thread: %v", err)
		}
		f.post(t, f.ch, root.ID, bob, 200, cat.ID)
		f.post(t, f.ch, root.ID, bob, 300, cat.ID)
		if got, err := s.ThreadFollowers(ctx, root.ID); err != nil || !slices.Equal(got, sortedIDs(ann, bob, cat)) {
			t.Fatalf("followers = %v, %v", got, err)
		}
		at, err := s.UserThread(ctx, root.ID, ann.ID)
		must(t, err)
		if !at.Following || at.UnreadReplies != 2 || at.UnreadMentions != 0 || at.LastReplyAt != 300 || at.TeamID != f.team {
			t.Fatalf("ann's thread = %+v", at)
		}
		ct, err := s.UserThread(ctx, root.ID, cat.ID)
		must(t, err)
		if ct.UnreadMentions != 2 || ct.UnreadReplies != 2 {
			t.Fatalf("cat's thread = %+v", ct)
		}
		bt, err := s.UserThread(ctx, root.ID, bob.ID)
		must(t, err)
		if bt.UnreadReplies != 0 || bt.LastViewed != 300 {
			t.Fatalf("the replier has read up to their reply: %+v", bt)
		}
		if _, err := s.UserThread(ctx, root.ID, dan.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("dan has no membership: %v", err)
		}

		must(t, s.SetThreadRead(ctx, root.ID, f.ch, f.team, cat.ID, 250, 1, 400))
		ct, err = s.UserThread(ctx, root.ID, cat.ID)
		must(t, err)
		if ct.UnreadReplies != 1 || ct.UnreadMentions != 1 || ct.LastViewed != 250 || ct.LastUpdated != 400 {
			t.Fatalf("cat after reading to 250 = %+v", ct)
		}

		must(t, s.SetThreadFollowing(ctx, root.ID, f.ch, f.team, ann.ID, false, 500))
		f.post(t, f.ch, root.ID, cat, 600)
		if m, err := s.GetThreadMembership(ctx, root.ID, ann.ID); err != nil || m.Following {
			t.Fatalf("an unfollow holds against others' replies: %+v, %v", m, err)
		}
		f.post(t, f.ch, root.ID, ann, 700)
		if m, err := s.GetThreadMembership(ctx, root.ID, ann.ID); err != nil || !m.Following || m.LastViewed != 700 {
			t.Fatalf("replying follows again: %+v, %v", m, err)
		}

		must(t, s.SetThreadFollowing(ctx, root.ID, f.ch, f.team, dan.ID, true, 800))
		if dt, err := s.UserThread(ctx, root.ID, dan.ID); err != nil || !dt.Following || dt.LastReplyAt != 700 || dt.UnreadReplies != 0 {
			t.Fatalf("following by hand: %+v, %v", dt, err)
		}

		parts, err := s.ThreadParticipants(ctx, []string{root.ID})
		must(t, err)
		if want := []string{bob.ID, cat.ID, ann.ID}; !slices.Equal(parts[root.ID], want) {
			t.Fatalf("participants = %v, want %v (order of first reply)", parts[root.ID], want)
		}
	})
}

func sortedIDs(us ...*model.User) []string {
	out := []string{}
	for _, u := range us {
		out = append(out, u.ID)
	}
	slices.Sort(out)
	return out
}

// A user's list: team threads and DM threads, newest reply first, with
// cursors, the unread and since filters, deleted roots left out unless asked
// for, totals, and marking read by team and by channel.
func TestUserThreadsList(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		f := newThreadFixture(t, s, "ann", "bob")
		ann, bob := f.users[0], f.users[1]
		var roots []*model.Post
		for i := range 4 {
			ch := f.ch
			if i == 3 {
				ch = f.dm
			}
			r := f.post(t, ch, "", ann, int64(100+i))
			f.post(t, ch, r.ID, bob, int64(1000+100*i), ann.ID)
			roots = append(roots, r)
		}
		// Newest reply first: roots[3] (DM), [2], [1], [0].
		all, err := s.UserThreads(ctx, ann.ID, f.team, store.ThreadQuery{Page: store.Page{Limit: 30}})
		must(t, err)
		if got, want := threadIDs(all), []string{roots[3].ID, roots[2].ID, roots[1].ID, roots[0].ID}; !slices.Equal(got, want) {
			t.Fatalf("list = %v, want %v", got, want)
		}
		if all[0].UnreadReplies != 1 || all[0].UnreadMentions != 1 || all[0].TeamID != "" {
			t.Fatalf("the DM thread = %+v", all[0])
		}
		page, err := s.UserThreads(ctx, ann.ID, f.team, store.ThreadQuery{Before: roots[2].ID, Page: store.Page{Limit: 1}})
		must(t, err)
		if got := threadIDs(page); !slices.Equal(got, []string{roots[1].ID}) {
			t.Fatalf("before %s = %v", roots[2].ID, got)
		}
		page, err = s.UserThreads(ctx, ann.ID, f.team, store.ThreadQuery{After: roots[1].ID, Page: store.Page{Limit: 30}})
		must(t, err)
		if got := threadIDs(page); !slices.Equal(got, []string{roots[3].ID, roots[2].ID}) {
			t.Fatalf("after = %v", got)
		}
		page, err = s.UserThreads(ctx, ann.ID, f.team, store.ThreadQuery{Since: 1150, Page: store.Page{Limit: 30}})
		must(t, err)
		if got := threadIDs(page); !slices.Equal(got, []string{roots[3].ID, roots[2].ID}) {
			t.Fatalf("since 1150 = %v", got)
		}

		tot, err := s.UserThreadTotals(ctx, ann.ID, f.team)
		must(t, err)
		if tot != (model.ThreadTotals{Total: 4, TotalUnreadThreads: 4, TotalUnreadMentions: 4}) {
			t.Fatalf("totals = %+v", tot)
		}
		byTeam, err := s.TeamThreadTotals(ctx, ann.ID)
		must(t, err)
		if byTeam[f.team].Total != 3 || byTeam[""].Total != 1 {
			t.Fatalf("per team = %+v", byTeam)
		}

		must(t, s.MarkChannelThreadsRead(ctx, ann.ID, []string{f.dm}, 5000))
		unread, err := s.UserThreads(ctx, ann.ID, f.team, store.ThreadQuery{Unread: true, Page: store.Page{Limit: 30}})
		must(t, err)
		if got := threadIDs(unread); !slices.Equal(got, []string{roots[2].ID, roots[1].ID, roots[0].ID}) {
			t.Fatalf("unread after reading the DM = %v", got)
		}

		must(t, s.DeletePost(ctx, roots[0].ID, 6000, ann.ID))
		must(t, s.UpdateThreadStats(ctx, roots[0].ID, 6000))
		live, err := s.UserThreads(ctx, ann.ID, f.team, store.ThreadQuery{Page: store.Page{Limit: 30}})
		must(t, err)
		withDeleted, err := s.UserThreads(ctx, ann.ID, f.team, store.ThreadQuery{Deleted: true, Page: store.Page{Limit: 30}})
		must(t, err)
		if len(live) != 3 || len(withDeleted) != 4 {
			t.Fatalf("deleted root: %d live, %d with deleted", len(live), len(withDeleted))
		}

		must(t, s.MarkTeamThreadsRead(ctx, ann.ID, f.team, 7000))
		if tot, err = s.UserThreadTotals(ctx, ann.ID, f.team); err != nil || tot != (model.ThreadTotals{Total: 3}) {
			t.Fatalf("totals after marking all read = %+v, %v", tot, err)
		}
		if bt, err := s.UserThreadTotals(ctx, bob.ID, f.team); err != nil || bt.Total != 3 || bt.TotalUnreadThreads != 0 {
			t.Fatalf("bob's totals = %+v, %v", bt, err)
		}
	})
}
