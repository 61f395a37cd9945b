package app

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Retention, as Mattermost's data retention: a global policy, and granular
// policies that name teams and channels. A channel's policy beats its team's,
// which beats the global one, also when it keeps posts forever. Legal holds
// keep what they cover from every policy.

// RetentionBatch is how many posts one deletion transaction removes.
const RetentionBatch = 1000

const dayMillis = int64(24 * time.Hour / time.Millisecond)

// maxPolicyName is the longest display name of a policy (Mattermost's system
// console allows 64 characters).
const maxPolicyName = 64

func errInvalidPolicy(message string) *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "ent.data_retention.policies.invalid_policy", message)
}

func errPolicyNotFound() *model.AppError {
	return model.ErrNotFound("ent.data_retention.policies.not_found", "retention policy")
}

// policyStoreErr turns a store error of a policy write into the API's: a
// missing or taken team or channel is a bad policy, as Mattermost answers.
func policyStoreErr(err error) error {
	var ref *store.RefError
	switch {
	case errors.As(err, &ref) && errors.Is(err, store.ErrConflict):
		return errInvalidPolicy("The " + ref.Kind + " " + ref.ID + " already belongs to retention policy " + ref.PolicyID +
			": a team or channel has at most one policy; remove it from that one first.").Wrap(err)
	case errors.As(err, &ref):
		return errInvalidPolicy("Unable to find the " + ref.Kind + " " + ref.ID + ".").Wrap(err)
	}
	return storeErr(err, errPolicyNotFound())
}

// GlobalRetention returns the server-wide policy (zero, keeping everything,
// when none is set).
func (a *App) GlobalRetention(ctx context.Context, s *model.Session) (*model.GlobalRetention, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	return a.globalRetention(ctx)
}

func (a *App) globalRetention(ctx context.Context) (*model.GlobalRetention, error) {
	g, err := a.store.GlobalRetention(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return &model.GlobalRetention{}, nil
	}
	return g, storeErr(err, nil)
}

// SetGlobalRetention replaces the server-wide policy.
func (a *App) SetGlobalRetention(ctx context.Context, s *model.Session, g *model.GlobalRetention) error {
	if !a.IsAdmin(s) {
		return model.ErrForbidden()
	}
	if g.PostDays < 0 || g.FileDays < 0 {
		return model.NewAppError(http.StatusBadRequest, "app.retention.days.app_error", "Retention periods cannot be negative.")
	}
	g.UpdateAt = model.Now()
	err := a.store.SaveGlobalRetention(ctx, g)
	a.audit(ctx, s, model.AuditRetentionPolicy, "global", "", err == nil,
		"post_days="+strconv.Itoa(g.PostDays)+" file_days="+strconv.Itoa(g.FileDays)+
			" preserve_pinned_posts="+strconv.FormatBool(g.PreservePinnedPosts))
	return storeErr(err, nil)
}

// RemoveGlobalRetention drops the server-wide policy: the server keeps
// everything no granular policy deletes.
func (a *App) RemoveGlobalRetention(ctx context.Context, s *model.Session) error {
	if !a.IsAdmin(s) {
		return model.ErrForbidden()
	}
	err := a.store.DeleteGlobalRetention(ctx)
	a.audit(ctx, s, model.AuditRetentionPolicy, "global", "", err == nil, "removed")
	return storeErr(err, model.ErrNotFound("app.retention.policy.missing.app_error", "retention policy"))
}

// GlobalRetentionPolicy is Mattermost's view of the global policy, for any
// signed-in user: clients hide what it is about to delete.
func (a *App) GlobalRetentionPolicy(ctx context.Context) (*model.GlobalRetentionPolicy, error) {
	g, err := a.globalRetention(ctx)
	if err != nil {
		return nil, err
	}
	now := model.Now()
	out := &model.GlobalRetentionPolicy{MessageDeletionEnabled: g.PostDays > 0, FileDeletionEnabled: g.FileDays > 0}
	if out.MessageDeletionEnabled {
		out.MessageRetentionCutoff = now - int64(g.PostDays)*dayMillis
	}
	if out.FileDeletionEnabled {
		out.FileRetentionCutoff = now - int64(g.FileDays)*dayMillis
	}
	return out, nil
}

// RetentionPolicies pages the granular policies by display name.
func (a *App) RetentionPolicies(ctx context.Context, s *model.Session, p, perPage int) (*model.RetentionPolicyWithTeamAndChannelCountsList, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	ps, err := a.store.ListRetentionPolicies(ctx, page(p, perPage))
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	n, err := a.store.CountRetentionPolicies(ctx)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	return &model.RetentionPolicyWithTeamAndChannelCountsList{Policies: ps, TotalCount: n}, nil
}

// RetentionPoliciesCount counts the granular policies.
func (a *App) RetentionPoliciesCount(ctx context.Context, s *model.Session) (int64, error) {
	if !a.IsAdmin(s) {
		return 0, model.ErrForbidden()
	}
	n, err := a.store.CountRetentionPolicies(ctx)
	return n, storeErr(err, nil)
}

// RetentionPolicy returns one granular policy.
func (a *App) RetentionPolicy(ctx context.Context, s *model.Session, id string) (*model.RetentionPolicyWithTeamAndChannelCounts, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	return a.retentionPolicy(ctx, id)
}

func (a *App) retentionPolicy(ctx context.Context, id string) (*model.RetentionPolicyWithTeamAndChannelCounts, error) {
	if !model.IsValidID(id) {
		return nil, errPolicyNotFound()
	}
	p, err := a.store.GetRetentionPolicy(ctx, id)
	return p, storeErr(err, errPolicyNotFound())
}

// validPolicy checks the fields a create or patch sets, and drops repeated ids.
func validPolicy(p *model.RetentionPolicyWithTeamAndChannelIDs, create bool) error {
	name := strings.TrimSpace(p.DisplayName)
	switch {
	case create && name == "":
		return errInvalidPolicy("A retention policy needs a display_name.")
	case p.DisplayName != "" && name == "", utf8.RuneCountInString(p.DisplayName) > maxPolicyName:
		return errInvalidPolicy("A retention policy's display_name has 1 to 64 characters.")
	case create && p.PostDuration == nil:
		return errInvalidPolicy("A retention policy needs a post_duration.")
	}
	for field, d := range map[string]*int64{"post_duration": p.PostDuration, "file_duration": p.FileDuration} {
		if d != nil && *d != model.KeepForever && *d < 1 {
			return errInvalidPolicy("A retention policy's " + field + " is -1 (keep forever) or a number of days, at least 1.")
		}
	}
	for field, ids := range map[string]*[]string{"team_ids": &p.TeamIDs, "channel_ids": &p.ChannelIDs} {
		if *ids == nil {
			continue
		}
		seen := map[string]bool{}
		out := []string{}
		for _, id := range *ids {
			if !model.IsValidID(id) {
				return errInvalidPolicy("Invalid id in " + field + ": " + strconv.Quote(id) + ".")
			}
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
		*ids = out
	}
	return nil
}

// CreateRetentionPolicy creates a granular policy with its teams and channels.
func (a *App) CreateRetentionPolicy(ctx context.Context, s *model.Session, p *model.RetentionPolicyWithTeamAndChannelIDs) (*model.RetentionPolicyWithTeamAndChannelCounts, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	if err := validPolicy(p, true); err != nil {
		return nil, err
	}
	p.ID = model.NewID()
	err := a.store.SaveRetentionPolicy(ctx, p, model.Now())
	a.audit(ctx, s, model.AuditRetentionPolicy, "retention_policy", p.ID, err == nil, policyDetails(p))
	if err != nil {
		return nil, policyStoreErr(err)
	}
	return a.retentionPolicy(ctx, p.ID)
}

func policyDetails(p *model.RetentionPolicyWithTeamAndChannelIDs) string {
	var d []string
	if p.DisplayName != "" {
		d = append(d, "display_name="+strconv.Quote(p.DisplayName))
	}
	if p.PostDuration != nil {
		d = append(d, "post_duration="+strconv.FormatInt(*p.PostDuration, 10))
	}
	if p.FileDuration != nil {
		d = append(d, "file_duration="+strconv.FormatInt(*p.FileDuration, 10))
	}
	if p.PreservePinnedPosts != nil {
		d = append(d, "preserve_pinned_posts="+strconv.FormatBool(*p.PreservePinnedPosts))
	}
	if p.TeamIDs != nil {
		d = append(d, "team_ids="+strings.Join(p.TeamIDs, ","))
	}
	if p.ChannelIDs != nil {
		d = append(d, "channel_ids="+strings.Join(p.ChannelIDs, ","))
	}
	return strings.Join(d, " ")
}

// PatchRetentionPolicy changes what the patch sets; team_ids and channel_ids,
// when given, replace the lists.
func (a *App) PatchRetentionPolicy(ctx context.Context, s *model.Session, p *model.RetentionPolicyWithTeamAndChannelIDs) (*model.RetentionPolicyWithTeamAndChannelCounts, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	if _, err := a.retentionPolicy(ctx, p.ID); err != nil {
		return nil, err
	}
	if err := validPolicy(p, false); err != nil {
		return nil, err
	}
	err := a.store.PatchRetentionPolicy(ctx, p, model.Now())
	a.audit(ctx, s, model.AuditRetentionPolicy, "retention_policy", p.ID, err == nil, policyDetails(p))
	if err != nil {
		return nil, policyStoreErr(err)
	}
	return a.retentionPolicy(ctx, p.ID)
}

// DeleteRetentionPolicy removes a granular policy: its teams and channels
// fall back to the next policy (their team's, or the global one).
func (a *App) DeleteRetentionPolicy(ctx context.Context, s *model.Session, id string) error {
	if !a.IsAdmin(s) {
		return model.ErrForbidden()
	}
	if _, err := a.retentionPolicy(ctx, id); err != nil {
		return err
	}
	err := a.store.DeleteRetentionPolicy(ctx, id)
	a.audit(ctx, s, model.AuditRetentionPolicy, "retention_policy", id, err == nil, "removed")
	return storeErr(err, errPolicyNotFound())
}

// RetentionPolicyTeams pages a policy's teams, those whose name or display
// name starts with term when it is not empty.
func (a *App) RetentionPolicyTeams(ctx context.Context, s *model.Session, id, term string, p, perPage int) ([]*model.Team, int64, error) {
	if !a.IsAdmin(s) {
		return nil, 0, model.ErrForbidden()
	}
	if _, err := a.retentionPolicy(ctx, id); err != nil {
		return nil, 0, err
	}
	ts, n, err := a.store.RetentionPolicyTeams(ctx, id, term, page(p, perPage))
	return ts, n, storeErr(err, nil)
}

// RetentionPolicyChannels pages a policy's channels, filtered as a channel
// search when q is not nil.
func (a *App) RetentionPolicyChannels(ctx context.Context, s *model.Session, id string, q *model.ChannelSearch, p, perPage int) ([]*model.ChannelWithTeamData, int64, error) {
	if !a.IsAdmin(s) {
		return nil, 0, model.ErrForbidden()
	}
	if _, err := a.retentionPolicy(ctx, id); err != nil {
		return nil, 0, err
	}
	cs, n, err := a.store.RetentionPolicyChannels(ctx, id, q, page(p, perPage))
	return cs, n, storeErr(err, nil)
}

// ChangeRetentionPolicyMembers adds or removes teams (kind "team") or
// channels ("channel") of a policy.
func (a *App) ChangeRetentionPolicyMembers(ctx context.Context, s *model.Session, id, kind string, add bool, ids []string) error {
	if !a.IsAdmin(s) {
		return model.ErrForbidden()
	}
	if _, err := a.retentionPolicy(ctx, id); err != nil {
		return err
	}
	p := &model.RetentionPolicyWithTeamAndChannelIDs{TeamIDs: ids}
	if kind == "channel" {
		p = &model.RetentionPolicyWithTeamAndChannelIDs{ChannelIDs: ids}
	}
	if err := validPolicy(p, false); err != nil {
		return err
	}
	var err error
	switch {
	case kind == "team" && add:
		err = a.store.AddRetentionPolicyTeams(ctx, id, p.TeamIDs)
	case kind == "team":
		err = a.store.RemoveRetentionPolicyTeams(ctx, id, p.TeamIDs)
	case add:
		err = a.store.AddRetentionPolicyChannels(ctx, id, p.ChannelIDs)
	default:
		err = a.store.RemoveRetentionPolicyChannels(ctx, id, p.ChannelIDs)
	}
	verb := "removed "
	if add {
		verb = "added "
	}
	a.audit(ctx, s, model.AuditRetentionPolicy, "retention_policy", id, err == nil, verb+kind+"s="+strings.Join(ids, ","))
	if err != nil {
		return policyStoreErr(err)
	}
	return nil
}

// UserTeamRetention lists the policies of a user's teams: to the user, or to
// a system admin.
func (a *App) UserTeamRetention(ctx context.Context, s *model.Session, userID string, p, perPage int) (*model.RetentionPolicyForTeamList, error) {
	if s.UserID != userID && !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	ps, n, err := a.store.UserTeamRetention(ctx, userID, page(p, perPage))
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	return &model.RetentionPolicyForTeamList{Policies: ps, TotalCount: n}, nil
}

// UserChannelRetention lists the policies of a user's channels: to the
// user, or to a system admin.
func (a *App) UserChannelRetention(ctx context.Context, s *model.Session, userID string, p, perPage int) (*model.RetentionPolicyForChannelList, error) {
	if s.UserID != userID && !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	ps, n, err := a.store.UserChannelRetention(ctx, userID, page(p, perPage))
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	return &model.RetentionPolicyForChannelList{Policies: ps, TotalCount: n}, nil
}

// RetentionResult counts what a retention run removed (or would remove).
// Scopes are "global" and the ids of granular policies.
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
// deleted or was never written. What a legal hold covers stays. With dryRun
// it only counts them.
func (a *App) RunRetention(ctx context.Context, s *model.Session, dryRun bool, batch int) (*RetentionResult, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	if batch <= 0 {
		batch = RetentionBatch
	}
	g, err := a.globalRetention(ctx)
	if err != nil {
		return nil, err
	}
	ps, err := a.store.ListRetentionPolicies(ctx, store.Page{})
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	// The global policy as a granular one: 0 days there keeps forever.
	scopes := []*model.RetentionPolicy{{ID: "", PostDuration: days(g.PostDays), FileDuration: days(g.FileDays),
		PreservePinnedPosts: g.PreservePinnedPosts}}
	for _, p := range ps {
		scopes = append(scopes, &p.RetentionPolicy)
	}
	now := model.Now()
	res := &RetentionResult{DryRun: dryRun, ByScope: map[string]int{}, FilesByScope: map[string]int{}}
	fail := func(err error) (*RetentionResult, error) {
		a.audit(ctx, s, model.AuditRetentionRun, "", "", false, "posts="+strconv.Itoa(res.Posts)+" files="+strconv.Itoa(res.Files))
		return res, model.ErrInternal(err)
	}
	for _, p := range scopes {
		key := p.ID
		if key == "" {
			key = "global"
		}
		// Mattermost's PreservePinnedPosts is server-wide: the global
		// policy's flag keeps pinned posts under every policy.
		q := store.ExpiredPostsQuery{PolicyID: p.ID, Limit: batch, PreservePinned: p.PreservePinnedPosts || g.PreservePinnedPosts}
		if d := p.PostDuration; d != nil && *d > 0 {
			q.Before = now - *d*dayMillis
			n, err := a.expire(ctx, q, dryRun, a.store.ExpiredPostIDs, a.store.DeletePostsPermanently)
			res.ByScope[key] = n
			res.Posts += n
			if err != nil {
				return fail(err)
			}
		}
		if d := p.FileDuration; d != nil && *d > 0 {
			q.Before = now - *d*dayMillis
			n, err := a.expire(ctx, q, dryRun, a.store.ExpiredFileIDs, a.store.RemoveFileInfos)
			res.FilesByScope[key] = n
			res.Files += n
			if err != nil {
				return fail(err)
			}
		}
	}
	if !dryRun {
		a.audit(ctx, s, model.AuditRetentionRun, "", "", true, "posts="+strconv.Itoa(res.Posts)+" files="+strconv.Itoa(res.Files))
	}
	return res, nil
}

// days is a global policy period as a granular one's: nil (nothing to do)
// for 0, which keeps forever.
func days(n int) *int64 {
	if n <= 0 {
		return nil
	}
	d := int64(n)
	return &d
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
