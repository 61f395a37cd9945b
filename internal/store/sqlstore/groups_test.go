package sqlstore

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func TestGroupStore(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		ann, bob, cy := newUser("ann"), newUser("bob"), newUser("cy")
		for _, u := range []*model.User{ann, bob, cy} {
			must(t, s.SaveUser(ctx, u))
		}
		team := &model.Team{ID: model.NewID(), Name: "crew", DisplayName: "Crew", Type: "O", InviteID: model.NewID()}
		must(t, s.SaveTeam(ctx, team))
		ch := &model.Channel{ID: model.NewID(), TeamID: team.ID, Type: "O", Name: "deck", DisplayName: "Deck"}
		must(t, s.SaveChannel(ctx, ch))
		for _, u := range []*model.User{ann, bob} {
			must(t, s.SaveChannelMember(ctx, &model.ChannelMember{ChannelID: ch.ID, UserID: u.ID, SchemeUser: true,
				NotifyProps: model.DefaultChannelNotifyProps()}))
		}

		g := &model.Group{ID: model.NewID(), Name: "pilots", DisplayName: "Pilots", Source: model.GroupSourceCustom,
			AllowReference: true, CreateAt: 10, UpdateAt: 10}
		must(t, s.CreateGroup(ctx, g, []string{ann.ID, cy.ID}))
		other := &model.Group{ID: model.NewID(), Name: "cooks", DisplayName: "Cooks", Source: model.GroupSourceCustom,
			AllowReference: true, CreateAt: 20, UpdateAt: 20}
		must(t, s.CreateGroup(ctx, other, nil))

		// The name is unique, and a failed create leaves no member behind.
		dup := &model.Group{ID: model.NewID(), Name: "pilots", DisplayName: "Again", Source: model.GroupSourceCustom,
			CreateAt: 30, UpdateAt: 30}
		if err := s.CreateGroup(ctx, dup, []string{bob.ID}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate name: %v", err)
		}
		if gs, _ := s.ListGroups(ctx, store.GroupFilter{HasMember: bob.ID, IncludeArchived: true}, store.Page{}); len(gs) != 0 {
			t.Fatalf("half-written group: %+v", gs)
		}

		got, err := s.GetGroup(ctx, g.ID)
		must(t, err)
		if got.Name != "pilots" || got.RemoteID != nil || !got.AllowReference || got.Source != "custom" {
			t.Fatalf("group %+v", got)
		}
		if _, err := s.GetGroup(ctx, model.NewID()); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown group: %v", err)
		}

		list, err := s.ListGroups(ctx, store.GroupFilter{MemberCount: true}, store.Page{})
		must(t, err)
		if len(list) != 2 || list[0].Name != "cooks" || *list[0].MemberCount != 0 || *list[1].MemberCount != 2 {
			t.Fatalf("list by display name with counts: %+v", list)
		}
		if l, _ := s.ListGroups(ctx, store.GroupFilter{Term: "LOT"}, store.Page{}); len(l) != 1 || l[0].ID != g.ID {
			t.Fatalf("search: %+v", l)
		}
		if l, _ := s.ListGroups(ctx, store.GroupFilter{}, store.Page{Offset: 1, Limit: 1}); len(l) != 1 || l[0].ID != g.ID {
			t.Fatalf("second page: %+v", l)
		}

		added, err := s.AddGroupMembers(ctx, g.ID, []string{ann.ID, bob.ID}, 40)
		must(t, err)
		if len(added) != 1 || added[0].UserID != bob.ID || added[0].CreateAt != 40 {
			t.Fatalf("only bob is new: %+v", added)
		}
		ids, err := s.GroupMemberIDs(ctx, g.ID)
		must(t, err)
		if len(ids) != 3 {
			t.Fatalf("member ids %v", ids)
		}
		users, err := s.GroupMembers(ctx, g.ID, store.Page{Limit: 2})
		must(t, err)
		if len(users) != 2 || users[0].Username != "ann" || users[1].Username != "bob" {
			t.Fatalf("members by username: %+v", users)
		}

		// Mentions reach the members in the channel, only through live
		// referenceable groups.
		ms, err := s.GroupMentions(ctx, ch.ID, []string{"pilots", "cooks", "nobody"})
		must(t, err)
		if len(ms) != 2 || ms[0].GroupName != "pilots" {
			t.Fatalf("mentions %+v", ms)
		}
		counts, err := s.GroupChannelMemberCounts(ctx, ch.ID, []string{g.ID, other.ID})
		must(t, err)
		if len(counts) != 1 || counts[g.ID] != 2 {
			t.Fatalf("channel member counts %v", counts)
		}
		names, err := s.UserMentionGroups(ctx, bob.ID)
		must(t, err)
		if !slices.Equal(names, []string{"pilots"}) {
			t.Fatalf("bob's groups %v", names)
		}

		removed, err := s.RemoveGroupMembers(ctx, g.ID, []string{bob.ID, model.NewID()}, 50)
		must(t, err)
		if len(removed) != 1 || removed[0].UserID != bob.ID || removed[0].DeleteAt != 50 || removed[0].CreateAt != 40 {
			t.Fatalf("removed %+v", removed)
		}

		got.DeleteAt, got.UpdateAt, got.DisplayName = 60, 60, "Flyers"
		must(t, s.UpdateGroup(ctx, got))
		if ms, _ := s.GroupMentions(ctx, ch.ID, []string{"pilots"}); len(ms) != 0 {
			t.Fatalf("archived group mentions: %+v", ms)
		}
		if l, _ := s.ListGroups(ctx, store.GroupFilter{OnlyArchived: true}, store.Page{}); len(l) != 1 || l[0].DisplayName != "Flyers" {
			t.Fatalf("archived: %+v", l)
		}
		if n, _ := s.CountGroups(ctx); n != 1 {
			t.Fatalf("live groups %d", n)
		}
		other.Name = "pilots"
		if err := s.UpdateGroup(ctx, other); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("rename onto a taken name: %v", err)
		}
		// A deactivated member no longer counts.
		ann.DeleteAt = 70
		must(t, s.UpdateUser(ctx, ann))
		if n, _ := s.GroupMemberCount(ctx, g.ID); n != 1 {
			t.Fatalf("active members %d", n)
		}
	})
}
