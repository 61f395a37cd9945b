package bulkio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/bulk"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// postKey is a post's natural key within its channel: author, time, message
// and thread root.
type postKey struct {
	user, root, message string
	createAt            int64
}

// preparedPost is one line of a post batch with its names resolved.
type preparedPost struct {
	bl      *bulkLine
	channel *model.Channel
	root    *bulk.PostBody
	replies []bulk.PostBody
	field   string
}

// applyPosts writes a batch of post or direct_post lines: it resolves names,
// finds which posts already exist (by channel, author, create_at and
// message, so that re-importing changes nothing), inserts the new ones with
// multi-row statements and updates the rest.
func (im *importer) applyPosts(ctx context.Context, tx *app.Batch, b []*bulkLine) *bulk.Error {
	prepared := make([]preparedPost, 0, len(b))
	byChannel := map[string][]int64{}
	for _, bl := range b {
		pp := preparedPost{bl: bl}
		if p := bl.l.Post; p != nil {
			ch, err := im.channel(ctx, tx, *p.Team, *p.Channel)
			if err != nil {
				if _, terr := im.teamID(ctx, tx, *p.Team); terr != nil {
					return notFound(bl, "post.team", "app.import.import_post.team_not_found.error", "team "+*p.Team)
				}
				return notFound(bl, "post.channel", "app.import.import_post.channel_not_found.error", "channel "+*p.Team+"/"+*p.Channel)
			}
			pp.channel, pp.root, pp.field = ch, &p.PostBody, "post"
			if p.Replies != nil {
				pp.replies = *p.Replies
			}
		} else {
			d := bl.l.DirectPost
			ch, e := im.directChannel(ctx, tx, bl, "direct_post.channel_members", *d.ChannelMembers)
			if e != nil {
				return e
			}
			pp.channel, pp.root, pp.field = ch, &d.PostBody, "direct_post"
			if d.Replies != nil {
				pp.replies = *d.Replies
			}
		}
		byChannel[pp.channel.ID] = append(byChannel[pp.channel.ID], *pp.root.CreateAt)
		for _, r := range pp.replies {
			byChannel[pp.channel.ID] = append(byChannel[pp.channel.ID], *r.CreateAt)
		}
		prepared = append(prepared, pp)
	}
	existing := map[string]map[postKey]*model.Post{}
	for chID, times := range byChannel {
		ps, err := tx.PostsAt(ctx, chID, times)
		if err != nil {
			return internalErr(b[0], "", err)
		}
		m := make(map[postKey]*model.Post, len(ps))
		for _, p := range ps {
			m[postKey{p.UserID, p.RootID, p.Message, p.CreateAt}] = p
		}
		existing[chID] = m
	}

	w := &postWriter{im: im, now: model.Now()}
	for i := range prepared {
		if e := w.add(ctx, tx, &prepared[i], existing[prepared[i].channel.ID]); e != nil {
			return e
		}
	}
	return w.flush(ctx, tx, b[0])
}

// postWriter gathers a batch's writes so they go out as a few statements.
type postWriter struct {
	im        *importer
	now       int64
	inserts   []*model.Post
	updates   []*model.Post
	reactions []*model.Reaction
	files     []*model.FileInfo
	prefs     []model.Preference
	threads   []string // existing roots that got new replies
	followers []importedFollower
	counts    map[string]int
}

func (w *postWriter) tally(kind string, n int) {
	if w.counts == nil {
		w.counts = map[string]int{}
	}
	w.counts[kind] += n
}

func (w *postWriter) add(ctx context.Context, tx *app.Batch, pp *preparedPost, existing map[postKey]*model.Post) *bulk.Error {
	root, isNew, e := w.post(ctx, tx, pp, pp.field, pp.root, "", existing)
	if e != nil {
		return e
	}
	if isNew {
		kind := "posts"
		if pp.field == "direct_post" {
			kind = "direct_posts"
		}
		w.tally(kind, 1)
	}
	newReplies := 0
	for i := range pp.replies {
		r := &pp.replies[i]
		reply, replyNew, e := w.post(ctx, tx, pp, fmt.Sprintf("%s.replies[%d]", pp.field, i), r, root.ID, existing)
		if e != nil {
			return e
		}
		if replyNew {
			newReplies++
			if isNew {
				root.ReplyCount++
				root.LastReplyAt = max(root.LastReplyAt, reply.CreateAt)
			}
		}
	}
	w.tally("replies", newReplies)
	if newReplies > 0 && !isNew {
		w.threads = append(w.threads, root.ID)
	}
	if pp.root.ThreadFollowers != nil {
		for i, f := range *pp.root.ThreadFollowers {
			uid, err := w.im.userID(ctx, tx, *f.User)
			if err != nil {
				return notFound(pp.bl, fmt.Sprintf("%s.thread_followers[%d].user", pp.field, i),
					"app.import.import_post.user_not_found.error", "user "+*f.User)
			}
			m := &model.ThreadMembership{PostID: root.ID, UserID: uid, Following: true, LastUpdated: w.now}
			set(&m.LastViewed, f.LastViewed)
			set(&m.UnreadMentions, f.UnreadMentions)
			if !isNew {
				old, err := tx.GetThreadMembership(ctx, root.ID, uid)
				if err == nil && old.Following && old.LastViewed == m.LastViewed && old.UnreadMentions == m.UnreadMentions {
					continue // imported before: nothing changes
				}
				if err != nil && !errors.Is(err, store.ErrNotFound) {
					return internalErr(pp.bl, fmt.Sprintf("%s.thread_followers[%d]", pp.field, i), err)
				}
			}
			w.followers = append(w.followers, importedFollower{m: m, channelID: pp.channel.ID, teamID: pp.channel.TeamID})
		}
	}
	return nil
}

// importedFollower is a thread_followers entry of a root post, written once
// the root is stored.
type importedFollower struct {
	m                 *model.ThreadMembership
	channelID, teamID string
}

// post prepares one post or reply: a new row, or the update of a stored one.
func (w *postWriter) post(ctx context.Context, tx *app.Batch, pp *preparedPost, field string, d *bulk.PostBody, rootID string,
	existing map[postKey]*model.Post) (*model.Post, bool, *bulk.Error) {
	im := w.im
	userID, err := im.userID(ctx, tx, *d.User)
	if err != nil {
		return nil, false, notFound(pp.bl, field+".user", "app.import.import_post.user_not_found.error", "user "+*d.User)
	}
	p, found := existing[postKey{userID, rootID, *d.Message, *d.CreateAt}]
	isNew := !found
	if isNew {
		p = &model.Post{ID: im.postIDs.Next(), CreateAt: *d.CreateAt, UpdateAt: *d.CreateAt, UserID: userID, ChannelID: pp.channel.ID,
			RootID: rootID, Message: *d.Message}
	}
	changed := set(&p.Type, d.Type)
	changed = set(&p.EditAt, d.EditAt) || changed
	changed = set(&p.IsPinned, d.IsPinned) || changed
	if d.Props != nil {
		old, _ := json.Marshal(p.Props)
		nw, _ := json.Marshal(*d.Props)
		if string(old) != string(nw) {
			p.Props, changed = *d.Props, true
		}
	}
	if isNew {
		p.UpdateAt = max(p.CreateAt, p.EditAt)
	}
	filesChanged, e := w.attachments(ctx, tx, pp, field, p, isNew, d.Attachments)
	if e != nil {
		return nil, false, e
	}
	changed = filesChanged || changed
	if d.Reactions != nil && len(*d.Reactions) > 0 {
		stored := map[[2]string]bool{}
		if !isNew && p.HasReactions {
			rs, err := tx.ListReactions(ctx, p.ID)
			if err != nil {
				return nil, false, internalErr(pp.bl, field+".reactions", err)
			}
			for _, r := range rs {
				stored[[2]string{r.UserID, r.EmojiName}] = true
			}
		}
		for i, r := range *d.Reactions {
			uid, err := im.userID(ctx, tx, *r.User)
			if err != nil {
				return nil, false, notFound(pp.bl, fmt.Sprintf("%s.reactions[%d].user", field, i), "app.import.import_post.reaction_user_not_found.error", "user "+*r.User)
			}
			if stored[[2]string{uid, *r.EmojiName}] {
				continue
			}
			w.reactions = append(w.reactions, &model.Reaction{PostID: p.ID, UserID: uid, EmojiName: *r.EmojiName, ChannelID: pp.channel.ID,
				CreateAt: *r.CreateAt, UpdateAt: *r.CreateAt})
			w.tally("reactions", 1)
			if !p.HasReactions {
				p.HasReactions, changed = true, true
			}
		}
	}
	if d.FlaggedBy != nil {
		for i, name := range *d.FlaggedBy {
			uid, err := im.userID(ctx, tx, name)
			if err != nil {
				return nil, false, notFound(pp.bl, fmt.Sprintf("%s.flagged_by[%d]", field, i), "app.import.import_post.flagged_by_not_found.error", "user "+name)
			}
			w.prefs = append(w.prefs, model.Preference{UserID: uid, Category: "flagged_post", Name: p.ID, Value: "true"})
		}
	}
	p.PreCommit()
	if ae := p.IsValid(); ae != nil {
		return nil, false, modelErr(pp.bl, field, ae)
	}
	switch {
	case isNew:
		w.inserts = append(w.inserts, p)
		existing[postKey{userID, rootID, p.Message, p.CreateAt}] = p
	case changed:
		p.UpdateAt = w.now
		w.updates = append(w.updates, p)
	}
	return p, isNew, nil
}

func (w *postWriter) flush(ctx context.Context, tx *app.Batch, first *bulkLine) *bulk.Error {
	if err := tx.ImportPosts(ctx, w.inserts); err != nil {
		return internalErr(first, "", err)
	}
	for _, p := range w.updates {
		if err := tx.UpdatePost(ctx, p); err != nil {
			return internalErr(first, "", err)
		}
	}
	for _, id := range w.threads {
		if err := tx.UpdateThreadStats(ctx, id, w.now); err != nil {
			return internalErr(first, "", err)
		}
	}
	for _, f := range w.followers {
		if err := tx.SaveThreadMembership(ctx, f.m, f.channelID, f.teamID); err != nil {
			return internalErr(first, "", err)
		}
	}
	if len(w.followers) > 0 {
		w.im.count("thread_followers", len(w.followers))
	}
	for _, f := range w.files {
		if err := tx.SaveFileInfo(ctx, f); err != nil {
			return internalErr(first, "", err)
		}
	}
	if err := tx.BulkSaveReactions(ctx, w.reactions); err != nil {
		return internalErr(first, "", err)
	}
	if len(w.prefs) > 0 {
		if err := tx.BulkSavePreferences(ctx, w.prefs); err != nil {
			return internalErr(first, "", err)
		}
	}
	for k, n := range w.counts {
		w.im.count(k, n)
	}
	w.im.count("flags", len(w.prefs))
	w.im.count("attachments", len(w.files))
	return nil
}
