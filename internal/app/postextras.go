package app

import (
	"context"
	"errors"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// FlaggedPosts lists the posts a user saved (preference flagged_post), newest
// first, leaving out those in channels the caller can no longer read.
func (a *App) FlaggedPosts(ctx context.Context, s *model.Session, userID, teamID, channelID string, page, perPage int) (*model.PostList, error) {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return nil, model.ErrForbidden()
	}
	l := model.NewPostList()
	if perPage <= 0 {
		return l, nil
	}
	posts, err := a.store.FlaggedPosts(ctx, userID, teamID, channelID, store.Page{Offset: page * perPage, Limit: perPage})
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	readable := a.channelReader(ctx, s)
	for _, p := range posts {
		if readable(p.ChannelID) {
			l.Add(p)
		}
	}
	return l, a.fillMetadata(ctx, l)
}

// MarkUnreadFromPost makes a channel unread for userID from postID on: the
// posts from it count as unread again, and so do the ones among them that
// mention the user. The user hears of it (post_unread) on every connection.
func (a *App) MarkUnreadFromPost(ctx context.Context, s *model.Session, userID, postID string) (*model.ChannelUnreadAt, error) {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return nil, model.ErrForbidden()
	}
	post, ch, err := a.postForReadByPost(ctx, s, postID)
	if err != nil {
		return nil, err
	}
	m, err := a.store.GetChannelMember(ctx, ch.ID, userID)
	if err != nil {
		return nil, storeErr(err, errChannelMemberNotFound())
	}
	u, err := a.store.GetUser(ctx, userID)
	if err != nil {
		return nil, storeErr(err, errUserNotFound())
	}
	unread, err := a.store.PostsFrom(ctx, ch.ID, post.CreateAt)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	var c model.UnreadCounts
	groups, err := a.userMentionGroups(ctx, userID)
	if err != nil {
		return nil, err
	}
	target := []mentionTarget{{user: u, member: m, groups: groups}}
	for _, p := range unread {
		c.Posts++
		if p.RootID == "" {
			c.Roots++
		}
		if len(mentionedUsers(p, ch, target)) > 0 {
			c.Mentions++
			if p.RootID == "" {
				c.MentionsRoot++
			}
		}
	}
	lastViewed := post.CreateAt - 1
	if err := a.store.MarkUnread(ctx, ch.ID, userID, lastViewed, c, model.Now()); err != nil {
		return nil, storeErr(err, errChannelMemberNotFound())
	}
	if m, err = a.store.GetChannelMember(ctx, ch.ID, userID); err != nil {
		return nil, storeErr(err, errChannelMemberNotFound())
	}
	out := &model.ChannelUnreadAt{TeamID: ch.TeamID, UserID: userID, ChannelID: ch.ID, MsgCount: m.MsgCount,
		MentionCount: m.MentionCount, MentionCountRoot: m.MentionCountRoot, UrgentMentionCount: m.UrgentMentionCount,
		MsgCountRoot: m.MsgCountRoot, LastViewedAt: m.LastViewedAt, NotifyProps: m.NotifyProps}
	a.publish(ctx, model.NewEvent(model.EventPostUnread, model.Broadcast{UserID: userID, ChannelID: ch.ID, TeamID: ch.TeamID},
		map[string]any{"msg_count": out.MsgCount, "msg_count_root": out.MsgCountRoot, "mention_count": out.MentionCount,
			"mention_count_root": out.MentionCountRoot, "urgent_mention_count": out.UrgentMentionCount,
			"last_viewed_at": out.LastViewedAt, "post_id": post.ID}))
	a.updateBadge(ctx, userID)
	return out, nil
}

// PostInfo tells where a post is, for a permalink into a channel the caller
// has not joined but could: a public channel of a team they are in or may
// join. Anything else is not found, so that nothing is told of channels and
// teams the caller could not open.
func (a *App) PostInfo(ctx context.Context, s *model.Session, postID string) (*model.PostInfo, error) {
	p, err := a.store.GetPost(ctx, postID)
	if err != nil {
		return nil, storeErr(err, errPostNotFound())
	}
	if p.DeleteAt > 0 {
		return nil, errPostNotFound()
	}
	ch, err := a.store.GetChannel(ctx, p.ChannelID)
	if err != nil {
		return nil, storeErr(err, errPostNotFound())
	}
	info := &model.PostInfo{ChannelID: ch.ID, ChannelType: ch.Type, ChannelDisplayName: ch.DisplayName}
	if ch.TeamID != "" {
		t, err := a.store.GetTeam(ctx, ch.TeamID)
		if err != nil {
			return nil, storeErr(err, errPostNotFound())
		}
		tm, err := a.store.GetTeamMember(ctx, t.ID, s.UserID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, model.ErrInternal(err)
		}
		info.HasJoinedTeam = err == nil && tm.DeleteAt == 0
		joinPerm := model.PermJoinPrivateTeams
		info.TeamType = model.TeamInvite
		if t.AllowOpenInvite {
			joinPerm, info.TeamType = model.PermJoinPublicTeams, model.TeamOpen
		}
		if !info.HasJoinedTeam && !a.HasPermission(s, joinPerm) {
			return nil, errPostNotFound()
		}
		info.TeamID, info.TeamDisplayName = t.ID, t.DisplayName
	}
	_, err = a.store.GetChannelMember(ctx, ch.ID, s.UserID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, model.ErrInternal(err)
	}
	info.HasJoinedChannel = err == nil
	if !info.HasJoinedChannel {
		var ok bool
		switch ch.Type {
		case model.ChannelOpen:
			ok = true
		case model.ChannelPrivate:
			ok = a.HasTeamPermission(ctx, s, ch.TeamID, model.PermManagePrivateMembers)
		default:
			ok = a.HasPermission(s, model.PermManageSystem)
		}
		if !ok {
			return nil, errPostNotFound()
		}
	}
	return info, nil
}
