package app

import (
	"context"
	"errors"
	"net/http"

	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func errThreadNotFound() *model.AppError {
	return model.NewAppError(http.StatusNotFound, "app.user.get_threads_for_user.not_found", "Thread not found.")
}

// CRTEnabled tells whether collapsed reply threads are on for a user: the
// server's CollapsedThreads, and where it lets users choose, their
// display_settings/collapsed_reply_threads preference.
func (a *App) CRTEnabled(ctx context.Context, userID string) bool {
	switch a.Config().CollapsedThreads {
	case config.CollapsedThreadsAlwaysOn:
		return true
	case config.CollapsedThreadsDisabled:
		return false
	}
	on := a.Config().CollapsedThreads == config.CollapsedThreadsDefaultOn
	p, err := a.store.GetPreference(ctx, userID, model.PreferenceCategoryDisplaySettings, model.PreferenceNameCollapsedThreads)
	if err == nil {
		on = p.Value == "on"
	}
	return on
}

// ThreadsQuery is the query of GET /users/{id}/teams/{id}/threads.
type ThreadsQuery struct {
	store.ThreadQuery
	// Extended: participants are whole users, not ids only.
	Extended bool
	// TotalsOnly answers the counts without threads, ThreadsOnly the threads
	// without the counts.
	TotalsOnly, ThreadsOnly bool
}

// threadAccess checks that s may act on userID's threads in teamID: the user
// themselves or whoever may edit other users, with view_team.
func (a *App) threadAccess(ctx context.Context, s *model.Session, userID, teamID string) error {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) || !a.HasTeamPermission(ctx, s, teamID, model.PermViewTeam) {
		return model.ErrForbidden()
	}
	return nil
}

// UserThreads lists a user's followed threads in a team, with DMs and GMs.
func (a *App) UserThreads(ctx context.Context, s *model.Session, userID, teamID string, q ThreadsQuery) (*model.Threads, error) {
	if err := a.threadAccess(ctx, s, userID, teamID); err != nil {
		return nil, err
	}
	out := &model.Threads{Threads: []*model.ThreadResponse{}}
	if !q.ThreadsOnly {
		t, err := a.store.UserThreadTotals(ctx, userID, teamID)
		if err != nil {
			return nil, model.ErrInternal(err)
		}
		out.Total, out.TotalUnreadThreads, out.TotalUnreadMentions = t.Total, t.TotalUnreadThreads, t.TotalUnreadMentions
	}
	if q.TotalsOnly {
		return out, nil
	}
	rows, err := a.store.UserThreads(ctx, userID, teamID, q.ThreadQuery)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	if out.Threads, err = a.threadResponses(ctx, s, rows, q.Extended); err != nil {
		return nil, err
	}
	return out, nil
}

// threadResponses completes store rows with their root posts and participants.
func (a *App) threadResponses(ctx context.Context, s *model.Session, rows []*model.UserThread, extended bool) ([]*model.ThreadResponse, error) {
	out := make([]*model.ThreadResponse, 0, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.PostID)
	}
	posts, err := a.store.GetPostsByIDs(ctx, ids)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	l := model.NewPostList()
	for _, p := range posts {
		l.Add(p)
	}
	if err := a.fillMetadata(ctx, l); err != nil {
		return nil, err
	}
	parts, err := a.store.ThreadParticipants(ctx, ids)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	users := map[string]*model.User{}
	if extended {
		var all []string
		for _, us := range parts {
			all = append(all, us...)
		}
		found, err := a.store.GetUsersByIDs(ctx, all, 0)
		if err != nil {
			return nil, model.ErrInternal(err)
		}
		for _, u := range a.sanitizeAll(s, found) {
			users[u.ID] = u
		}
	}
	for _, r := range rows {
		p := l.Posts[r.PostID]
		if p == nil {
			continue // the root is gone for good
		}
		following := r.Following
		p.IsFollowing = &following
		t := &model.ThreadResponse{PostID: r.PostID, ReplyCount: p.ReplyCount, LastReplyAt: r.LastReplyAt,
			LastViewedAt: r.LastViewed, Participants: []*model.User{}, Post: p, UnreadReplies: r.UnreadReplies,
			UnreadMentions: r.UnreadMentions, IsFollowing: r.Following, DeleteAt: p.DeleteAt}
		for _, id := range parts[r.PostID] {
			if u := users[id]; u != nil {
				t.Participants = append(t.Participants, u)
			} else if !extended {
				t.Participants = append(t.Participants, &model.User{ID: id})
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// threadRoot loads the root post of a thread the caller may read.
func (a *App) threadRoot(ctx context.Context, s *model.Session, threadID string) (*model.Post, *model.Channel, error) {
	root, ch, err := a.postForRead(ctx, s, threadID)
	if err != nil {
		return nil, nil, err
	}
	if root.RootID != "" {
		return nil, nil, errThreadNotFound()
	}
	return root, ch, nil
}

// userThread is one thread of userID as the API answers it.
func (a *App) userThread(ctx context.Context, s *model.Session, userID, threadID string, extended bool) (*model.ThreadResponse, error) {
	row, err := a.store.UserThread(ctx, threadID, userID)
	if err != nil {
		return nil, storeErr(err, errThreadNotFound())
	}
	ts, err := a.threadResponses(ctx, s, []*model.UserThread{row}, extended)
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, errThreadNotFound()
	}
	return ts[0], nil
}

// UserThread is one thread of a user; 404 when they have no membership.
func (a *App) UserThread(ctx context.Context, s *model.Session, userID, teamID, threadID string, extended bool) (*model.ThreadResponse, error) {
	if err := a.threadAccess(ctx, s, userID, teamID); err != nil {
		return nil, err
	}
	if _, _, err := a.threadRoot(ctx, s, threadID); err != nil {
		return nil, err
	}
	return a.userThread(ctx, s, userID, threadID, extended)
}

// threadMentionsAfter counts the replies of a thread after at that mention userID.
func (a *App) threadMentionsAfter(ctx context.Context, ch *model.Channel, rootID, userID string, at int64) (int64, error) {
	posts, err := a.store.Thread(ctx, rootID)
	if err != nil {
		return 0, model.ErrInternal(err)
	}
	u, err := a.store.GetUser(ctx, userID)
	if err != nil {
		return 0, storeErr(err, errUserNotFound())
	}
	m, err := a.store.GetChannelMember(ctx, ch.ID, userID)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil // not in the channel: nothing there mentions them
	}
	if err != nil {
		return 0, model.ErrInternal(err)
	}
	groups, err := a.userMentionGroups(ctx, userID)
	if err != nil {
		return 0, err
	}
	target := []mentionTarget{{user: u, member: m, groups: groups}}
	var n int64
	for _, p := range posts {
		if p.RootID != "" && p.CreateAt > at && p.UserID != userID && len(mentionedUsers(p, ch, target)) > 0 {
			n++
		}
	}
	return n, nil
}

// ReadThread marks a thread read up to at (ms), as the user saw it.
func (a *App) ReadThread(ctx context.Context, s *model.Session, userID, teamID, threadID string, at int64) (*model.ThreadResponse, error) {
	return a.setThreadRead(ctx, s, userID, teamID, threadID, at)
}

// SetThreadUnread marks a thread unread from one of its posts on.
func (a *App) SetThreadUnread(ctx context.Context, s *model.Session, userID, teamID, threadID, postID string) (*model.ThreadResponse, error) {
	p, err := a.store.GetPost(ctx, postID)
	if err != nil {
		return nil, storeErr(err, errPostNotFound())
	}
	if p.ID != threadID && p.RootID != threadID {
		return nil, model.ErrInvalidURLParam("post_id")
	}
	return a.setThreadRead(ctx, s, userID, teamID, threadID, p.CreateAt-1)
}

func (a *App) setThreadRead(ctx context.Context, s *model.Session, userID, teamID, threadID string, at int64) (*model.ThreadResponse, error) {
	if err := a.threadAccess(ctx, s, userID, teamID); err != nil {
		return nil, err
	}
	root, ch, err := a.threadRoot(ctx, s, threadID)
	if err != nil {
		return nil, err
	}
	before, err := a.store.UserThread(ctx, threadID, userID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, model.ErrInternal(err)
	}
	mentions, err := a.threadMentionsAfter(ctx, ch, root.ID, userID, at)
	if err != nil {
		return nil, err
	}
	if err := a.store.SetThreadRead(ctx, root.ID, ch.ID, ch.TeamID, userID, at, mentions, model.Now()); err != nil {
		return nil, model.ErrInternal(err)
	}
	t, err := a.userThread(ctx, s, userID, threadID, false)
	if err != nil {
		return nil, err
	}
	data := map[string]any{"thread_id": threadID, "timestamp": at, "unread_mentions": t.UnreadMentions,
		"unread_replies": t.UnreadReplies, "channel_id": ch.ID}
	if before != nil {
		data["previous_unread_mentions"], data["previous_unread_replies"] = before.UnreadMentions, before.UnreadReplies
	}
	a.publish(ctx, model.NewEvent(model.EventThreadReadChanged, model.Broadcast{UserID: userID, TeamID: teamID}, data))
	return t, nil
}

// FollowThread follows or unfollows a thread for a user.
func (a *App) FollowThread(ctx context.Context, s *model.Session, userID, teamID, threadID string, follow bool) error {
	if err := a.threadAccess(ctx, s, userID, teamID); err != nil {
		return err
	}
	root, ch, err := a.threadRoot(ctx, s, threadID)
	if err != nil {
		return err
	}
	if err := a.store.SetThreadFollowing(ctx, root.ID, ch.ID, ch.TeamID, userID, follow, model.Now()); err != nil {
		return model.ErrInternal(err)
	}
	a.publish(ctx, model.NewEvent(model.EventThreadFollowChanged, model.Broadcast{UserID: userID, TeamID: teamID},
		map[string]any{"thread_id": root.ID, "state": follow, "reply_count": root.ReplyCount}))
	return nil
}

// ReadAllThreads marks every followed thread of a team (with DMs and GMs) read.
func (a *App) ReadAllThreads(ctx context.Context, s *model.Session, userID, teamID string) error {
	if err := a.threadAccess(ctx, s, userID, teamID); err != nil {
		return err
	}
	if err := a.store.MarkTeamThreadsRead(ctx, userID, teamID, model.Now()); err != nil {
		return model.ErrInternal(err)
	}
	a.publish(ctx, model.NewEvent(model.EventThreadReadChanged, model.Broadcast{UserID: userID, TeamID: teamID}, map[string]any{}))
	return nil
}

// followReply updates the thread memberships for a new reply inside tx: the
// root's author, the replier and the mentioned follow (ThreadAutoFollow).
func (a *App) followReply(ctx context.Context, tx store.Store, p *model.Post, root *model.Post, ch *model.Channel, mentions []string) error {
	if !a.Config().ThreadAutoFollow {
		return nil
	}
	return tx.ThreadReplied(ctx, store.ThreadReply{RootID: root.ID, ChannelID: ch.ID, TeamID: ch.TeamID, At: p.CreateAt,
		RootAuthorID: root.UserID, ReplierID: p.UserID, MentionedIDs: mentions})
}

// publishThreadUpdated tells each follower with collapsed threads on what a
// new reply did to their thread. Called once the reply is committed.
func (a *App) publishThreadUpdated(ctx context.Context, rootID string, ch *model.Channel, mentions []string, replierID string) {
	if a.Config().CollapsedThreads == config.CollapsedThreadsDisabled || !a.Config().ThreadAutoFollow {
		return
	}
	followers, err := a.store.ThreadFollowers(ctx, rootID)
	if err != nil {
		a.log.WarnContext(ctx, "thread followers", "root_id", rootID, "err", err)
		return
	}
	mentioned := map[string]bool{}
	for _, id := range mentions {
		mentioned[id] = true
	}
	for _, uid := range followers {
		if !a.CRTEnabled(ctx, uid) {
			continue
		}
		t, err := a.userThread(ctx, &model.Session{UserID: uid}, uid, rootID, false)
		if err != nil {
			a.log.WarnContext(ctx, "thread for event", "root_id", rootID, "user_id", uid, "err", err)
			continue
		}
		prevReplies, prevMentions := max(t.UnreadReplies-1, 0), t.UnreadMentions
		if uid == replierID {
			prevReplies = 0
		}
		if mentioned[uid] && uid != replierID {
			prevMentions = max(prevMentions-1, 0)
		}
		a.publish(ctx, model.NewEvent(model.EventThreadUpdated, model.Broadcast{UserID: uid, TeamID: ch.TeamID},
			map[string]any{"thread": model.JSONString(t), "previous_unread_replies": prevReplies,
				"previous_unread_mentions": prevMentions}))
	}
}

// markChannelThreadsRead is what viewing channels does to their threads for
// a client without collapsed threads: they are read too, as Mattermost does.
func (a *App) markChannelThreadsRead(ctx context.Context, userID string, channelIDs []string, at int64) {
	if len(channelIDs) == 0 || !a.Config().ThreadAutoFollow {
		return
	}
	if err := a.store.MarkChannelThreadsRead(ctx, userID, channelIDs, at); err != nil {
		a.log.WarnContext(ctx, "mark channel threads read", "user_id", userID, "err", err)
		return
	}
	for _, id := range channelIDs {
		a.publish(ctx, model.NewEvent(model.EventThreadReadChanged, model.Broadcast{UserID: userID, ChannelID: id},
			map[string]any{"timestamp": at}))
	}
}
