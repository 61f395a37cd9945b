package api

import "github.com/parley-chat/parley/internal/model"

func (h *Handler) draftRoutes() {
	h.get("/users/{user_id}/teams/{team_id}/drafts", h.drafts)
	h.post("/drafts", h.upsertDraft)
	h.delete("/users/{user_id}/channels/{channel_id}/drafts", h.deleteDraft)
	h.delete("/users/{user_id}/channels/{channel_id}/drafts/{thread_id}", h.deleteDraft)
}

func (h *Handler) drafts(c *Context) error {
	userID, teamID, err := c.userTeamParams()
	if err != nil {
		return err
	}
	out, err := c.app.DraftsForUser(c.ctx, c.Session, userID, teamID)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) upsertDraft(c *Context) error {
	// The setting answers before the body is read, as on Mattermost.
	if err := c.app.DraftsAllowed(); err != nil {
		return err
	}
	var d model.Draft
	if err := c.decode(&d, "draft"); err != nil {
		return err
	}
	out, err := c.app.UpsertDraft(c.ctx, c.Session, &d, c.r.Header.Get("Connection-Id"))
	if err != nil {
		return err
	}
	return c.created(out)
}

func (h *Handler) deleteDraft(c *Context) error {
	userID, err := c.userParam()
	if err != nil {
		return err
	}
	channelID, err := c.idParam("channel_id")
	if err != nil {
		return err
	}
	rootID := ""
	if c.param("thread_id") != "" {
		if rootID, err = c.idParam("thread_id"); err != nil {
			return err
		}
	}
	if err := c.app.DeleteDraft(c.ctx, c.Session, userID, channelID, rootID, c.r.Header.Get("Connection-Id")); err != nil {
		return err
	}
	return c.statusOK()
}
