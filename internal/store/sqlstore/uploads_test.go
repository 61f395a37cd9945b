package sqlstore

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Upload sessions move on only from the offset a chunk started at, so of two
// requests racing at one offset exactly one is counted.
func TestUploadSessions(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		us := &model.UploadSession{ID: model.NewID(), Type: model.UploadTypeImport, CreateAt: 100, UserID: model.NewID(),
			Filename: "data.zip", FileSize: 30}
		must(t, s.SaveUploadSession(ctx, us))
		must(t, s.AddUploadPart(ctx, us.ID, 0, 10, "a"))
		if err := s.AddUploadPart(ctx, us.ID, 0, 12, "b"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("second chunk at offset 0: %v, want ErrNotFound", err)
		}
		must(t, s.AddUploadPart(ctx, us.ID, 10, 20, "c"))
		got, err := s.GetUploadSession(ctx, us.ID)
		if err != nil || got.FileOffset != 20 || !slices.Equal(got.Parts, []string{"a", "c"}) {
			t.Fatalf("session %+v, %v", got, err)
		}
		other := &model.UploadSession{ID: model.NewID(), Type: model.UploadTypeAttachment, CreateAt: 200, UserID: us.UserID,
			ChannelID: model.NewID(), Filename: "b.txt", FileSize: 5}
		must(t, s.SaveUploadSession(ctx, other))
		if l, err := s.UploadSessionsForUser(ctx, us.UserID); err != nil || len(l) != 2 || l[0].ID != us.ID {
			t.Fatalf("user's sessions %v, %v", l, err)
		}
		if l, err := s.UploadSessionsCreatedBefore(ctx, 150, 10); err != nil || len(l) != 1 || l[0].ID != us.ID {
			t.Fatalf("sessions created before 150: %v, %v", l, err)
		}
		if err := s.DeleteUploadSession(ctx, us.ID, 10); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("delete at a stale offset: %v, want ErrNotFound", err)
		}
		must(t, s.DeleteUploadSession(ctx, us.ID, 20))
		if _, err := s.GetUploadSession(ctx, us.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deleted session: %v", err)
		}
	})
}
