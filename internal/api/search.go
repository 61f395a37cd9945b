package api

import (
	"github.com/parley-chat/parley/internal/model"
)

func (h *Handler) searchRoutes() {
	h.post("/teams/{team_id}/posts/search", h.searchTeamPosts)
	h.post("/posts/search", h.searchAllPosts)
}

func (h *Handler) searchTeamPosts(c *Context) error {
	id, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	return h.searchPosts(c, id)
}

func (h *Handler) searchAllPosts(c *Context) error { return h.searchPosts(c, "") }

func (h *Handler) searchPosts(c *Context, teamID string) error {
	var p model.SearchParams
	if err := c.decode(&p, "terms"); err != nil {
		return err
	}
	out, err := c.app.SearchPosts(c.ctx, c.Session, teamID, &p)
	if err != nil {
		return err
	}
	return c.ok(out)
}
