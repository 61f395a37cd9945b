package storetest

import (
	"reflect"
	"slices"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func testChannels(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	all := store.Page{Limit: 1000}

	t.Run("RoundTripAndLookups", func(t *testing.T) {
		tm := f.team()
		c := f.channel(tm.ID, "P", func(c *model.Channel) {
			c.Header, c.Purpose, c.CreatorID = "head", "purpose", model.NewID()
			c.Props = map[string]any{"k": "v"}
			c.LastPostAt, c.TotalMsgCount, c.TotalMsgCountRoot, c.LastRootPostAt = 5, 4, 3, 2
		})
		sameJSON(t, "GetChannel", get(s.GetChannel(ctx, c.ID))(t), c)
		sameJSON(t, "GetChannelByName", get(s.GetChannelByName(ctx, tm.ID, c.Name, false))(t), c)
		wantErr(t, "GetChannel of nothing", second(s.GetChannel(ctx, model.NewID())), store.ErrNotFound)
		wantErr(t, "GetChannelByName in another team", second(s.GetChannelByName(ctx, f.team().ID, c.Name, false)), store.ErrNotFound)
		dup := *c
		dup.ID = model.NewID()
		wantErr(t, "SaveChannel with a taken name in the team", s.SaveChannel(ctx, &dup), store.ErrConflict)
		f.channel(f.team().ID, "O", func(o *model.Channel) { o.Name = c.Name }) // another team may

		// Counters are not UpdateChannel's to change.
		c.DisplayName, c.Header, c.Purpose, c.UpdateAt, c.Props = "Renamed", "h2", "p2", c.UpdateAt+1, map[string]any{"x": "y"}
		upd := *c
		upd.TotalMsgCount, upd.LastPostAt = 99, 99
		must(t, s.UpdateChannel(ctx, &upd))
		sameJSON(t, "GetChannel after UpdateChannel", get(s.GetChannel(ctx, c.ID))(t), c)
		wantErr(t, "UpdateChannel of nothing", s.UpdateChannel(ctx, &model.Channel{ID: model.NewID(), Name: name("x")}), store.ErrNotFound)

		c.DeleteAt = 9
		must(t, s.UpdateChannel(ctx, c))
		wantErr(t, "GetChannelByName of an archived channel", second(s.GetChannelByName(ctx, tm.ID, c.Name, false)), store.ErrNotFound)
		sameJSON(t, "GetChannelByName with archived ones", get(s.GetChannelByName(ctx, tm.ID, c.Name, true))(t), c)
	})

	t.Run("Lists", func(t *testing.T) {
		tm, other := f.team(), f.team()
		disp := func(d string) func(*model.Channel) { return func(c *model.Channel) { c.DisplayName = d } }
		pubB := f.channel(tm.ID, "O", disp("b public"))
		pubA := f.channel(tm.ID, "O", disp("a public"))
		pubGone := f.channel(tm.ID, "O", disp("c public"), func(c *model.Channel) { c.DeleteAt = 3 })
		priv := f.channel(tm.ID, "P", disp("d private"))
		privGone := f.channel(tm.ID, "P", disp("e private"), func(c *model.Channel) { c.DeleteAt = 3 })
		elsewhere := f.channel(other.ID, "O", disp("a elsewhere"))
		dm := f.channel("", "D", disp("a dm"))
		umlaut := f.channel(tm.ID, "O", disp("Ölhafen"))

		sameIDs(t, "ListPublicChannels", channelIDs(get(s.ListPublicChannels(ctx, tm.ID, false, all))(t)), []string{pubA.ID, pubB.ID, umlaut.ID})
		sameIDs(t, "ListPublicChannels paged", channelIDs(get(s.ListPublicChannels(ctx, tm.ID, false, store.Page{Offset: 1, Limit: 1}))(t)), []string{pubB.ID})
		sameIDs(t, "ListPublicChannels archived", channelIDs(get(s.ListPublicChannels(ctx, tm.ID, true, all))(t)), []string{pubGone.ID})
		sameIDs(t, "ListPrivateChannels", channelIDs(get(s.ListPrivateChannels(ctx, tm.ID, all))(t)), []string{priv.ID})
		sameIDs(t, "ListTeamChannels, archived too", sorted(channelIDs(get(s.ListTeamChannels(ctx, tm.ID))(t))),
			sorted([]string{pubA.ID, pubB.ID, pubGone.ID, priv.ID, privGone.ID, umlaut.ID}))

		for _, c := range []struct {
			what, term string
			archived   bool
			limit      int
			want       []string
		}{
			{"by display name, anywhere", "PUBLIC", false, 10, []string{pubA.ID, pubB.ID}},
			{"private too", "private", false, 10, []string{priv.ID}},
			{"archived", " p", true, 10, []string{pubGone.ID, privGone.ID}},
			{"limited", "public", false, 1, []string{pubA.ID}},
			{"by name", pubB.Name, false, 10, []string{pubB.ID}},
			{"a wildcard is literal", "%", false, 10, nil},
			{"a non-ASCII letter in another case", "ölhafen", false, 10, []string{umlaut.ID}},
		} {
			sameIDs(t, "SearchChannels "+c.what, channelIDs(get(s.SearchChannels(ctx, tm.ID, c.term, c.archived, c.limit))(t)), c.want)
		}

		u := f.user()
		for _, c := range []*model.Channel{pubA, pubGone, privGone, elsewhere, dm} {
			f.channelMember(c.ID, u.ID)
		}
		sameIDs(t, "ListChannelsForUser: the team's and DMs", channelIDs(get(s.ListChannelsForUser(ctx, u.ID, tm.ID, false, 0))(t)), []string{dm.ID, pubA.ID})
		sameIDs(t, "ListChannelsForUser with archived ones", channelIDs(get(s.ListChannelsForUser(ctx, u.ID, tm.ID, true, 0))(t)),
			[]string{dm.ID, pubA.ID, pubGone.ID, privGone.ID})
		// Archived at 3: a lastDeleteAt after that leaves them out.
		sameIDs(t, "ListChannelsForUser archived since 4", channelIDs(get(s.ListChannelsForUser(ctx, u.ID, tm.ID, true, 4))(t)), []string{dm.ID, pubA.ID})
		sameIDs(t, "ListChannelsForUser archived since 3", channelIDs(get(s.ListChannelsForUser(ctx, u.ID, tm.ID, true, 3))(t)),
			[]string{dm.ID, pubA.ID, pubGone.ID, privGone.ID})
		sameIDs(t, "ListAllChannelsForUser", channelIDs(get(s.ListAllChannelsForUser(ctx, u.ID, false, 0))(t)), []string{dm.ID, elsewhere.ID, pubA.ID})
		sameIDs(t, "ListAllChannelsForUser with archived ones", sorted(channelIDs(get(s.ListAllChannelsForUser(ctx, u.ID, true, 0))(t))),
			sorted([]string{dm.ID, elsewhere.ID, pubA.ID, pubGone.ID, privGone.ID}))
	})

	t.Run("DeleteChannelPermanently", func(t *testing.T) {
		c := f.channel(f.team().ID, "O")
		u := f.user()
		f.channelMember(c.ID, u.ID)
		p := f.post(c.ID, u.ID, 10)
		must(t, s.SaveReaction(ctx, &model.Reaction{UserID: u.ID, PostID: p.ID, EmojiName: "smile", CreateAt: 11, ChannelID: c.ID}))
		must(t, s.SavePreferences(ctx, []model.Preference{{UserID: u.ID, Category: "favorite_channel", Name: c.ID, Value: "true"}}))
		must(t, s.DeleteChannelPermanently(ctx, c.ID))
		wantErr(t, "GetChannel after DeleteChannelPermanently", second(s.GetChannel(ctx, c.ID)), store.ErrNotFound)
		wantErr(t, "its member", second(s.GetChannelMember(ctx, c.ID, u.ID)), store.ErrNotFound)
		wantErr(t, "its post", second(s.GetPost(ctx, p.ID)), store.ErrNotFound)
		if rs := get(s.ListReactions(ctx, p.ID))(t); len(rs) != 0 {
			t.Errorf("its post's reactions: %d left", len(rs))
		}
		wantErr(t, "the preference naming it", second(s.GetPreference(ctx, u.ID, "favorite_channel", c.ID)), store.ErrNotFound)
		wantErr(t, "DeleteChannelPermanently again", s.DeleteChannelPermanently(ctx, c.ID), store.ErrNotFound)
	})

	t.Run("GetChannelPoster", func(t *testing.T) {
		c := f.channel(f.team().ID, "O")
		poster, outsider := f.user(), f.user()
		f.channelMember(c.ID, poster.ID)
		ch, m, u, err := s.GetChannelPoster(ctx, c.ID, poster.ID)
		must(t, err)
		wantCh := get(s.GetChannel(ctx, c.ID))(t)
		wantM := get(s.GetChannelMember(ctx, c.ID, poster.ID))(t)
		wantU := get(s.GetUser(ctx, poster.ID))(t)
		if !reflect.DeepEqual(ch, wantCh) || !reflect.DeepEqual(m, wantM) || !reflect.DeepEqual(u, wantU) {
			t.Errorf("GetChannelPoster = %+v, %+v, %+v; want what GetChannel, GetChannelMember and GetUser return: %+v, %+v, %+v",
				ch, m, u, wantCh, wantM, wantU)
		}
		notFound := func(what string, channelID, userID string) {
			t.Helper()
			_, _, _, err := s.GetChannelPoster(ctx, channelID, userID)
			wantErr(t, what, err, store.ErrNotFound)
		}
		notFound("GetChannelPoster of a non-member", c.ID, outsider.ID)
		notFound("GetChannelPoster in no channel", model.NewID(), poster.ID)
		notFound("GetChannelPoster of no user", c.ID, model.NewID())
	})

	t.Run("ChannelRecipients", func(t *testing.T) {
		c := f.channel(f.team().ID, "O")
		withStatus, without, outsider := f.user(), f.user(), f.user()
		f.channelMember(c.ID, withStatus.ID)
		f.channelMember(c.ID, without.ID)
		must(t, s.SaveStatus(ctx, &model.Status{UserID: withStatus.ID, Status: model.StatusAway, Manual: true, LastActivityAt: 5, DNDEndTime: 7}))
		must(t, s.SaveStatus(ctx, &model.Status{UserID: outsider.ID, Status: model.StatusOnline, LastActivityAt: 6}))
		got := get(s.ChannelRecipients(ctx, c.ID, []string{outsider.ID, without.ID, model.NewID(), withStatus.ID}))(t)
		// The members only, in GetUsersByIDs' order (by username).
		want := get(s.GetUsersByIDs(ctx, []string{withStatus.ID, without.ID}, 0))(t)
		if len(got) != len(want) {
			t.Fatalf("ChannelRecipients: %d recipients, want %d", len(got), len(want))
		}
		for i, r := range got {
			if !reflect.DeepEqual(r.User, want[i]) {
				t.Errorf("ChannelRecipients user %d = %+v, want %+v", i, r.User, want[i])
			}
			if m := get(s.GetChannelMember(ctx, c.ID, r.User.ID))(t); !reflect.DeepEqual(r.Member, m) {
				t.Errorf("ChannelRecipients member of %s = %+v, want %+v", r.User.ID, r.Member, m)
			}
			var wantSt *model.Status
			if r.User.ID == withStatus.ID {
				wantSt = get(s.GetStatus(ctx, withStatus.ID))(t)
			}
			if !reflect.DeepEqual(r.Status, wantSt) {
				t.Errorf("ChannelRecipients status of %s = %+v, want %+v", r.User.ID, r.Status, wantSt)
			}
		}
		if n := len(get(s.ChannelRecipients(ctx, c.ID, nil))(t)); n != 0 {
			t.Errorf("ChannelRecipients of none: %d", n)
		}
	})

	t.Run("Counters", func(t *testing.T) {
		c := f.channel(f.team().ID, "O")
		reader, poster, outsider := f.user(), f.user(), f.user()
		f.channelMember(c.ID, reader.ID)
		f.channelMember(c.ID, poster.ID)
		must(t, s.IncrementChannelCounts(ctx, c.ID, 100, true))
		must(t, s.IncrementChannelCounts(ctx, c.ID, 200, false))
		// An older post does not move last_post_at back.
		must(t, s.IncrementChannelCounts(ctx, c.ID, 150, true))
		got := get(s.GetChannel(ctx, c.ID))(t)
		if got.TotalMsgCount != 3 || got.TotalMsgCountRoot != 2 || got.LastPostAt != 200 || got.LastRootPostAt != 150 {
			t.Errorf("after IncrementChannelCounts: total %d roots %d last post %d last root %d, want 3 2 200 150",
				got.TotalMsgCount, got.TotalMsgCountRoot, got.LastPostAt, got.LastRootPostAt)
		}
		wantErr(t, "IncrementChannelCounts of nothing", s.IncrementChannelCounts(ctx, model.NewID(), 1, true), store.ErrNotFound)

		must(t, s.IncrementMentions(ctx, c.ID, []string{reader.ID}, true))
		must(t, s.IncrementMentions(ctx, c.ID, []string{reader.ID}, false))
		must(t, s.IncrementMentions(ctx, c.ID, nil, false))
		m := get(s.GetChannelMember(ctx, c.ID, reader.ID))(t)
		if m.MentionCount != 2 || m.MentionCountRoot != 1 {
			t.Errorf("after IncrementMentions: mentions %d roots %d, want 2 1", m.MentionCount, m.MentionCountRoot)
		}

		// The poster has read their own post.
		must(t, s.CountPost(ctx, c.ID, poster.ID, 300, 310, true))
		must(t, s.CountPost(ctx, c.ID, outsider.ID, 400, 410, false))
		got = get(s.GetChannel(ctx, c.ID))(t)
		if got.TotalMsgCount != 5 || got.TotalMsgCountRoot != 3 || got.LastPostAt != 400 || got.LastRootPostAt != 300 {
			t.Errorf("after CountPost: total %d roots %d last post %d last root %d, want 5 3 400 300",
				got.TotalMsgCount, got.TotalMsgCountRoot, got.LastPostAt, got.LastRootPostAt)
		}
		pm := get(s.GetChannelMember(ctx, c.ID, poster.ID))(t)
		if pm.LastViewedAt != 300 || pm.MsgCount != 4 || pm.MsgCountRoot != 3 || pm.LastUpdateAt != 310 {
			t.Errorf("poster after CountPost: viewed %d msgs %d roots %d updated %d, want 300 4 3 310",
				pm.LastViewedAt, pm.MsgCount, pm.MsgCountRoot, pm.LastUpdateAt)
		}
		wantErr(t, "CountPost in no channel", s.CountPost(ctx, model.NewID(), poster.ID, 1, 1, true), store.ErrNotFound)

		if at := get(s.ViewChannel(ctx, c.ID, reader.ID, 500))(t); at != 400 {
			t.Errorf("ViewChannel returned %d, want the last post 400", at)
		}
		m = get(s.GetChannelMember(ctx, c.ID, reader.ID))(t)
		if m.LastViewedAt != 400 || m.MsgCount != 5 || m.MsgCountRoot != 3 || m.MentionCount != 0 || m.MentionCountRoot != 0 || m.LastUpdateAt != 500 {
			t.Errorf("after ViewChannel: %+v", m)
		}
		wantErr(t, "ViewChannel of a non-member", second(s.ViewChannel(ctx, c.ID, outsider.ID, 1)), store.ErrNotFound)

		must(t, s.MarkUnread(ctx, c.ID, reader.ID, 250, model.UnreadCounts{Posts: 2, Roots: 1, Mentions: 1, MentionsRoot: 1}, 600))
		m = get(s.GetChannelMember(ctx, c.ID, reader.ID))(t)
		if m.LastViewedAt != 250 || m.MsgCount != 3 || m.MsgCountRoot != 2 || m.MentionCount != 1 || m.MentionCountRoot != 1 || m.LastUpdateAt != 600 {
			t.Errorf("after MarkUnread: %+v", m)
		}
		wantErr(t, "MarkUnread of a non-member", s.MarkUnread(ctx, c.ID, outsider.ID, 1, model.UnreadCounts{}, 1), store.ErrNotFound)

		// A join message moves the post times only.
		must(t, s.TouchChannel(ctx, c.ID, 700))
		must(t, s.TouchChannel(ctx, c.ID, 650))
		got = get(s.GetChannel(ctx, c.ID))(t)
		if got.LastPostAt != 700 || got.LastRootPostAt != 700 || got.TotalMsgCount != 5 {
			t.Errorf("after TouchChannel: last post %d last root %d total %d, want 700 700 5", got.LastPostAt, got.LastRootPostAt, got.TotalMsgCount)
		}
		wantErr(t, "TouchChannel of nothing", s.TouchChannel(ctx, model.NewID(), 1), store.ErrNotFound)
	})
}

func chMemberUserIDs(ms []*model.ChannelMember) []string {
	return ids(ms, func(m *model.ChannelMember) string { return m.UserID })
}

func testChannelMembers(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	all := store.Page{Limit: 1000}
	tm := f.team()
	c := f.channel(tm.ID, "O")

	t.Run("RoundTripAndUpsert", func(t *testing.T) {
		u := f.user()
		m := &model.ChannelMember{ChannelID: c.ID, UserID: u.ID, LastViewedAt: 5, MsgCount: 4, MentionCount: 3,
			MentionCountRoot: 2, UrgentMentionCount: 1, MsgCountRoot: 2, NotifyProps: model.StringMap{"desktop": "all"},
			LastUpdateAt: 7, SchemeUser: true, SchemeAdmin: true, ExplicitRoles: "x"}
		must(t, s.SaveChannelMember(ctx, m))
		m.Roles = m.RolesString()
		sameJSON(t, "GetChannelMember", get(s.GetChannelMember(ctx, c.ID, u.ID))(t), m)
		m.SchemeAdmin, m.MsgCount, m.NotifyProps = false, 9, model.StringMap{"desktop": "none"}
		must(t, s.SaveChannelMember(ctx, m))
		m.Roles = m.RolesString()
		sameJSON(t, "GetChannelMember after an upsert", get(s.GetChannelMember(ctx, c.ID, u.ID))(t), m)
		wantErr(t, "GetChannelMember of a non-member", second(s.GetChannelMember(ctx, c.ID, f.user().ID)), store.ErrNotFound)

		must(t, s.UpdateMemberNotifyProps(ctx, c.ID, u.ID, model.StringMap{"push": "mention"}, 800))
		got := get(s.GetChannelMember(ctx, c.ID, u.ID))(t)
		sameJSON(t, "notify props after UpdateMemberNotifyProps", got.NotifyProps, model.StringMap{"push": "mention"})
		if got.LastUpdateAt != 800 {
			t.Errorf("last update %d, want 800", got.LastUpdateAt)
		}
		wantErr(t, "UpdateMemberNotifyProps of a non-member", s.UpdateMemberNotifyProps(ctx, c.ID, model.NewID(), nil, 1), store.ErrNotFound)
	})

	t.Run("ListsAndCounts", func(t *testing.T) {
		ch := f.channel(tm.ID, "O")
		a, b, gone := f.user(), f.user(), f.user(func(u *model.User) { u.DeleteAt = 1 })
		for _, u := range []*model.User{a, b, gone} {
			f.channelMember(ch.ID, u.ID)
		}
		want := sorted([]string{a.ID, b.ID, gone.ID})
		sameIDs(t, "ListChannelMembers, by user id", chMemberUserIDs(get(s.ListChannelMembers(ctx, ch.ID, all))(t)), want)
		sameIDs(t, "ListChannelMembers paged", chMemberUserIDs(get(s.ListChannelMembers(ctx, ch.ID, store.Page{Offset: 1, Limit: 1}))(t)), want[1:2])
		sameIDs(t, "ChannelMemberIDs", get(s.ChannelMemberIDs(ctx, ch.ID))(t), want)
		if n := get(s.CountChannelMembers(ctx, ch.ID))(t); n != 2 {
			t.Errorf("CountChannelMembers = %d, want the 2 active", n)
		}
		sameSet(t, "GetChannelMembersByIDs", chMemberUserIDs(get(s.GetChannelMembersByIDs(ctx, ch.ID, []string{a.ID, gone.ID, model.NewID()}))(t)), []string{a.ID, gone.ID})
		sameIDs(t, "GetChannelMembersByIDs of none", chMemberUserIDs(get(s.GetChannelMembersByIDs(ctx, ch.ID, nil))(t)), nil)

		dm := f.channel("", "D")
		elsewhere := f.channel(f.team().ID, "O")
		f.channelMember(dm.ID, a.ID)
		f.channelMember(elsewhere.ID, a.ID)
		chIDs := func(ms []*model.ChannelMember) []string {
			return ids(ms, func(m *model.ChannelMember) string { return m.ChannelID })
		}
		sameIDs(t, "ListChannelMembersForUser: the team's and DMs", chIDs(get(s.ListChannelMembersForUser(ctx, a.ID, tm.ID))(t)), sorted([]string{ch.ID, dm.ID}))
		sameIDs(t, "UserChannelMembers: all", sorted(chIDs(get(s.UserChannelMembers(ctx, a.ID))(t))), sorted([]string{ch.ID, dm.ID, elsewhere.ID}))
		withTeam := get(s.ListChannelMembersWithTeamData(ctx, a.ID, all))(t)
		sameIDs(t, "ListChannelMembersWithTeamData, by channel id", ids(withTeam, func(m *model.ChannelMemberWithTeamData) string { return m.ChannelID }),
			sorted([]string{ch.ID, dm.ID, elsewhere.ID}))
		for _, m := range withTeam {
			switch m.ChannelID {
			case dm.ID:
				if m.TeamName != "" || m.TeamDisplayName != "" || m.TeamUpdateAt != 0 {
					t.Errorf("a DM's membership has team data: %+v", m)
				}
			case ch.ID:
				if m.TeamName != tm.Name || m.TeamDisplayName != tm.DisplayName || m.TeamUpdateAt != tm.UpdateAt {
					t.Errorf("team data %q %q %d, want %q %q %d", m.TeamName, m.TeamDisplayName, m.TeamUpdateAt, tm.Name, tm.DisplayName, tm.UpdateAt)
				}
			}
		}
		paged := get(s.ListChannelMembersWithTeamData(ctx, a.ID, store.Page{Offset: 2, Limit: 5}))(t)
		if len(paged) != 1 {
			t.Errorf("ListChannelMembersWithTeamData page 2: %d rows, want 1", len(paged))
		}
	})

	t.Run("Deletes", func(t *testing.T) {
		tm2 := f.team()
		c1, c2, dm := f.channel(tm2.ID, "O"), f.channel(tm2.ID, "P"), f.channel("", "D")
		u, other := f.user(), f.user()
		for _, ch := range []*model.Channel{c1, c2, dm} {
			f.channelMember(ch.ID, u.ID)
			f.channelMember(ch.ID, other.ID)
		}
		must(t, s.DeleteChannelMember(ctx, c1.ID, u.ID))
		wantErr(t, "GetChannelMember after delete", second(s.GetChannelMember(ctx, c1.ID, u.ID)), store.ErrNotFound)
		wantErr(t, "DeleteChannelMember again", s.DeleteChannelMember(ctx, c1.ID, u.ID), store.ErrNotFound)

		must(t, s.DeleteTeamChannelMembers(ctx, tm2.ID, u.ID))
		wantErr(t, "a team channel's member after DeleteTeamChannelMembers", second(s.GetChannelMember(ctx, c2.ID, u.ID)), store.ErrNotFound)
		get(s.GetChannelMember(ctx, dm.ID, u.ID))(t)
		get(s.GetChannelMember(ctx, c2.ID, other.ID))(t)

		must(t, s.DeleteChannelMembers(ctx, c2.ID))
		sameIDs(t, "members after DeleteChannelMembers", get(s.ChannelMemberIDs(ctx, c2.ID))(t), nil)
		sameSet(t, "another channel's", get(s.ChannelMemberIDs(ctx, dm.ID))(t), []string{u.ID, other.ID})
	})

	t.Run("ChannelAudience", func(t *testing.T) {
		ch := f.channel(tm.ID, "O")
		named := f.user()
		keys := f.user(func(u *model.User) { u.NotifyProps = model.StringMap{"mention_keys": "tea"} })
		first := f.user(func(u *model.User) { u.NotifyProps = model.StringMap{"first_name": "true"} })
		plain := f.user()
		gone := f.user(func(u *model.User) { u.DeleteAt = 1; u.NotifyProps = model.StringMap{"mention_keys": "tea"} })
		outside := f.user(func(u *model.User) { u.NotifyProps = model.StringMap{"mention_keys": "tea"} })
		for _, u := range []*model.User{named, keys, first, plain, gone} {
			f.channelMember(ch.ID, u.ID)
		}
		got := get(s.ChannelAudience(ctx, store.AudienceQuery{ChannelID: ch.ID, Mention: true,
			Usernames: []string{named.Username, gone.Username, outside.Username}}))(t).Mention
		for _, must := range []string{named.ID, keys.ID, first.ID} {
			if !slices.Contains(got, must) {
				t.Errorf("ChannelAudience's mention candidates left out %s", must)
			}
		}
		for _, never := range []string{gone.ID, outside.ID} {
			if slices.Contains(got, never) {
				t.Errorf("ChannelAudience's mention candidates have %s, deactivated or not a member", never)
			}
		}

		// Asked together, each list is what it is alone.
		now := model.Now()
		f.session(named.ID, func(ses *model.Session) { ses.DeviceID = "apple:1" })
		f.session(outside.ID, func(ses *model.Session) { ses.DeviceID = "apple:2" })
		browser := f.session(plain.ID)
		must(t, s.SaveWebPushSubscription(ctx, &model.WebPushSubscription{ID: model.NewID(), UserID: plain.ID, SessionID: browser.ID,
			Endpoint: "https://push.example/" + model.NewID(), P256dh: "k", Auth: "a", CreateAt: now}))
		q := store.AudienceQuery{ChannelID: ch.ID, Usernames: []string{named.Username}, Now: now}
		one := func(mod func(*store.AudienceQuery)) *store.Audience {
			q := q
			mod(&q)
			return get(s.ChannelAudience(ctx, q))(t)
		}
		all := one(func(q *store.AudienceQuery) { q.Mention, q.Devices, q.WebPush = true, true, true })
		want := &store.Audience{
			Mention: one(func(q *store.AudienceQuery) { q.Mention = true }).Mention,
			Devices: one(func(q *store.AudienceQuery) { q.Devices = true }).Devices,
			WebPush: one(func(q *store.AudienceQuery) { q.WebPush = true }).WebPush,
		}
		if !reflect.DeepEqual(all, want) || !slices.Equal(want.Devices, []string{named.ID}) || !slices.Equal(want.WebPush, []string{plain.ID}) {
			t.Errorf("ChannelAudience of all three = %+v, want %+v (devices: named, web push: plain)", all, want)
		}
		if none := one(func(*store.AudienceQuery) {}); none.Mention != nil || none.Devices != nil || none.WebPush != nil {
			t.Errorf("ChannelAudience of nothing = %+v", none)
		}
	})
}
