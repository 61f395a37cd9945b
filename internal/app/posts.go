package app

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func errPostNotFound() *model.AppError { return model.ErrNotFound("app.post.get.app_error", "post") }

// systemPost stores a system message in ch inside tx and counts it like any
// post, except join and leave messages, which are not counted.
func (a *App) systemPost(ctx context.Context, tx store.Store, ch *model.Channel, userID, typ string, props map[string]any) (*model.Post, error) {
	return a.systemMessage(ctx, tx, ch, userID, typ, "", props)
}

// systemMessage is systemPost with a message for clients that do not build
// one from the props. An action without a user (the command line) posts
// nothing, as in Mattermost: a post needs an author, and one without would
// be exported in a form no importer accepts.
func (a *App) systemMessage(ctx context.Context, tx store.Store, ch *model.Channel, userID, typ, msg string, props map[string]any) (*model.Post, error) {
	if userID == "" {
		return nil, nil
	}
	now := model.Now()
	p := &model.Post{ID: model.NewID(), CreateAt: now, UpdateAt: now, UserID: userID, ChannelID: ch.ID, Type: typ,
		Message: msg, Props: props}
	p.PreCommit()
	if err := tx.SavePost(ctx, p); err != nil {
		return nil, model.ErrInternal(err)
	}
	var err error
	if p.IsJoinLeaveMessage() {
		err = tx.TouchChannel(ctx, ch.ID, now)
	} else {
		err = tx.IncrementChannelCounts(ctx, ch.ID, now, true)
	}
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	a.publishTx(ctx, tx, postedEvent(p, ch, "System", nil))
	return p, nil
}

// postedEvent is the posted event of p in ch.
func postedEvent(p *model.Post, ch *model.Channel, senderName string, mentions []string) *model.Event {
	display := ch.DisplayName
	if ch.Type == model.ChannelDirect {
		display = senderName // a DM is shown under the sender's @username
	}
	data := map[string]any{
		"post": model.JSONString(p), "channel_display_name": display, "channel_name": ch.Name,
		"channel_type": ch.Type, "sender_name": senderName, "team_id": ch.TeamID, "set_online": true,
	}
	if len(mentions) > 0 {
		data["mentions"] = model.JSONString(mentions)
	}
	return model.NewEvent(model.EventPosted, model.Broadcast{ChannelID: ch.ID}, data)
}

// CreatePost stores a message, updates unread and mention counts and tells the channel.
func (a *App) CreatePost(ctx context.Context, s *model.Session, in *model.Post) (*model.Post, error) {
	// Mattermost checks create_post on whatever channel_id says: a missing or
	// malformed one is a channel the caller may not post in.
	if !model.IsValidID(in.ChannelID) {
		return nil, model.ErrForbidden()
	}
	// The channel, the poster's membership and user come in one query; only
	// a poster who is no member (or a channel that is missing) takes the
	// longer way, through the team's permissions.
	ch, member, sender, err := a.store.GetChannelPoster(ctx, in.ChannelID, s.UserID)
	switch {
	case err == nil:
		if !a.HasPermission(s, model.PermCreatePost) && !a.memberCanPost(ctx, s, ch, member) {
			return nil, model.ErrForbidden()
		}
	case errors.Is(err, store.ErrNotFound):
		if ch, err = a.store.GetChannel(ctx, in.ChannelID); err != nil {
			return nil, storeErr(err, model.ErrForbidden())
		}
		if !a.canPost(ctx, s, ch) {
			return nil, model.ErrForbidden()
		}
	default:
		return nil, model.ErrInternal(err)
	}
	if ch.DeleteAt > 0 {
		return nil, model.NewAppError(http.StatusBadRequest, "api.post.create_post.can_not_post_to_deleted.error",
			"Can not post to deleted channel.")
	}
	if in.Type != "" && in.Type != model.PostTypeMe {
		return nil, model.NewAppError(http.StatusBadRequest, "api.context.invalid_body_param.app_error",
			"Invalid or missing type in request body.")
	}
	if in.PendingPostID != "" {
		if prev, err := a.store.GetPostByPendingID(ctx, s.UserID, in.PendingPostID); err == nil && prev.ChannelID == ch.ID {
			return a.preparePost(ctx, prev)
		}
	}
	now := model.Now()
	p := &model.Post{ID: model.NewID(), CreateAt: now, UpdateAt: now, UserID: s.UserID, ChannelID: ch.ID,
		RootID: in.RootID, Message: in.Message, Type: in.Type, Props: in.Props, PendingPostID: in.PendingPostID,
		FileIDs: []string{}}
	if in.CreateAt > 0 && a.IsAdmin(s) {
		p.CreateAt, p.UpdateAt = in.CreateAt, in.CreateAt
	}
	delete(p.Props, "from_webhook")
	delete(p.Props, "from_bot")
	a.guardServerProps(s, nil, p.Props)
	if p.FileIDs, err = normalizeFileIDs(in.FileIDs); err != nil {
		return nil, err
	}
	p.PreCommit()
	if appErr := p.IsValid(); appErr != nil {
		return nil, appErr
	}
	var root *model.Post
	if p.RootID != "" {
		root, err = a.store.GetPost(ctx, p.RootID)
		if err != nil || root.ChannelID != ch.ID || root.RootID != "" || root.DeleteAt > 0 {
			return nil, model.NewAppError(http.StatusBadRequest, "api.post.create_post.root_id.app_error",
				"Invalid RootId parameter.")
		}
	}
	if sender == nil {
		if sender, err = a.store.GetUser(ctx, s.UserID); err != nil {
			return nil, storeErr(err, errUserNotFound())
		}
	}
	return a.savePost(ctx, p, ch, root, sender, true)
}

// canPost: channel members with create_post; team members in public channels.
func (a *App) canPost(ctx context.Context, s *model.Session, ch *model.Channel) bool {
	return a.HasChannelPermission(ctx, s, ch, model.PermCreatePost) || a.canPostPublic(ctx, s, ch)
}

// memberCanPost is canPost past the system roles, for a caller whose
// membership m was already read (nil: not a member).
func (a *App) memberCanPost(ctx context.Context, s *model.Session, ch *model.Channel, m *model.ChannelMember) bool {
	return a.memberHasChannelPermission(ctx, s, ch, m, model.PermCreatePost) || a.canPostPublic(ctx, s, ch)
}

// canPostPublic: a team member may post in the team's public channels.
func (a *App) canPostPublic(ctx context.Context, s *model.Session, ch *model.Channel) bool {
	return ch.Type == model.ChannelOpen && a.HasTeamPermission(ctx, s, ch.TeamID, model.PermCreatePostPublic)
}

// preparePost fills metadata (reactions) and clears deleted content.
func (a *App) preparePost(ctx context.Context, p *model.Post) (*model.Post, error) {
	l := model.NewPostList()
	l.Add(p)
	if err := a.fillMetadata(ctx, l); err != nil {
		return nil, err
	}
	return p, nil
}

// fillMetadata adds reactions, files and custom emoji to every post of a list,
// and blanks deleted posts.
func (a *App) fillMetadata(ctx context.Context, l *model.PostList) error {
	ids := make([]string, 0, len(l.Posts))
	for id, p := range l.Posts {
		if p.HasReactions {
			ids = append(ids, id)
		}
	}
	reactions, err := a.store.ListReactionsForPosts(ctx, ids)
	if err != nil {
		return model.ErrInternal(err)
	}
	for _, p := range l.Posts {
		stripActionIntegrations(p)
		p.Metadata = &model.PostMetadata{}
		if rs := reactions[p.ID]; len(rs) > 0 {
			p.Metadata.Reactions = rs
		}
		if p.DeleteAt > 0 {
			p.Message, p.Props, p.FileIDs, p.Metadata = "", map[string]any{}, []string{}, &model.PostMetadata{}
		}
	}
	if err := a.addFileAndEmojiMetadata(ctx, l); err != nil {
		return err
	}
	return a.addEmbeds(ctx, l)
}

// postForRead loads a post whose channel the caller may read.
func (a *App) postForRead(ctx context.Context, s *model.Session, id string) (*model.Post, *model.Channel, error) {
	p, err := a.store.GetPost(ctx, id)
	if err != nil {
		return nil, nil, storeErr(err, errPostNotFound())
	}
	ch, err := a.store.GetChannel(ctx, p.ChannelID)
	if err != nil {
		return nil, nil, storeErr(err, errPostNotFound())
	}
	if !a.CanReadChannel(ctx, s, ch) {
		return nil, nil, model.ErrForbidden()
	}
	if p.DeleteAt > 0 {
		return nil, nil, errPostNotFound()
	}
	return p, ch, nil
}

// postForReadByPost is postForRead for the endpoints Mattermost guards with
// SessionHasPermissionToChannelByPost. With no such post that check falls back
// to the system roles, so an unknown post is 403, not 404, unless they grant
// reading every channel (a system admin gets the 404).
func (a *App) postForReadByPost(ctx context.Context, s *model.Session, id string) (*model.Post, *model.Channel, error) {
	p, ch, err := a.postForRead(ctx, s, id)
	var ae *model.AppError
	if errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound && !a.HasPermission(s, model.PermReadChannel) {
		// A deleted post the caller can read stays 404: only a missing row is 403.
		if _, gerr := a.store.GetPost(ctx, id); errors.Is(gerr, store.ErrNotFound) {
			return nil, nil, model.ErrForbidden()
		}
	}
	return p, ch, err
}

// GetPost returns one live post.
func (a *App) GetPost(ctx context.Context, s *model.Session, id string) (*model.Post, error) {
	p, _, err := a.postForRead(ctx, s, id)
	if err != nil {
		return nil, err
	}
	return a.preparePost(ctx, p)
}

// GetPostsByIDs returns the readable live posts among ids.
func (a *App) GetPostsByIDs(ctx context.Context, s *model.Session, ids []string) ([]*model.Post, error) {
	ps, err := a.store.GetPostsByIDs(ctx, ids)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	l := model.NewPostList()
	readable := a.channelReader(ctx, s)
	for _, p := range ps {
		if readable(p.ChannelID) && p.DeleteAt == 0 {
			l.Add(p)
		}
	}
	if err := a.fillMetadata(ctx, l); err != nil {
		return nil, err
	}
	out := make([]*model.Post, 0, len(l.Order))
	for _, id := range l.Order {
		out = append(out, l.Posts[id])
	}
	return out, nil
}

// channelReader tells whether s may read a channel, looking each channel up
// once however many posts of it are checked.
func (a *App) channelReader(ctx context.Context, s *model.Session) func(channelID string) bool {
	readable := map[string]bool{}
	return func(channelID string) bool {
		ok, seen := readable[channelID]
		if !seen {
			ch, err := a.store.GetChannel(ctx, channelID)
			ok = err == nil && a.CanReadChannel(ctx, s, ch)
			readable[channelID] = ok
		}
		return ok
	}
}

// ChannelPostsQuery selects a window of a channel's posts.
type ChannelPostsQuery struct {
	Since          int64
	Before, After  string
	Page, PerPage  int
	SkipThreads    bool
	CollapsedRoots bool
}

// ChannelPosts returns a page of a channel's history as a PostList.
func (a *App) ChannelPosts(ctx context.Context, s *model.Session, channelID string, q ChannelPostsQuery) (*model.PostList, error) {
	if _, err := a.readableChannel(ctx, s, channelID); err != nil {
		return nil, err
	}
	l := model.NewPostList()
	var posts []*model.Post
	var err error
	pg := page(q.Page, q.PerPage)
	switch {
	case q.Since > 0:
		posts, err = a.store.PostsSince(ctx, channelID, q.Since, 1000)
		if err != nil {
			return nil, model.ErrInternal(err)
		}
		for _, p := range posts {
			l.Add(p)
		}
		return l, a.fillMetadata(ctx, l)
	case q.After != "":
		anchor, err := a.anchor(ctx, channelID, q.After)
		if err != nil {
			return nil, err
		}
		posts, err = a.store.PostsAfter(ctx, channelID, anchor.CreateAt, anchor.ID, pageWindow(pg))
		if err != nil {
			return nil, model.ErrInternal(err)
		}
		// Listed newest first: the walk away from the anchor is backwards.
		slices.Reverse(posts)
		var known bool
		posts, l.PrevPostID, l.NextPostID, known = cutWindow(pg, posts, anchor)
		slices.Reverse(posts)
		if !known {
			if l.PrevPostID, err = a.neighbour(ctx, channelID, posts[len(posts)-1], false); err != nil {
				return nil, err
			}
		}
	case q.Before != "":
		anchor, err := a.anchor(ctx, channelID, q.Before)
		if err != nil {
			return nil, err
		}
		// Older history is settled: a read replica serves it (the anchor
		// came from the primary).
		posts, err = a.store.LagTolerant().PostsBefore(ctx, channelID, anchor.CreateAt, anchor.ID, pageWindow(pg))
		if err != nil {
			return nil, model.ErrInternal(err)
		}
		var known bool
		if posts, l.NextPostID, l.PrevPostID, known = cutWindow(pg, posts, anchor); !known {
			if l.NextPostID, err = a.neighbour(ctx, channelID, posts[0], true); err != nil {
				return nil, err
			}
		}
	default:
		posts, err = a.store.ChannelPosts(ctx, channelID, pageWindow(pg))
		if err != nil {
			return nil, model.ErrInternal(err)
		}
		posts, l.NextPostID, l.PrevPostID, _ = cutWindow(pg, posts, nil)
	}
	for _, p := range posts {
		l.Add(p)
	}
	// The first page next to an anchor points back at it even when empty.
	if len(posts) == 0 && q.Page == 0 {
		if q.After != "" {
			l.PrevPostID = q.After
		} else if q.Before != "" {
			l.NextPostID = q.Before
		}
	}
	if err := a.addThreads(ctx, l, posts, q.SkipThreads); err != nil {
		return nil, err
	}
	return l, a.fillMetadata(ctx, l)
}

// pageWindow widens pg by the neighbour on each side that the page's own
// statement can read: the post before the offset, toward the anchor (or the
// channel's newest post), and the one past the page's end. This spares the
// two statements setNeighbours would run.
func pageWindow(pg store.Page) store.Page {
	if pg.Limit <= 0 {
		return pg // everything past the offset: no post lies beyond it
	}
	w := store.Page{Offset: pg.Offset, Limit: pg.Limit + 1}
	if w.Offset > 0 {
		w.Offset--
		w.Limit++
	}
	return w
}

// cutWindow splits rows read with pageWindow(pg), in the order the query
// walked (away from anchor; anchor nil: from the channel's newest post), into
// the page and the ids of its neighbours: back toward the anchor, forward
// past the page's end. An empty page has none, as setNeighbours gives. With no
// offset, the neighbour back is the anchor itself, the first listed post
// beyond the page's first; known is false when the anchor is deleted and so
// that neighbour is still to be read.
func cutWindow(pg store.Page, rows []*model.Post, anchor *model.Post) (page []*model.Post, back, forward string, known bool) {
	known = true
	switch {
	case pg.Offset > 0 && len(rows) > 0:
		back, rows = rows[0].ID, rows[1:]
	case pg.Offset == 0 && anchor != nil && anchor.DeleteAt == 0:
		back = anchor.ID
	case pg.Offset == 0 && anchor != nil:
		known = false
	}
	if pg.Limit > 0 && len(rows) > pg.Limit {
		forward, rows = rows[pg.Limit].ID, rows[:pg.Limit]
	}
	if len(rows) == 0 {
		return rows, "", "", true
	}
	return rows, back, forward, known
}

// neighbour is the id of the listed post next to p: newer or older.
func (a *App) neighbour(ctx context.Context, channelID string, p *model.Post, newer bool) (string, error) {
	var next []*model.Post
	var err error
	if newer {
		next, err = a.store.PostsAfter(ctx, channelID, p.CreateAt, p.ID, store.Page{Limit: 1})
	} else {
		next, err = a.store.PostsBefore(ctx, channelID, p.CreateAt, p.ID, store.Page{Limit: 1})
	}
	if err != nil {
		return "", model.ErrInternal(err)
	}
	if len(next) == 0 {
		return "", nil
	}
	return next[0].ID, nil
}

func (a *App) anchor(ctx context.Context, channelID, id string) (*model.Post, error) {
	p, err := a.store.GetPost(ctx, id)
	if err != nil || p.ChannelID != channelID {
		return nil, model.ErrInvalidURLParam("before/after")
	}
	return p, nil
}

// setNeighbours fills next_post_id and prev_post_id around the page.
func (a *App) setNeighbours(ctx context.Context, l *model.PostList, channelID string, posts []*model.Post) error {
	if len(posts) == 0 {
		return nil
	}
	var err error
	if l.NextPostID, err = a.neighbour(ctx, channelID, posts[0], true); err != nil {
		return err
	}
	l.PrevPostID, err = a.neighbour(ctx, channelID, posts[len(posts)-1], false)
	return err
}

// addThreads puts into l.Posts the roots (or whole threads) of replies on the page.
func (a *App) addThreads(ctx context.Context, l *model.PostList, posts []*model.Post, rootsOnly bool) error {
	var roots []string
	for _, p := range posts {
		if p.RootID != "" && !slices.Contains(roots, p.RootID) {
			roots = append(roots, p.RootID)
		}
	}
	if len(roots) == 0 {
		return nil
	}
	if rootsOnly {
		rs, err := a.store.GetPostsByIDs(ctx, roots)
		if err != nil {
			return model.ErrInternal(err)
		}
		for _, r := range rs {
			if _, ok := l.Posts[r.ID]; !ok {
				l.Posts[r.ID] = r
			}
		}
		return nil
	}
	threads, err := a.store.Threads(ctx, roots, posts)
	if err != nil {
		return model.ErrInternal(err)
	}
	for _, p := range threads {
		if _, ok := l.Posts[p.ID]; !ok {
			l.Posts[p.ID] = p
		}
	}
	return nil
}

// Thread returns the thread of a post (root or reply): root and all replies.
func (a *App) Thread(ctx context.Context, s *model.Session, postID string) (*model.PostList, error) {
	p, _, err := a.postForRead(ctx, s, postID)
	if err != nil {
		return nil, err
	}
	rootID := p.ID
	if p.RootID != "" {
		rootID = p.RootID
	}
	posts, err := a.store.Thread(ctx, rootID)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	l := model.NewPostList()
	for _, x := range posts {
		l.Add(x)
	}
	return l, a.fillMetadata(ctx, l)
}

// PostsAroundLastUnread returns posts around the user's last_viewed_at.
func (a *App) PostsAroundLastUnread(ctx context.Context, s *model.Session, userID, channelID string, before, after int, skipThreads bool) (*model.PostList, error) {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return nil, model.ErrForbidden()
	}
	if _, err := a.readableChannel(ctx, s, channelID); err != nil {
		return nil, err
	}
	m, err := a.store.GetChannelMember(ctx, channelID, userID)
	if err != nil {
		return nil, storeErr(err, errChannelMemberNotFound())
	}
	older, err := a.store.PostsBefore(ctx, channelID, m.LastViewedAt+1, "", store.Page{Limit: before})
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	newer, err := a.store.PostsAfter(ctx, channelID, m.LastViewedAt, "~", store.Page{Limit: after})
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	posts := append(newer, older...)
	if len(newer) == 0 {
		return a.ChannelPosts(ctx, s, channelID, ChannelPostsQuery{PerPage: before, SkipThreads: skipThreads})
	}
	l := model.NewPostList()
	for _, p := range posts {
		l.Add(p)
	}
	if err := a.setNeighbours(ctx, l, channelID, posts); err != nil {
		return nil, err
	}
	if err := a.addThreads(ctx, l, posts, skipThreads); err != nil {
		return nil, err
	}
	return l, a.fillMetadata(ctx, l)
}

// postForWrite loads a post the caller may edit or delete (perm for own posts,
// othersPerm for other people's).
func (a *App) postForWrite(ctx context.Context, s *model.Session, id, perm, othersPerm string) (*model.Post, *model.Channel, error) {
	p, ch, err := a.postForRead(ctx, s, id)
	if err != nil {
		return nil, nil, err
	}
	want := perm
	if p.UserID != s.UserID {
		want = othersPerm
	}
	if !a.HasChannelPermission(ctx, s, ch, want) {
		return nil, nil, model.ErrForbidden()
	}
	return p, ch, nil
}

// PatchPost edits a post's message, pin, props or files.
func (a *App) PatchPost(ctx context.Context, s *model.Session, id string, patch *model.PostPatch) (*model.Post, error) {
	p, ch, err := a.postForWrite(ctx, s, id, model.PermEditPost, model.PermEditOthersPosts)
	if err != nil {
		return nil, err
	}
	if ch.DeleteAt > 0 {
		return nil, model.NewAppError(http.StatusBadRequest, "api.post.patch_post.can_not_update_post_in_deleted.error",
			"Can not update a post in a deleted channel.")
	}
	if p.IsSystemMessage() {
		return nil, model.NewAppError(http.StatusBadRequest, "api.post.update_post.system_message.app_error",
			"Unable to update system message.")
	}
	if limit := a.Config().PostEditTimeLimitSec; limit >= 0 && p.UserID == s.UserID &&
		model.Now()-p.CreateAt > int64(time.Duration(limit)*time.Second/time.Millisecond) {
		return nil, model.NewAppError(http.StatusBadRequest, "api.post.update_post.permissions_time_limit.app_error",
			"Post edit is only allowed for the configured time limit. Please ask your System Administrator for details.")
	}
	now := model.Now()
	var replaced *model.PostVersion
	if patch.Message != nil && *patch.Message != p.Message {
		// Kept for compliance exports, which show what an edit replaced.
		replaced = &model.PostVersion{ID: model.NewID(), PostID: p.ID, ChannelID: p.ChannelID, UserID: p.UserID, RootID: p.RootID,
			CreateAt: p.CreateAt, EditAt: now, Message: p.Message, Type: p.Type, Props: p.Props, FileIDs: p.FileIDs}
		p.Message = *patch.Message
		p.EditAt = now
	}
	if patch.IsPinned != nil {
		p.IsPinned = *patch.IsPinned
	}
	if patch.Props != nil {
		next := *patch.Props
		if next == nil {
			next = map[string]any{}
		}
		a.guardServerProps(s, p.Props, next)
		p.Props = next
	}
	var fileIDs []string
	if patch.FileIDs != nil {
		if fileIDs, err = normalizeFileIDs(*patch.FileIDs); err != nil {
			return nil, err
		}
	}
	p.PreCommit()
	if appErr := p.IsValid(); appErr != nil {
		return nil, appErr
	}
	p.UpdateAt = now
	err = a.store.Tx(ctx, func(tx store.Store) error {
		if patch.FileIDs != nil {
			if err := setPostFiles(ctx, tx, p, s.UserID, fileIDs, now); err != nil {
				return err
			}
		}
		if replaced != nil {
			if err := tx.SavePostVersion(ctx, replaced); err != nil {
				return model.ErrInternal(err)
			}
		}
		return storeErr(tx.UpdatePost(ctx, p), errPostNotFound())
	})
	if err != nil {
		return nil, err
	}
	out, err := a.preparePost(ctx, p)
	if err != nil {
		return nil, err
	}
	a.publish(ctx, model.NewEvent(model.EventPostEdited, model.Broadcast{ChannelID: ch.ID},
		map[string]any{"post": model.JSONString(out)}))
	return out, nil
}

// DeletePost soft-deletes a post (and a root's replies).
func (a *App) DeletePost(ctx context.Context, s *model.Session, id string) error {
	p, ch, err := a.postForWrite(ctx, s, id, model.PermDeletePost, model.PermDeleteOthersPosts)
	if err != nil {
		return err
	}
	if ch.DeleteAt > 0 {
		return model.NewAppError(http.StatusBadRequest, "api.post.delete_post.can_not_delete_post_in_deleted.error",
			"Can not delete a post in a deleted channel.")
	}
	now := model.Now()
	err = a.store.Tx(ctx, func(tx store.Store) error {
		if err := tx.DeletePost(ctx, id, now, s.UserID); err != nil {
			return storeErr(err, errPostNotFound())
		}
		if err := tx.DeletePostFiles(ctx, id, now); err != nil {
			return model.ErrInternal(err)
		}
		if p.RootID != "" {
			return storeErr(tx.UpdateThreadStats(ctx, p.RootID, now), nil)
		}
		return nil
	})
	if err != nil {
		return err
	}
	p.DeleteAt, p.UpdateAt = now, now
	p.Message, p.Props = "", map[string]any{}
	data := map[string]any{"post": model.JSONString(p)}
	if s.UserID != "" {
		data["delete_by"] = s.UserID // for admins only (model.AudienceOf)
	}
	a.publish(ctx, model.NewEvent(model.EventPostDeleted, model.Broadcast{ChannelID: ch.ID}, data))
	return nil
}

// SetPinned pins or unpins a post.
func (a *App) SetPinned(ctx context.Context, s *model.Session, id string, pinned bool) error {
	p, ch, err := a.postForRead(ctx, s, id)
	var ae *model.AppError
	if errors.As(err, &ae) && ae.ID == "app.post.get.app_error" {
		// Mattermost's saveIsPinnedPost answers a post it cannot load
		// (unknown or deleted) with a permission error, admins included.
		return model.ErrForbidden()
	}
	if err != nil {
		return err
	}
	if !a.isMember(ctx, ch.ID, s.UserID) && !a.IsAdmin(s) {
		return model.ErrForbidden()
	}
	if ch.DeleteAt > 0 {
		return model.NewAppError(http.StatusBadRequest, "api.post.patch_post.can_not_update_post_in_deleted.error",
			"Can not update a post in a deleted channel.")
	}
	p.IsPinned = pinned
	p.UpdateAt = model.Now()
	if err := a.store.UpdatePost(ctx, p); err != nil {
		return storeErr(err, errPostNotFound())
	}
	out, err := a.preparePost(ctx, p)
	if err != nil {
		return err
	}
	a.publish(ctx, model.NewEvent(model.EventPostEdited, model.Broadcast{ChannelID: ch.ID},
		map[string]any{"post": model.JSONString(out)}))
	return nil
}

// PinnedPosts lists a channel's pinned posts, newest first.
func (a *App) PinnedPosts(ctx context.Context, s *model.Session, channelID string) (*model.PostList, error) {
	if _, err := a.readableChannel(ctx, s, channelID); err != nil {
		return nil, err
	}
	posts, err := a.store.PinnedPosts(ctx, channelID)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	l := model.NewPostList()
	for _, p := range posts {
		l.Add(p)
	}
	return l, a.fillMetadata(ctx, l)
}
