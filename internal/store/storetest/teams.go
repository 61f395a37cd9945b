package storetest

import (
	"slices"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func memberUserIDs(ms []*model.TeamMember) []string {
	return ids(ms, func(m *model.TeamMember) string { return m.UserID })
}

func testTeams(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	all := store.Page{Limit: 100000}

	t.Run("RoundTripAndLookups", func(t *testing.T) {
		tm := f.team(func(tm *model.Team) {
			tm.Description, tm.CompanyName, tm.AllowedDomains = "desc", "ACME", "example.com"
			tm.AllowOpenInvite, tm.LastTeamIconUpdate, tm.Type = true, 77, "I"
		})
		got := get(s.GetTeam(ctx, tm.ID))(t)
		sameJSON(t, "GetTeam", got, tm)
		sameJSON(t, "GetTeamByName", get(s.GetTeamByName(ctx, tm.Name))(t), got)
		sameJSON(t, "GetTeamByInviteID", get(s.GetTeamByInviteID(ctx, tm.InviteID))(t), got)
		wantErr(t, "GetTeam of nothing", second(s.GetTeam(ctx, model.NewID())), store.ErrNotFound)
		wantErr(t, "GetTeamByName of nothing", second(s.GetTeamByName(ctx, name("none"))), store.ErrNotFound)
		wantErr(t, "GetTeamByInviteID of nothing", second(s.GetTeamByInviteID(ctx, model.NewID())), store.ErrNotFound)

		dup := *tm
		dup.ID, dup.InviteID = model.NewID(), model.NewID()
		wantErr(t, "SaveTeam with a taken name", s.SaveTeam(ctx, &dup), store.ErrConflict)

		tm.DisplayName, tm.Description, tm.UpdateAt, tm.AllowOpenInvite = "Renamed", "new", tm.UpdateAt+5, false
		must(t, s.UpdateTeam(ctx, tm))
		sameJSON(t, "GetTeam after UpdateTeam", get(s.GetTeam(ctx, tm.ID))(t), tm)
		wantErr(t, "UpdateTeam of nothing", s.UpdateTeam(ctx, &model.Team{ID: model.NewID(), Name: name("x")}), store.ErrNotFound)
		other := f.team()
		other.Name = tm.Name
		wantErr(t, "UpdateTeam to a taken name", s.UpdateTeam(ctx, other), store.ErrConflict)

		// An archived team's invite no longer finds it.
		tm.DeleteAt = tm.UpdateAt
		must(t, s.UpdateTeam(ctx, tm))
		wantErr(t, "GetTeamByInviteID of an archived team", second(s.GetTeamByInviteID(ctx, tm.InviteID)), store.ErrNotFound)
		sameJSON(t, "GetTeam of an archived team", get(s.GetTeam(ctx, tm.ID))(t), tm)
	})

	t.Run("ListSearchCount", func(t *testing.T) {
		open0, all0 := get(s.CountTeams(ctx, true))(t), get(s.CountTeams(ctx, false))(t)
		tag := name("srch")
		mk := func(display string, mods ...func(*model.Team)) *model.Team {
			return f.team(append([]func(*model.Team){func(tm *model.Team) { tm.DisplayName = display + " " + tag }}, mods...)...)
		}
		b := mk("b", func(tm *model.Team) { tm.AllowOpenInvite = true })
		a := mk("a")
		c := mk("c", func(tm *model.Team) { tm.AllowOpenInvite = true; tm.Type = "I" })
		d := mk("d", func(tm *model.Team) { tm.AllowOpenInvite = true; tm.DeleteAt = 1 })
		e := mk("Équipe")
		if n := get(s.CountTeams(ctx, true))(t); n != open0+1 {
			t.Errorf("CountTeams(open) grew by %d, want 1", n-open0)
		}
		if n := get(s.CountTeams(ctx, false))(t); n != all0+4 {
			t.Errorf("CountTeams grew by %d, want 4", n-all0)
		}
		mine := []string{a.ID, b.ID, c.ID, d.ID, e.ID}
		sameIDs(t, "ListTeams, by display name, live ones", only(teamIDs(get(s.ListTeams(ctx, false, all))(t)), mine), []string{a.ID, b.ID, c.ID, e.ID})
		sameIDs(t, "ListTeams open only", only(teamIDs(get(s.ListTeams(ctx, true, all))(t)), mine), []string{b.ID})
		for _, c := range []struct {
			what, term string
			open       bool
			p          store.Page
			want       []string
		}{
			{"by display name, any case, anywhere", upper(tag), false, all, []string{a.ID, b.ID, c.ID, e.ID}},
			{"a non-ASCII letter in another case", "équipe " + tag, false, all, []string{e.ID}},
			{"paged", tag, false, store.Page{Offset: 1, Limit: 1}, []string{b.ID}},
			{"open only", tag, true, all, []string{b.ID}},
			{"by name", a.Name, false, all, []string{a.ID}},
			{"a wildcard is literal", tag + "_", false, all, nil},
		} {
			sameIDs(t, "SearchTeams "+c.what, teamIDs(get(s.SearchTeams(ctx, c.term, c.open, c.p))(t)), c.want)
		}
		sameIDs(t, "ListAllTeams, by name, archived too", only(teamIDs(get(s.ListAllTeams(ctx))(t)), mine), teamIDs(byName(a, b, c, d, e)))
	})

	t.Run("Members", func(t *testing.T) {
		tm, archived := f.team(), f.team(func(tm *model.Team) { tm.DeleteAt = 1 })
		zed := f.user(func(u *model.User) { u.Username = "z" + u.Username })
		amy := f.user(func(u *model.User) { u.Username = "a" + u.Username })
		gone := f.user(func(u *model.User) { u.DeleteAt = 1 })
		left := f.user()
		m := &model.TeamMember{TeamID: tm.ID, UserID: zed.ID, SchemeUser: true, SchemeAdmin: true, ExplicitRoles: "custom", CreateAt: 42}
		must(t, s.SaveTeamMember(ctx, m))
		m.Roles = m.RolesString()
		sameJSON(t, "GetTeamMember", get(s.GetTeamMember(ctx, tm.ID, zed.ID))(t), m)
		wantErr(t, "GetTeamMember of a non-member", second(s.GetTeamMember(ctx, tm.ID, amy.ID)), store.ErrNotFound)
		// A second save updates the membership (and keeps its create_at).
		m.SchemeAdmin, m.ExplicitRoles = false, ""
		upd := *m
		upd.CreateAt = 99
		must(t, s.SaveTeamMember(ctx, &upd))
		m.Roles = m.RolesString()
		sameJSON(t, "GetTeamMember after an upsert", get(s.GetTeamMember(ctx, tm.ID, zed.ID))(t), m)

		f.teamMember(tm.ID, amy.ID)
		f.teamMember(tm.ID, gone.ID)
		lm := f.teamMember(tm.ID, left.ID)
		lm.DeleteAt = 5
		must(t, s.SaveTeamMember(ctx, lm))
		f.teamMember(archived.ID, amy.ID)

		byUsername := []string{amy.ID, gone.ID, zed.ID}
		if gone.Username > zed.Username {
			byUsername = []string{amy.ID, zed.ID, gone.ID}
		}
		sameIDs(t, "ListTeamMembers by user id", memberUserIDs(get(s.ListTeamMembers(ctx, tm.ID, all, false, false))(t)), sorted([]string{amy.ID, gone.ID, zed.ID}))
		sameIDs(t, "ListTeamMembers by username", memberUserIDs(get(s.ListTeamMembers(ctx, tm.ID, all, true, false))(t)), byUsername)
		sameIDs(t, "ListTeamMembers without deactivated users", memberUserIDs(get(s.ListTeamMembers(ctx, tm.ID, all, true, true))(t)), []string{amy.ID, zed.ID})
		sameIDs(t, "ListTeamMembers paged", memberUserIDs(get(s.ListTeamMembers(ctx, tm.ID, store.Page{Offset: 1, Limit: 1}, true, true))(t)), []string{zed.ID})
		sameSet(t, "GetTeamMembersByIDs", memberUserIDs(get(s.GetTeamMembersByIDs(ctx, tm.ID, []string{zed.ID, left.ID, f.user().ID}))(t)), []string{zed.ID, left.ID})
		sameIDs(t, "GetTeamMembersByIDs of none", memberUserIDs(get(s.GetTeamMembersByIDs(ctx, tm.ID, nil))(t)), nil)
		tids := func(ms []*model.TeamMember) []string {
			return ids(ms, func(m *model.TeamMember) string { return m.TeamID })
		}
		sameIDs(t, "ListTeamMembersForUser, live teams", tids(get(s.ListTeamMembersForUser(ctx, amy.ID))(t)), []string{tm.ID})
		sameIDs(t, "ListTeamMembersForUser of a former member", tids(get(s.ListTeamMembersForUser(ctx, left.ID))(t)), nil)
		sameIDs(t, "UserTeamMembers, former ones too", sorted(tids(get(s.UserTeamMembers(ctx, left.ID))(t))), []string{tm.ID})
		sameIDs(t, "ListTeamsForUser", teamIDs(get(s.ListTeamsForUser(ctx, amy.ID))(t)), []string{tm.ID})
		sameIDs(t, "ListTeamsForUser of a former member", teamIDs(get(s.ListTeamsForUser(ctx, left.ID))(t)), nil)

		st := get(s.GetTeamStats(ctx, tm.ID))(t)
		if st.TeamID != tm.ID || st.TotalMemberCount != 3 || st.ActiveMemberCount != 2 {
			t.Errorf("GetTeamStats = %+v, want 3 members, 2 active", st)
		}
	})

	t.Run("DeleteTeamPermanently", func(t *testing.T) {
		tm := f.team()
		u := f.user()
		f.teamMember(tm.ID, u.ID)
		ch := f.channel(tm.ID, "O")
		f.channelMember(ch.ID, u.ID)
		p := f.post(ch.ID, u.ID, 10)
		keep := f.team()
		f.teamMember(keep.ID, u.ID)
		must(t, s.DeleteTeamPermanently(ctx, tm.ID))
		wantErr(t, "GetTeam after DeleteTeamPermanently", second(s.GetTeam(ctx, tm.ID)), store.ErrNotFound)
		wantErr(t, "its member", second(s.GetTeamMember(ctx, tm.ID, u.ID)), store.ErrNotFound)
		wantErr(t, "its channel", second(s.GetChannel(ctx, ch.ID)), store.ErrNotFound)
		wantErr(t, "its channel's member", second(s.GetChannelMember(ctx, ch.ID, u.ID)), store.ErrNotFound)
		wantErr(t, "its post", second(s.GetPost(ctx, p.ID)), store.ErrNotFound)
		get(s.GetTeamMember(ctx, keep.ID, u.ID))(t)
		wantErr(t, "DeleteTeamPermanently again", s.DeleteTeamPermanently(ctx, tm.ID), store.ErrNotFound)
	})
}

// byName sorts teams by name.
func byName(ts ...*model.Team) []*model.Team {
	slices.SortFunc(ts, func(a, b *model.Team) int { return strings.Compare(a.Name, b.Name) })
	return ts
}
