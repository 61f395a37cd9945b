package sqlstore

import (
	"context"
	"errors"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// A queued mail is claimed by one caller only, and a failed delivery puts it
// back for later or ends it as failed.
func TestMailQueue(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		a := &model.QueuedMail{ID: model.NewID(), CreateAt: 10, To: "a@example.com", Subject: "A", Text: "a",
			Status: model.MailPending, NextAttemptAt: 10, UpdateAt: 10}
		b := &model.QueuedMail{ID: model.NewID(), CreateAt: 20, To: "b@example.com", Subject: "B", HTML: "<p>b</p>",
			Status: model.MailPending, NextAttemptAt: 500, UpdateAt: 20}
		must(t, s.EnqueueMail(ctx, a))
		must(t, s.EnqueueMail(ctx, b))
		if due, err := s.DueMail(ctx, 100, 10); err != nil || len(due) != 1 || due[0].ID != a.ID || due[0].Text != "a" {
			t.Fatalf("due at 100: %v, %v", due, err)
		}
		if ok, err := s.ClaimMail(ctx, b.ID, 100); err != nil || ok {
			t.Fatalf("claim before due: %v, %v", ok, err)
		}
		if ok, err := s.ClaimMail(ctx, a.ID, 100); err != nil || !ok {
			t.Fatalf("first claim: %v, %v", ok, err)
		}
		if ok, err := s.ClaimMail(ctx, a.ID, 100); err != nil || ok {
			t.Fatalf("second claim: %v, %v, want false", ok, err)
		}
		if due, err := s.DueMail(ctx, 100, 10); err != nil || len(due) != 0 {
			t.Fatalf("due after claim: %v, %v", due, err)
		}
		must(t, s.RetryMail(ctx, a.ID, 200, 110, "421 try later"))
		if err := s.RetryMail(ctx, a.ID, 300, 110, "again"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("retry of an unclaimed mail: %v, want ErrNotFound", err)
		}
		got, err := s.QueuedMail(ctx, a.ID)
		if err != nil || got.Status != model.MailPending || got.Attempts != 1 || got.NextAttemptAt != 200 || got.LastError != "421 try later" {
			t.Fatalf("after retry: %+v, %v", got, err)
		}
		if ok, err := s.ClaimMail(ctx, a.ID, 200); err != nil || !ok {
			t.Fatalf("claim when due again: %v, %v", ok, err)
		}
		must(t, s.RetryMail(ctx, a.ID, 0, 210, "550 no such user"))
		if got, _ := s.QueuedMail(ctx, a.ID); got.Status != model.MailFailed || got.Attempts != 2 {
			t.Fatalf("after giving up: %+v", got)
		}
		if due, err := s.DueMail(ctx, 1000, 10); err != nil || len(due) != 1 || due[0].ID != b.ID {
			t.Fatalf("due at 1000: %v, %v", due, err)
		}
	})
}

// A token serves once; a user's newer link voids the older ones.
func TestTokens(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		user := model.NewID()
		tk := &model.Token{Hash: "h1", Type: model.TokenTypePasswordRecovery, CreateAt: 5, UserID: user, Email: "a@example.com"}
		must(t, s.SaveToken(ctx, tk))
		if _, err := s.TakeToken(ctx, "h1", model.TokenTypeVerifyEmail); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("take with another type: %v", err)
		}
		got, err := s.TakeToken(ctx, "h1", model.TokenTypePasswordRecovery)
		if err != nil || *got != *tk {
			t.Fatalf("take: %+v, %v", got, err)
		}
		if _, err := s.TakeToken(ctx, "h1", model.TokenTypePasswordRecovery); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("second take: %v, want ErrNotFound", err)
		}
		must(t, s.SaveToken(ctx, &model.Token{Hash: "h2", Type: model.TokenTypePasswordRecovery, CreateAt: 6, UserID: user, Email: "a@example.com"}))
		must(t, s.SaveToken(ctx, &model.Token{Hash: "h3", Type: model.TokenTypeVerifyEmail, CreateAt: 7, UserID: user, Email: "a@example.com"}))
		must(t, s.DeleteUserTokens(ctx, user, model.TokenTypePasswordRecovery))
		if _, err := s.TakeToken(ctx, "h2", model.TokenTypePasswordRecovery); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("voided token: %v", err)
		}
		must(t, s.DeleteTokensBefore(ctx, 7))
		if _, err := s.TakeToken(ctx, "h3", model.TokenTypeVerifyEmail); err != nil {
			t.Fatalf("token at the cutoff: %v", err)
		}
	})
}
