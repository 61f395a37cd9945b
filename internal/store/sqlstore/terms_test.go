package sqlstore

import (
	"context"
	"errors"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func TestTermsOfServiceStore(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		if _, err := s.LatestTermsOfService(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("latest of none: %v", err)
		}
		admin, u := newUser("lawyer"), newUser("reader")
		must(t, s.SaveUser(ctx, admin))
		must(t, s.SaveUser(ctx, u))
		first := &model.TermsOfService{ID: model.NewID(), CreateAt: 100, UserID: admin.ID, Text: "# Rules\nBe kind."}
		second := &model.TermsOfService{ID: model.NewID(), CreateAt: 200, UserID: admin.ID, Text: "Be kinder."}
		must(t, s.SaveTermsOfService(ctx, first))
		must(t, s.SaveTermsOfService(ctx, second))
		latest, err := s.LatestTermsOfService(ctx)
		must(t, err)
		if *latest != *second {
			t.Fatalf("latest %+v, want %+v", latest, second)
		}
		got, err := s.GetTermsOfService(ctx, first.ID)
		must(t, err)
		if *got != *first {
			t.Fatalf("by id %+v, want %+v", got, first)
		}
		if _, err := s.GetTermsOfService(ctx, model.NewID()); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown version: %v", err)
		}

		if _, err := s.GetUserTermsOfService(ctx, u.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("acceptance of none: %v", err)
		}
		must(t, s.SaveUserTermsOfService(ctx, &model.UserTermsOfService{UserID: u.ID, TermsOfServiceID: first.ID, CreateAt: 150}))
		// Accepting a newer version replaces the record.
		must(t, s.SaveUserTermsOfService(ctx, &model.UserTermsOfService{UserID: u.ID, TermsOfServiceID: second.ID, CreateAt: 250}))
		acc, err := s.GetUserTermsOfService(ctx, u.ID)
		must(t, err)
		if acc.TermsOfServiceID != second.ID || acc.CreateAt != 250 || acc.UserID != u.ID {
			t.Fatalf("acceptance %+v", acc)
		}
		// Declining another version leaves the acceptance; declining it removes it.
		must(t, s.DeleteUserTermsOfService(ctx, u.ID, first.ID))
		if _, err := s.GetUserTermsOfService(ctx, u.ID); err != nil {
			t.Fatalf("after declining an older version: %v", err)
		}
		must(t, s.DeleteUserTermsOfService(ctx, u.ID, second.ID))
		if _, err := s.GetUserTermsOfService(ctx, u.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("after declining: %v", err)
		}
		// An acceptance must name a published version.
		if err := s.SaveUserTermsOfService(ctx, &model.UserTermsOfService{UserID: u.ID, TermsOfServiceID: model.NewID(), CreateAt: 1}); err == nil {
			t.Fatal("accepted a version that does not exist")
		}
		// Erasing the user removes their acceptance with them.
		must(t, s.SaveUserTermsOfService(ctx, &model.UserTermsOfService{UserID: u.ID, TermsOfServiceID: second.ID, CreateAt: 300}))
		must(t, s.PurgeUser(ctx, u.ID, ""))
		if _, err := s.GetUserTermsOfService(ctx, u.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("acceptance of an erased user: %v", err)
		}
	})
}
