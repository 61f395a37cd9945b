package app

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Retention: a global policy plus per-team and per-channel ones say how many
// days messages, and how many days files, are kept. The most specific policy
// of a channel wins, also when it keeps them forever (0 days).

// RetentionBatch is how many posts one deletion transaction removes.
const RetentionBatch = 1000

const dayMillis = int64(24 * time.Hour / time.Millisecond)

// RetentionPolicies lists the policies in force.
func (a *App) RetentionPolicies(ctx context.Context, s *model.Session) ([]*model.RetentionPolicy, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	ps, err := a.store.ListRetentionPolicies(ctx)
	return ps, storeErr(err, nil)
}

// SetRetentionPolicy creates or replaces the policy of a scope.
func (a *App) SetRetentionPolicy(ctx context.Context, s *model.Session, p *model.RetentionPolicy) error {
	if !a.IsAdmin(s) {
		return model.ErrForbidden()
	}
	switch {
	case p.Scope == model.RetentionGlobal && p.TargetID == "":
	case p.Scope == model.RetentionTeam && model.IsValidID(p.TargetID):
	case p.Scope == model.RetentionChannel && model.IsValidID(p.TargetID):
	default:
		return model.ErrInvalidBody("scope")
	}
	if p.PostDays < 0 || p.FileDays < 0 {
		return model.NewAppError(http.StatusBadRequest, "app.retention.days.app_error", "Retention periods cannot be negative.")
	}
	p.UpdateAt = model.Now()
	err := a.store.SaveRetentionPolicy(ctx, p)
	a.audit(ctx, s, model.AuditRetentionPolicy, p.Scope, p.TargetID, err == nil,
		"post_days="+strconv.Itoa(p.PostDays)+" file_days="+strconv.Itoa(p.FileDays))
	return storeErr(err, nil)
}

// RemoveRetentionPolicy drops the policy of a scope.
func (a *App) RemoveRetentionPolicy(ctx context.Context, s *model.Session, scope, targetID string) error {
	if !a.IsAdmin(s) {
		return model.ErrForbidden()
	}
	err := a.store.DeleteRetentionPolicy(ctx, scope, targetID)
	a.audit(ctx, s, model.AuditRetentionPolicy, scope, targetID, err == nil, "removed")
	return storeErr(err, model.ErrNotFound("app.retention.policy.missing.app_error", "retention policy"))
}

// RetentionResult counts what a retention run removed (or would remove).
type RetentionResult struct {
	DryRun  bool           `json:"dry_run"`
	Posts   int            `json:"posts"`
	ByScope map[string]int `json:"by_scope"`
	// Files counts the files removed for their age (file_days); the files of
	// expired posts go with the posts and are not counted here.
	Files        int            `json:"files"`
	FilesByScope map[string]int `json:"files_by_scope"`
}

// RunRetention deletes the posts, then the files, every policy has let
// expire, in transactions of at most batch rows so the server keeps serving in
// between. A file expires by its upload time, whether its post is live,
// deleted or was never written. With dryRun it only counts them.
func (a *App) RunRetention(ctx context.Context, s *model.Session, dryRun bool, batch int) (*RetentionResult, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	if batch <= 0 {
		batch = RetentionBatch
	}
	ps, err := a.store.ListRetentionPolicies(ctx)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	var channels, teams []string
	for _, p := range ps {
		switch p.Scope {
		case model.RetentionChannel:
			channels = append(channels, p.TargetID)
		case model.RetentionTeam:
			teams = append(teams, p.TargetID)
		}
	}
	now := model.Now()
	res := &RetentionResult{DryRun: dryRun, ByScope: map[string]int{}, FilesByScope: map[string]int{}}
	detail := func() string { return "posts=" + strconv.Itoa(res.Posts) + " files=" + strconv.Itoa(res.Files) }
	for _, p := range ps {
		if p.PostDays <= 0 && p.FileDays <= 0 {
			continue
		}
		q := store.ExpiredPostsQuery{Limit: batch}
		switch p.Scope {
		case model.RetentionChannel:
			q.ChannelID = p.TargetID
		case model.RetentionTeam:
			q.TeamID, q.ExceptChannels = p.TargetID, channels
		default:
			q.ExceptChannels, q.ExceptTeams = channels, teams
		}
		key := p.Scope
		if p.TargetID != "" {
			key += ":" + p.TargetID
		}
		if p.PostDays > 0 {
			q.Before = now - int64(p.PostDays)*dayMillis
			n, err := a.expire(ctx, q, dryRun, a.store.ExpiredPostIDs, a.store.DeletePostsPermanently)
			res.ByScope[key] = n
			res.Posts += n
			if err != nil {
				a.audit(ctx, s, model.AuditRetentionRun, "", "", false, detail())
				return res, model.ErrInternal(err)
			}
		}
		if p.FileDays > 0 {
			q.Before = now - int64(p.FileDays)*dayMillis
			n, err := a.expire(ctx, q, dryRun, a.store.ExpiredFileIDs, a.store.RemoveFileInfos)
			res.FilesByScope[key] = n
			res.Files += n
			if err != nil {
				a.audit(ctx, s, model.AuditRetentionRun, "", "", false, detail())
				return res, model.ErrInternal(err)
			}
		}
	}
	if !dryRun {
		a.audit(ctx, s, model.AuditRetentionRun, "", "", true, detail())
	}
	return res, nil
}

// expire deletes (or counts) the rows of one query, posts or files, batch by
// batch; their stored bytes are removed as each batch commits.
func (a *App) expire(ctx context.Context, q store.ExpiredPostsQuery, dryRun bool,
	list func(context.Context, store.ExpiredPostsQuery) ([]string, error), remove func(context.Context, []string) error) (int, error) {
	if dryRun {
		q.Limit = 1 << 30
		ids, err := list(ctx, q)
		return len(ids), err
	}
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		ids, err := list(ctx, q)
		if err != nil {
			return total, err
		}
		if err := remove(ctx, ids); err != nil {
			return total, err
		}
		a.drainPurges(ctx)
		total += len(ids)
		if len(ids) < q.Limit {
			return total, nil
		}
	}
}

// RetentionLoop runs retention, of posts and of import and export files, and
// removes expired upload sessions, every interval until ctx ends.
func (a *App) RetentionLoop(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := a.SweepTransferFiles(ctx, time.Now()); err != nil {
				a.log.ErrorContext(ctx, "import and export file retention", "err", err)
			}
			a.SweepUploads(ctx, time.Now())
			res, err := a.RunRetention(ctx, SystemSession(), false, RetentionBatch)
			if err != nil {
				a.log.ErrorContext(ctx, "retention run", "err", err)
				continue
			}
			if res.Posts > 0 || res.Files > 0 {
				a.log.InfoContext(ctx, "retention removed expired posts and files", "posts", res.Posts, "files", res.Files)
			}
		}
	}
}
