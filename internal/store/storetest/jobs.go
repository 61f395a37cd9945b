package storetest

import (
	"testing"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func jobIDs(js []*model.Job) []string { return ids(js, func(j *model.Job) string { return j.ID }) }

func testJobs(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	ctx := f.ctx
	typ := name("job")
	mk := func(at int64) *model.Job {
		j := &model.Job{ID: model.NewID(), Type: typ, Priority: 1, CreateAt: at, Status: model.JobStatusPending, Data: model.StringMap{"file": "x.zip"}}
		must(t, s.SaveJob(ctx, j))
		return j
	}
	j1, j2, j3 := mk(10), mk(20), mk(30)
	sameJSON(t, "GetJob", get(s.GetJob(ctx, j1.ID))(t), j1)
	wantErr(t, "GetJob of nothing", second(s.GetJob(ctx, model.NewID())), store.ErrNotFound)
	wantErr(t, "SaveJob again", s.SaveJob(ctx, j1), store.ErrConflict)
	sameIDs(t, "ListJobsByType, newest first", jobIDs(get(s.ListJobsByType(ctx, typ, store.Page{Limit: 10}))(t)), []string{j3.ID, j2.ID, j1.ID})
	sameIDs(t, "ListJobsByType paged", jobIDs(get(s.ListJobsByType(ctx, typ, store.Page{Offset: 1, Limit: 1}))(t)), []string{j2.ID})
	mine := []string{j1.ID, j2.ID, j3.ID}
	sameIDs(t, "PendingJobs, oldest first", only(jobIDs(get(s.PendingJobs(ctx, 100000))(t)), mine), mine)

	// One runner claims a job; the second claim fails.
	must(t, s.ClaimJob(ctx, j1.ID, 100))
	wantErr(t, "ClaimJob of a claimed job", s.ClaimJob(ctx, j1.ID, 101), store.ErrNotFound)
	got := get(s.GetJob(ctx, j1.ID))(t)
	if got.Status != model.JobStatusInProgress || got.StartAt != 100 || got.LastActivityAt != 100 {
		t.Errorf("after ClaimJob: %+v", got)
	}
	sameIDs(t, "PendingJobs after a claim", only(jobIDs(get(s.PendingJobs(ctx, 100000))(t)), mine), []string{j2.ID, j3.ID})
	must(t, s.JobProgress(ctx, j1.ID, 40, 110))
	if got := get(s.GetJob(ctx, j1.ID))(t); got.Progress != 40 || got.LastActivityAt != 110 {
		t.Errorf("after JobProgress: progress %d activity %d", got.Progress, got.LastActivityAt)
	}
	wantErr(t, "JobProgress of a pending job", s.JobProgress(ctx, j2.ID, 1, 1), store.ErrNotFound)

	// A cancel cancels a pending job and asks a running one to stop.
	must(t, s.CancelJob(ctx, j2.ID, 120))
	must(t, s.CancelJob(ctx, j1.ID, 120))
	if got := get(s.GetJob(ctx, j2.ID))(t); got.Status != model.JobStatusCanceled {
		t.Errorf("a canceled pending job is %q", got.Status)
	}
	if got := get(s.GetJob(ctx, j1.ID))(t); got.Status != model.JobStatusCancelRequested || got.LastActivityAt != 120 {
		t.Errorf("a canceled running job is %q at %d", got.Status, got.LastActivityAt)
	}
	wantErr(t, "JobProgress once a cancel was requested", s.JobProgress(ctx, j1.ID, 50, 130), store.ErrNotFound)
	wantErr(t, "CancelJob of a canceled job", s.CancelJob(ctx, j2.ID, 130), store.ErrNotFound)

	end := &model.Job{ID: j1.ID, LastActivityAt: 140, Status: model.JobStatusCanceled, Progress: 50, Data: model.StringMap{"why": "asked"}}
	must(t, s.EndJob(ctx, end))
	got = get(s.GetJob(ctx, j1.ID))(t)
	if got.Status != model.JobStatusCanceled || got.Progress != 50 || got.Data["why"] != "asked" || got.LastActivityAt != 140 {
		t.Errorf("after EndJob: %+v", got)
	}
	wantErr(t, "EndJob of an ended job", s.EndJob(ctx, end), store.ErrNotFound)

	// A job without heartbeat since before is stale; one end wins.
	must(t, s.ClaimJob(ctx, j3.ID, 200))
	sameIDs(t, "StaleJobs before 200", only(jobIDs(get(s.StaleJobs(ctx, 200))(t)), mine), nil)
	sameIDs(t, "StaleJobs before 201", only(jobIDs(get(s.StaleJobs(ctx, 201))(t)), mine), []string{j3.ID})
	dead := &model.Job{ID: j3.ID, LastActivityAt: 300, Status: model.JobStatusError, Data: model.StringMap{"error": "node died"}}
	wantErr(t, "EndStaleJob of a job with a heartbeat since", s.EndStaleJob(ctx, dead, 200), store.ErrNotFound)
	must(t, s.EndStaleJob(ctx, dead, 201))
	if got := get(s.GetJob(ctx, j3.ID))(t); got.Status != model.JobStatusError || got.Data["error"] != "node died" {
		t.Errorf("after EndStaleJob: %+v", got)
	}
	wantErr(t, "EndJob after EndStaleJob", s.EndJob(ctx, &model.Job{ID: j3.ID, Status: model.JobStatusSuccess}), store.ErrNotFound)
}
