package sqlstore

import (
	"context"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Every membership write keeps channel_member_history: a new member opens a
// stay, an update does not, and each kind of delete closes the open stays.
func TestChannelMemberHistory(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		ann, bob := newUser("ann"), newUser("bob")
		must(t, s.SaveUser(ctx, ann))
		must(t, s.SaveUser(ctx, bob))
		team := &model.Team{ID: model.NewID(), Name: "staff", DisplayName: "Staff", Type: "O", InviteID: model.NewID()}
		must(t, s.SaveTeam(ctx, team))
		ch := &model.Channel{ID: model.NewID(), TeamID: team.ID, Type: "O", Name: "town", DisplayName: "Town"}
		must(t, s.SaveChannel(ctx, ch))
		join := func(u *model.User, at int64) {
			must(t, s.SaveChannelMember(ctx, &model.ChannelMember{ChannelID: ch.ID, UserID: u.ID, SchemeUser: true,
				NotifyProps: model.DefaultChannelNotifyProps(), LastUpdateAt: at}))
		}
		join(ann, 100)
		join(ann, 150) // an update of the membership: no new stay
		join(bob, 200)
		must(t, s.DeleteChannelMember(ctx, ch.ID, ann.ID))
		join(ann, model.Now()+1000)
		must(t, s.DeleteTeamChannelMembers(ctx, team.ID, bob.ID))

		hs, err := s.ChannelMemberHistory(ctx, ch.ID, 0, model.Now()+10_000)
		must(t, err)
		if len(hs) != 3 {
			t.Fatalf("%d stays, want 3: %+v", len(hs), hs)
		}
		first, second, third := hs[0], hs[1], hs[2]
		if first.UserID != ann.ID || first.JoinTime != 100 || first.LeaveTime == nil || first.UserEmail != "ann@example.com" ||
			first.Username != "ann" || first.IsBot {
			t.Errorf("ann's first stay: %+v", first)
		}
		if second.UserID != bob.ID || second.JoinTime != 200 || second.LeaveTime == nil {
			t.Errorf("bob's stay (left with the team): %+v", second)
		}
		if third.UserID != ann.ID || third.LeaveTime != nil {
			t.Errorf("ann's second stay, still open: %+v", third)
		}
		// Only stays that overlap the window.
		hs, err = s.ChannelMemberHistory(ctx, ch.ID, 0, 150)
		must(t, err)
		if len(hs) != 1 || hs[0].UserID != ann.ID {
			t.Errorf("window [0,150]: %+v", hs)
		}
		must(t, s.DeleteChannelMembers(ctx, ch.ID))
		hs, err = s.ChannelMemberHistory(ctx, ch.ID, 0, model.Now()+10_000)
		must(t, err)
		for _, h := range hs {
			if h.LeaveTime == nil {
				t.Errorf("open stay after the channel's members were removed: %+v", h)
			}
		}
		must(t, s.DeleteChannelPermanently(ctx, ch.ID))
		hs, err = s.ChannelMemberHistory(ctx, ch.ID, 0, model.Now()+10_000)
		must(t, err)
		if len(hs) != 0 {
			t.Errorf("history outlived its channel: %+v", hs)
		}
	})
}

// ExportPosts reads posts and edited-away versions of a range, system
// messages left out, page by page in (update_at, id) order.
func TestExportPosts(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		ann := newUser("ann")
		must(t, s.SaveUser(ctx, ann))
		team := &model.Team{ID: model.NewID(), Name: "staff", DisplayName: "Staff", Type: "O", InviteID: model.NewID()}
		must(t, s.SaveTeam(ctx, team))
		ch := &model.Channel{ID: model.NewID(), TeamID: team.ID, Type: "O", Name: "town", DisplayName: "Town"}
		quiet := &model.Channel{ID: model.NewID(), TeamID: team.ID, Type: "O", Name: "quiet", DisplayName: "Quiet"}
		must(t, s.SaveChannel(ctx, ch))
		must(t, s.SaveChannel(ctx, quiet))
		post := func(c *model.Channel, at int64, typ, msg string) *model.Post {
			p := &model.Post{ID: model.NewID(), CreateAt: at, UpdateAt: at, UserID: ann.ID, ChannelID: c.ID, Message: msg, Type: typ,
				Props: map[string]any{}, FileIDs: []string{}}
			must(t, s.SavePost(ctx, p))
			return p
		}
		a := post(ch, 1000, "", "first")
		post(ch, 1100, "system_join_channel", "ann joined")
		b := post(ch, 1200, "", "second")
		post(quiet, 5000, "", "outside the range")
		must(t, s.SavePostVersion(ctx, &model.PostVersion{ID: model.NewID(), PostID: a.ID, ChannelID: ch.ID, UserID: ann.ID,
			CreateAt: 1000, EditAt: 1300, Message: "frist", Props: map[string]any{}, FileIDs: []string{}}))
		f := &model.FileInfo{ID: model.NewID(), UserID: ann.ID, ChannelID: ch.ID, PostID: b.ID, CreateAt: 1200, UpdateAt: 1200,
			DeleteAt: 1250, Name: "gone.txt", Size: 1}
		must(t, s.SaveFileInfo(ctx, f))

		chs, err := s.ExportChannels(ctx, 500, 2000)
		must(t, err)
		if len(chs) != 1 || chs[0].ID != ch.ID || chs[0].TeamName != "staff" || chs[0].TeamDisplayName != "Staff" {
			t.Fatalf("channels: %+v", chs)
		}
		n, err := s.CountExportPosts(ctx, 500, 2000)
		must(t, err)
		if n != 3 {
			t.Errorf("count %d, want 3", n)
		}
		var got []*store.ExportPost
		cur := store.ExportCursor{}
		for {
			page, err := s.ExportPosts(ctx, ch.ID, 500, 2000, cur, 2)
			must(t, err)
			got = append(got, page...)
			if len(page) < 2 {
				break
			}
			cur = store.ExportCursor{UpdateAt: page[len(page)-1].UpdateAt, ID: page[len(page)-1].ID}
		}
		if len(got) != 3 || got[0].ID != a.ID || got[1].ID != b.ID || got[2].OriginalID != a.ID || got[2].Message != "frist" ||
			got[2].DeleteAt != 1300 || got[2].UpdateAt != 1300 || got[2].CreateAt != 1000 || got[0].UserEmail != "ann@example.com" {
			t.Fatalf("posts: %+v", got)
		}
		files, err := s.ExportFiles(ctx, []string{b.ID})
		must(t, err)
		if len(files[b.ID]) != 1 || files[b.ID][0].DeleteAt != 1250 {
			t.Errorf("files (deleted ones included): %+v", files)
		}
		authors, err := s.ExportAuthors(ctx, ch.ID, 500, 2000)
		must(t, err)
		if len(authors) != 1 || authors[0].UserID != ann.ID || authors[0].Username != "ann" {
			t.Errorf("authors: %+v", authors)
		}
		vs, err := s.PostVersions(ctx, a.ID)
		must(t, err)
		if len(vs) != 1 || vs[0].Message != "frist" {
			t.Errorf("versions: %+v", vs)
		}
	})
}
