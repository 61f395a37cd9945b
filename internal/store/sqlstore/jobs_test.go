package sqlstore

import (
	"context"
	"errors"
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// A running job ends once: whichever of its runner (EndJob) and the stale-job
// sweep (EndStaleJob) writes first wins, and the other write changes nothing.
func TestJobEndsOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) {
		ctx := context.Background()
		running := func(beat int64) *model.Job {
			j := &model.Job{ID: model.NewID(), Type: model.JobTypeExportProcess, CreateAt: 1, StartAt: 1,
				LastActivityAt: beat, Status: model.JobStatusInProgress, Data: model.StringMap{}}
			if err := s.SaveJob(ctx, j); err != nil {
				t.Fatal(err)
			}
			return j
		}
		end := func(j *model.Job, status string) *model.Job {
			c := *j
			c.Status, c.LastActivityAt, c.Data = status, 500, model.StringMap{"by": status}
			return &c
		}

		// The sweep first: the runner's late success does not overwrite it.
		j := running(100)
		if err := s.EndStaleJob(ctx, end(j, model.JobStatusError), 200); err != nil {
			t.Fatalf("end stale job: %v", err)
		}
		if err := s.EndJob(ctx, end(j, model.JobStatusSuccess)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("runner's end after the sweep: %v, want ErrNotFound", err)
		}
		if got, _ := s.GetJob(ctx, j.ID); got.Status != model.JobStatusError || got.Data["by"] != model.JobStatusError {
			t.Errorf("after both ends: %s %v", got.Status, got.Data)
		}

		// The runner first: the sweep finds nothing to end.
		j = running(100)
		if err := s.EndJob(ctx, end(j, model.JobStatusSuccess)); err != nil {
			t.Fatalf("runner's end: %v", err)
		}
		if err := s.EndStaleJob(ctx, end(j, model.JobStatusError), 200); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("sweep after the runner's end: %v, want ErrNotFound", err)
		}
		if got, _ := s.GetJob(ctx, j.ID); got.Status != model.JobStatusSuccess || got.StartAt != 1 {
			t.Errorf("after both ends: %s start_at %d", got.Status, got.StartAt)
		}

		// A heartbeat since the cut-off keeps the job alive.
		j = running(300)
		if err := s.EndStaleJob(ctx, end(j, model.JobStatusError), 200); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("sweep of a job with a fresh heartbeat: %v, want ErrNotFound", err)
		}
		if stale, err := s.StaleJobs(ctx, 200); err != nil || len(stale) != 0 {
			t.Errorf("stale jobs = %v, %v; want none", stale, err)
		}
	})
}
