package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// must stops the test on an unexpected error.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// get(v, err)(t) stops the test on an unexpected error and returns v: a
// call of a method returning a value and an error fits in an expression.
func get[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		must(t, err)
		return v
	}
}

// wantErr checks err is (wraps) want.
func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: err = %v, want %v", what, err, want)
	}
}

// sameJSON checks got and want encode alike: a round trip kept every field.
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err := json.Marshal(got)
	must(t, err)
	w, err := json.Marshal(want)
	must(t, err)
	if string(g) != string(w) {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

// sameIDs checks two id lists are equal, in order.
func sameIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if got == nil {
		got = []string{}
	}
	if want == nil {
		want = []string{}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// sameSet checks two id lists hold the same ids, in any order.
func sameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	sameIDs(t, what, sorted(got), sorted(want))
}

func sorted(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// ids lists the ids of rows, in order.
func ids[T any](rows []T, id func(T) string) []string {
	out := []string{}
	for _, r := range rows {
		out = append(out, id(r))
	}
	return out
}

func userIDs(us []*model.User) []string { return ids(us, func(u *model.User) string { return u.ID }) }
func teamIDs(ts []*model.Team) []string { return ids(ts, func(t *model.Team) string { return t.ID }) }
func channelIDs(cs []*model.Channel) []string {
	return ids(cs, func(c *model.Channel) string { return c.ID })
}
func postIDs(ps []*model.Post) []string { return ids(ps, func(p *model.Post) string { return p.ID }) }

// only keeps the ids of want's set that are in got, in got's order: a list
// from a shared store holds other tests' rows too.
func only(got, want []string) []string {
	out := []string{}
	for _, id := range got {
		if slices.Contains(want, id) {
			out = append(out, id)
		}
	}
	return out
}

// name is a fresh lower-case name with a prefix, unique in the store.
func name(prefix string) string {
	return prefix + strings.ToLower(model.NewID()[:10])
}

// fixture makes rows for a test in a shared store.
type fixture struct {
	t   *testing.T
	s   store.Store
	ctx context.Context
}

func newFixture(t *testing.T, s store.Store) *fixture {
	return &fixture{t: t, s: s, ctx: context.Background()}
}

func (f *fixture) user(mods ...func(*model.User)) *model.User {
	f.t.Helper()
	n := name("u")
	now := model.Now()
	u := &model.User{ID: model.NewID(), CreateAt: now, UpdateAt: now, Username: n,
		Email: n + "@example.com", Roles: model.RoleSystemUser, FirstName: "First" + n, LastName: "Last", Nickname: "nick" + n}
	u.PreSave()
	for _, m := range mods {
		m(u)
	}
	must(f.t, f.s.SaveUser(f.ctx, u))
	return u
}

func (f *fixture) team(mods ...func(*model.Team)) *model.Team {
	f.t.Helper()
	n := name("t")
	now := model.Now()
	tm := &model.Team{ID: model.NewID(), CreateAt: now, UpdateAt: now, Name: n, DisplayName: "Team " + n,
		Type: "O", InviteID: model.NewID(), Email: n + "@example.com"}
	for _, m := range mods {
		m(tm)
	}
	must(f.t, f.s.SaveTeam(f.ctx, tm))
	return tm
}

func (f *fixture) channel(teamID, typ string, mods ...func(*model.Channel)) *model.Channel {
	f.t.Helper()
	n := name("c")
	now := model.Now()
	c := &model.Channel{ID: model.NewID(), CreateAt: now, UpdateAt: now, TeamID: teamID, Type: typ, Name: n,
		DisplayName: "Channel " + n, Props: map[string]any{}}
	for _, m := range mods {
		m(c)
	}
	must(f.t, f.s.SaveChannel(f.ctx, c))
	return c
}

func (f *fixture) teamMember(teamID, userID string) *model.TeamMember {
	f.t.Helper()
	m := &model.TeamMember{TeamID: teamID, UserID: userID, Roles: "team_user", SchemeUser: true, CreateAt: model.Now()}
	must(f.t, f.s.SaveTeamMember(f.ctx, m))
	return m
}

func (f *fixture) channelMember(channelID, userID string) *model.ChannelMember {
	f.t.Helper()
	m := &model.ChannelMember{ChannelID: channelID, UserID: userID, Roles: "channel_user", SchemeUser: true,
		NotifyProps: model.StringMap{"desktop": "default", "mark_unread": "all"}, LastUpdateAt: model.Now()}
	must(f.t, f.s.SaveChannelMember(f.ctx, m))
	return m
}

func (f *fixture) post(channelID, userID string, at int64, mods ...func(*model.Post)) *model.Post {
	f.t.Helper()
	p := &model.Post{ID: model.NewID(), CreateAt: at, UpdateAt: at, UserID: userID, ChannelID: channelID,
		Message: "message " + name("m")}
	for _, m := range mods {
		m(p)
	}
	p.PreCommit()
	must(f.t, f.s.SavePost(f.ctx, p))
	return p
}
