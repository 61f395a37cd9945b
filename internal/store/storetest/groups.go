package storetest

import (
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func groupIDs(gs []*model.Group) []string {
	return ids(gs, func(g *model.Group) string { return g.ID })
}

func testGroups(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	tag := name("g")
	n0 := get(s.CountGroups(ctx))(t)
	ann := f.user(func(u *model.User) { u.Username = "a" + u.Username })
	bob := f.user(func(u *model.User) { u.Username = "b" + u.Username })
	gone := f.user(func(u *model.User) { u.DeleteAt = 1 })
	outsider := f.user()
	mk := func(display string, ref bool, mods ...func(*model.Group)) *model.Group {
		remote := model.NewID()
		g := &model.Group{ID: model.NewID(), Name: name("grp"), DisplayName: display + " " + tag, Description: "d", Source: "custom",
			RemoteID: &remote, AllowReference: ref, CreateAt: 10, UpdateAt: 10}
		for _, m := range mods {
			m(g)
		}
		must(t, s.CreateGroup(ctx, g, []string{bob.ID, ann.ID, gone.ID}))
		return g
	}
	devs := mk("b devs", true)
	ops := mk("a ops", false, func(g *model.Group) { g.Source, g.UpdateAt = "ldap", 50 })
	old := mk("c old", true, func(g *model.Group) { g.DeleteAt = 20 })
	sameJSON(t, "GetGroup", get(s.GetGroup(ctx, devs.ID))(t), devs)
	sameJSON(t, "GetGroup of an archived group", get(s.GetGroup(ctx, old.ID))(t), old)
	wantErr(t, "GetGroup of nothing", second(s.GetGroup(ctx, model.NewID())), store.ErrNotFound)
	dup := *devs
	dup.ID, dup.RemoteID = model.NewID(), nil
	wantErr(t, "CreateGroup with a taken name", s.CreateGroup(ctx, &dup, nil), store.ErrConflict)
	wantErr(t, "the refused group", second(s.GetGroup(ctx, dup.ID)), store.ErrNotFound)
	if n := get(s.CountGroups(ctx))(t); n != n0+2 {
		t.Errorf("CountGroups grew by %d, want the 2 live ones", n-n0)
	}

	all := store.Page{Limit: 100}
	for _, c := range []struct {
		what string
		f    store.GroupFilter
		p    store.Page
		want []*model.Group
	}{
		{"live, by display name", store.GroupFilter{Term: tag}, all, []*model.Group{ops, devs}},
		{"term anywhere, any case", store.GroupFilter{Term: upper("devs " + tag)}, all, []*model.Group{devs}},
		{"paged", store.GroupFilter{Term: tag}, store.Page{Offset: 1, Limit: 1}, []*model.Group{devs}},
		{"archived too", store.GroupFilter{Term: tag, IncludeArchived: true}, all, []*model.Group{ops, devs, old}},
		{"archived only", store.GroupFilter{Term: tag, OnlyArchived: true}, all, []*model.Group{old}},
		{"source", store.GroupFilter{Term: tag, Source: "ldap"}, all, []*model.Group{ops}},
		{"referenceable", store.GroupFilter{Term: tag, AllowReference: true}, all, []*model.Group{devs}},
		{"names", store.GroupFilter{Names: []string{devs.Name, old.Name}, IncludeArchived: true}, all, []*model.Group{devs, old}},
		{"since", store.GroupFilter{Term: tag, Since: 10}, all, []*model.Group{ops}},
		{"with a member", store.GroupFilter{HasMember: ann.ID, Term: tag}, all, []*model.Group{ops, devs}},
		{"with a non-member", store.GroupFilter{HasMember: outsider.ID}, all, nil},
	} {
		sameIDs(t, "ListGroups "+c.what, groupIDs(get(s.ListGroups(ctx, c.f, c.p))(t)), groupIDs(c.want))
	}
	counted := get(s.ListGroups(ctx, store.GroupFilter{Names: []string{devs.Name}, MemberCount: true}, all))(t)
	if len(counted) != 1 || counted[0].MemberCount == nil || *counted[0].MemberCount != 2 {
		t.Errorf("ListGroups with member counts: %+v", counted)
	}
	if n := get(s.GroupMemberCount(ctx, devs.ID))(t); n != 2 {
		t.Errorf("GroupMemberCount = %d, want the 2 active", n)
	}
	wantErr(t, "GroupMemberCount of nothing", second(s.GroupMemberCount(ctx, model.NewID())), store.ErrNotFound)
	sameIDs(t, "GroupMemberIDs, active, by id", get(s.GroupMemberIDs(ctx, devs.ID))(t), sorted([]string{ann.ID, bob.ID}))
	sameIDs(t, "GroupMembers, by username", userIDs(get(s.GroupMembers(ctx, devs.ID, all))(t)), []string{ann.ID, bob.ID})
	sameIDs(t, "GroupMembers paged", userIDs(get(s.GroupMembers(ctx, devs.ID, store.Page{Offset: 1, Limit: 1}))(t)), []string{bob.ID})

	// Adding returns the memberships made; removing, those removed.
	added := get(s.AddGroupMembers(ctx, devs.ID, []string{ann.ID, outsider.ID}, 60))(t)
	sameJSON(t, "AddGroupMembers", added, []*model.GroupMember{{GroupID: devs.ID, UserID: outsider.ID, CreateAt: 60}})
	removed := get(s.RemoveGroupMembers(ctx, devs.ID, []string{outsider.ID, f.user().ID}, 70))(t)
	sameJSON(t, "RemoveGroupMembers", removed, []*model.GroupMember{{GroupID: devs.ID, UserID: outsider.ID, CreateAt: 60, DeleteAt: 70}})
	sameIDs(t, "GroupMemberIDs after add and remove", get(s.GroupMemberIDs(ctx, devs.ID))(t), sorted([]string{ann.ID, bob.ID}))

	c := f.channel(f.team().ID, "O")
	f.channelMember(c.ID, ann.ID)
	f.channelMember(c.ID, gone.ID)
	sameJSON(t, "GroupMentions: live referenceable groups' active members in the channel",
		get(s.GroupMentions(ctx, c.ID, []string{devs.Name, ops.Name, old.Name}))(t), []store.GroupMention{{GroupName: devs.Name, UserID: ann.ID}})
	if got := get(s.GroupMentions(ctx, c.ID, nil))(t); len(got) != 0 {
		t.Errorf("GroupMentions of no names: %v", got)
	}
	sameJSON(t, "GroupChannelMemberCounts", get(s.GroupChannelMemberCounts(ctx, c.ID, []string{devs.ID, ops.ID, model.NewID()}))(t),
		map[string]int64{devs.ID: 1, ops.ID: 1})
	sameJSON(t, "GroupChannelMemberCounts of none", get(s.GroupChannelMemberCounts(ctx, c.ID, nil))(t), map[string]int64{})
	sameIDs(t, "UserMentionGroups", get(s.UserMentionGroups(ctx, ann.ID))(t), []string{devs.Name})

	devs.Name, devs.DisplayName, devs.AllowReference, devs.UpdateAt = name("grp"), "renamed "+tag, false, 80
	must(t, s.UpdateGroup(ctx, devs))
	sameJSON(t, "after UpdateGroup", get(s.GetGroup(ctx, devs.ID))(t), devs)
	sameIDs(t, "UserMentionGroups of a group no longer referenceable", get(s.UserMentionGroups(ctx, ann.ID))(t), nil)
	ops.Name = devs.Name
	wantErr(t, "UpdateGroup to a taken name", s.UpdateGroup(ctx, ops), store.ErrConflict)
}
