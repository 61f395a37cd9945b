package sqlstore

import (
	"context"
	"errors"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func TestDraftStore(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		u := newUser("drafter")
		must(t, s.SaveUser(ctx, u))
		team := &model.Team{ID: model.NewID(), Name: "pad", DisplayName: "Pad", Type: "O", InviteID: model.NewID()}
		must(t, s.SaveTeam(ctx, team))
		ch := &model.Channel{ID: model.NewID(), TeamID: team.ID, Type: "O", Name: "scratch", DisplayName: "Scratch"}
		must(t, s.SaveChannel(ctx, ch))
		must(t, s.SaveChannelMember(ctx, &model.ChannelMember{ChannelID: ch.ID, UserID: u.ID, SchemeUser: true,
			NotifyProps: model.DefaultChannelNotifyProps()}))

		d, err := s.UpsertDraft(ctx, &model.Draft{UserID: u.ID, ChannelID: ch.ID, Message: "first", CreateAt: 10, UpdateAt: 10,
			Props: map[string]any{"a": "b"}, FileIDs: []string{"f1"}})
		must(t, err)
		if d.Message != "first" || d.Props["a"] != "b" || len(d.FileIDs) != 1 || d.Priority == nil {
			t.Fatalf("inserted %+v", d)
		}
		// An update keeps create_at and replaces the rest.
		d, err = s.UpsertDraft(ctx, &model.Draft{UserID: u.ID, ChannelID: ch.ID, Message: "second", CreateAt: 20, UpdateAt: 20})
		must(t, err)
		if d.CreateAt != 10 || d.UpdateAt != 20 || d.Message != "second" || len(d.FileIDs) != 0 || len(d.Props) != 0 {
			t.Fatalf("updated %+v", d)
		}
		_, err = s.UpsertDraft(ctx, &model.Draft{UserID: u.ID, ChannelID: ch.ID, RootID: model.NewID(), Message: "reply",
			CreateAt: 30, UpdateAt: 30})
		must(t, err)
		got, err := s.DraftsForUser(ctx, u.ID, team.ID)
		must(t, err)
		if len(got) != 2 || got[0].Message != "reply" || got[1].Message != "second" {
			t.Fatalf("drafts newest first: %+v", got)
		}
		if other, _ := s.DraftsForUser(ctx, u.ID, model.NewID()); len(other) != 0 {
			t.Fatalf("drafts of another team: %+v", other)
		}
		must(t, s.DeleteDraft(ctx, u.ID, ch.ID, ""))
		if _, err := s.GetDraft(ctx, u.ID, ch.ID, ""); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deleted draft: %v", err)
		}
		all, err := s.UserDrafts(ctx, u.ID)
		must(t, err)
		if len(all) != 1 || all[0].Message != "reply" {
			t.Fatalf("user drafts: %+v", all)
		}
	})
}
