package api

import (
	"strconv"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
)

func (h *Handler) postRoutes() {
	h.post("/posts", h.createPost)
	h.post("/posts/ids", h.postsByIDs)
	h.get("/posts/{post_id}", h.getPost)
	h.put("/posts/{post_id}", h.updatePost)
	h.delete("/posts/{post_id}", h.deletePost)
	h.put("/posts/{post_id}/patch", h.patchPost)
	h.get("/posts/{post_id}/thread", h.thread)
	h.post("/posts/{post_id}/pin", h.pin)
	h.post("/posts/{post_id}/unpin", h.unpin)
	h.get("/channels/{channel_id}/posts", h.channelPosts)
	h.get("/users/{user_id}/channels/{channel_id}/posts/unread", h.postsAroundUnread)
	h.get("/users/{user_id}/posts/flagged", h.flaggedPosts)
	h.post("/users/{user_id}/posts/{post_id}/set_unread", h.setUnread)
	h.post("/users/{user_id}/posts/{post_id}/reminder", h.setPostReminder)
	h.get("/posts/{post_id}/info", h.postInfo)

	h.post("/posts/{post_id}/actions/{action_id:name}", h.doPostAction)
	// The trigger id, signed by Parley, is what authenticates an integration
	// opening a dialog, as in Mattermost.
	h.post("/actions/dialogs/open", h.openDialog, authOptional)
	h.post("/actions/dialogs/submit", h.submitDialog)
	h.post("/reactions", h.saveReaction)
	h.get("/posts/{post_id}/reactions", h.reactions)
	h.post("/posts/ids/reactions", h.reactionsForPosts)
	h.delete("/users/{user_id}/posts/{post_id}/reactions/{emoji_name:emoji}", h.deleteReaction)
}

func (h *Handler) createPost(c *Context) error {
	var p model.Post
	if err := c.decode(&p, "post"); err != nil {
		return err
	}
	out, err := c.app.CreatePost(c.ctx, c.Session, &p)
	if err != nil {
		return err
	}
	if h.metrics != nil {
		h.metrics.PostCreated()
	}
	return c.created(out)
}

func (h *Handler) postsByIDs(c *Context) error {
	ids, err := c.decodeIDs("post_ids", 1000)
	if err != nil {
		return err
	}
	ps, err := c.app.GetPostsByIDs(c.ctx, c.Session, ids)
	if err != nil {
		return err
	}
	return c.ok(ps)
}

func (h *Handler) getPost(c *Context) error {
	id, err := c.idParam("post_id")
	if err != nil {
		return err
	}
	p, err := c.app.GetPost(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(p)
}

func (h *Handler) patchPost(c *Context) error {
	id, err := c.idParam("post_id")
	if err != nil {
		return err
	}
	var patch model.PostPatch
	if err := c.decode(&patch, "post"); err != nil {
		return err
	}
	p, err := c.app.PatchPost(c.ctx, c.Session, id, &patch)
	if err != nil {
		return err
	}
	return c.ok(p)
}

func (h *Handler) updatePost(c *Context) error {
	id, err := c.idParam("post_id")
	if err != nil {
		return err
	}
	var in model.Post
	if err := c.decode(&in, "post"); err != nil {
		return err
	}
	if in.ID != id {
		return model.ErrInvalidBody("id")
	}
	patch := &model.PostPatch{Message: &in.Message, IsPinned: &in.IsPinned}
	if in.Props != nil {
		patch.Props = &in.Props
	}
	if in.FileIDs != nil {
		patch.FileIDs = &in.FileIDs
	}
	p, err := c.app.PatchPost(c.ctx, c.Session, id, patch)
	if err != nil {
		return err
	}
	return c.ok(p)
}

func (h *Handler) deletePost(c *Context) error {
	id, err := c.idParam("post_id")
	if err != nil {
		return err
	}
	if c.boolQuery("permanent") {
		return model.NewAppError(501, "api.post.delete_post.not_enabled.app_error",
			"Permanent post deletion is not enabled.")
	}
	if err := c.app.DeletePost(c.ctx, c.Session, id); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) thread(c *Context) error {
	id, err := c.idParam("post_id")
	if err != nil {
		return err
	}
	l, err := c.app.Thread(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(l)
}

func (h *Handler) pin(c *Context) error   { return h.setPinned(c, true) }
func (h *Handler) unpin(c *Context) error { return h.setPinned(c, false) }

func (h *Handler) setPinned(c *Context, pinned bool) error {
	id, err := c.idParam("post_id")
	if err != nil {
		return err
	}
	if err := c.app.SetPinned(c.ctx, c.Session, id, pinned); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) channelPosts(c *Context) error {
	id, err := c.idParam("channel_id")
	if err != nil {
		return err
	}
	q := app.ChannelPostsQuery{Before: c.query("before"), After: c.query("after"), SkipThreads: c.boolQuery("skipFetchThreads")}
	q.Page, q.PerPage = c.paging()
	if s := c.query("since"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return model.ErrInvalidURLParam("since")
		}
		q.Since = n
		c.etag = false // Mattermost tags the pages of a channel, not the changes since a time
	}
	for name, v := range map[string]string{"before": q.Before, "after": q.After} {
		if v != "" && !model.IsValidID(v) {
			return model.ErrInvalidBody(name)
		}
	}
	l, err := c.app.ChannelPosts(c.ctx, c.Session, id, q)
	if err != nil {
		return err
	}
	return c.ok(l)
}

func (h *Handler) postsAroundUnread(c *Context) error {
	userID, err := c.userParam()
	if err != nil {
		return err
	}
	id, err := c.idParam("channel_id")
	if err != nil {
		return err
	}
	limit := func(name string, lo int) (int, error) {
		v := c.query(name)
		if v == "" {
			return 60, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < lo {
			return 0, model.ErrInvalidURLParam(name)
		}
		return min(n, 200), nil
	}
	before, err := limit("limit_before", 0)
	if err != nil {
		return err
	}
	after, err := limit("limit_after", 1)
	if err != nil {
		return err
	}
	l, err := c.app.PostsAroundLastUnread(c.ctx, c.Session, userID, id, before, after, c.boolQuery("skipFetchThreads"))
	if err != nil {
		return err
	}
	return c.ok(l)
}

func (h *Handler) saveReaction(c *Context) error {
	var r model.Reaction
	if err := c.decode(&r, "reaction"); err != nil {
		return err
	}
	out, err := c.app.SaveReaction(c.ctx, c.Session, &r)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) reactions(c *Context) error {
	id, err := c.idParam("post_id")
	if err != nil {
		return err
	}
	rs, err := c.app.Reactions(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(rs)
}

func (h *Handler) reactionsForPosts(c *Context) error {
	ids, err := c.decodeIDs("post_ids", 1000)
	if err != nil {
		return err
	}
	m, err := c.app.ReactionsForPosts(c.ctx, c.Session, ids)
	if err != nil {
		return err
	}
	return c.ok(m)
}

func (h *Handler) deleteReaction(c *Context) error {
	userID, err := c.userParam()
	if err != nil {
		return err
	}
	postID, err := c.idParam("post_id")
	if err != nil {
		return err
	}
	if err := c.app.DeleteReaction(c.ctx, c.Session, userID, postID, c.param("emoji_name")); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) doPostAction(c *Context) error {
	id, err := c.idParam("post_id")
	if err != nil {
		return err
	}
	var body struct {
		SelectedOption string `json:"selected_option"`
		Cookie         string `json:"cookie"`
	}
	// The body is optional: buttons send none, menus send the chosen option.
	if c.r.ContentLength != 0 {
		if err := c.decode(&body, "selected_option"); err != nil {
			return err
		}
	}
	resp, err := c.app.DoPostAction(c.ctx, c.Session, id, c.param("action_id"), body.SelectedOption)
	if err != nil {
		return err
	}
	return c.ok(resp)
}

// optionalID reads an id query parameter that may be absent.
func (c *Context) optionalID(name string) (string, error) {
	v := c.query(name)
	if v != "" && !model.IsValidID(v) {
		return "", model.ErrInvalidURLParam(name)
	}
	return v, nil
}

func (h *Handler) flaggedPosts(c *Context) error {
	userID, err := c.userParam()
	if err != nil {
		return err
	}
	teamID, err := c.optionalID("team_id")
	if err != nil {
		return err
	}
	channelID, err := c.optionalID("channel_id")
	if err != nil {
		return err
	}
	page, perPage := c.paging()
	l, err := c.app.FlaggedPosts(c.ctx, c.Session, userID, teamID, channelID, page, perPage)
	if err != nil {
		return err
	}
	return c.ok(l)
}

func (h *Handler) setPostReminder(c *Context) error {
	userID, err := c.userParam()
	if err != nil {
		return err
	}
	postID, err := c.idParam("post_id")
	if err != nil {
		return err
	}
	var in model.PostReminder
	if err := c.decode(&in, "target_time"); err != nil {
		return err
	}
	if err := c.app.SetPostReminder(c.ctx, c.Session, userID, postID, in.TargetTime); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) setUnread(c *Context) error {
	userID, err := c.userParam()
	if err != nil {
		return err
	}
	postID, err := c.idParam("post_id")
	if err != nil {
		return err
	}
	// The body ({"collapsed_threads_supported": true}) only matters with
	// collapsed threads, which are off.
	out, err := c.app.MarkUnreadFromPost(c.ctx, c.Session, userID, postID)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) postInfo(c *Context) error {
	postID, err := c.idParam("post_id")
	if err != nil {
		return err
	}
	info, err := c.app.PostInfo(c.ctx, c.Session, postID)
	if err != nil {
		return err
	}
	return c.ok(info)
}

func (h *Handler) openDialog(c *Context) error {
	var req model.OpenDialogRequest
	if err := c.decode(&req, "dialog"); err != nil {
		return err
	}
	if err := c.app.OpenDialog(c.ctx, &req); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) submitDialog(c *Context) error {
	var req model.SubmitDialogRequest
	if err := c.decode(&req, "dialog"); err != nil {
		return err
	}
	out, err := c.app.SubmitDialog(c.ctx, c.Session, &req)
	if err != nil {
		return err
	}
	return c.ok(out)
}
