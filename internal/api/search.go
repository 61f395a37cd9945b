package api

import (
	"github.com/parley-chat/parley/internal/model"
	"strconv"
)

func (h *Handler) searchRoutes() {
	h.post("/teams/{team_id}/posts/search", h.searchTeamPosts)
	h.post("/posts/search", h.searchAllPosts)
	h.post("/channels/search", h.searchAllChannels)
	h.post("/teams/{team_id}/files/search", h.searchTeamFiles)
	h.post("/files/search", func(c *Context) error { return h.searchFiles(c, "") })
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

func (h *Handler) searchTeamFiles(c *Context) error {
	id, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	return h.searchFiles(c, id)
}

func (h *Handler) searchFiles(c *Context, teamID string) error {
	var p model.SearchParams
	if err := c.decode(&p, "terms"); err != nil {
		return err
	}
	out, err := c.app.SearchFiles(c.ctx, c.Session, teamID, &p)
	if err != nil {
		return err
	}
	return c.ok(out)
}

// searchAllChannels answers a plain list, or {"channels", "total_count"} when the
// request pages, as Mattermost's system console expects.
func (h *Handler) searchAllChannels(c *Context) error {
	var q model.ChannelSearch
	if err := c.decode(&q, "channel_search"); err != nil {
		return err
	}
	// system_console=false is the webapp's search of the caller's own
	// channels across teams, open to every user; otherwise it is the system
	// console's search of all channels.
	if v := c.query("system_console"); v != "" {
		console, err := strconv.ParseBool(v)
		if err != nil {
			return model.ErrInvalidURLParam("system_console")
		}
		if !console {
			cs, err := c.app.AutocompleteChannelsForUser(c.ctx, c.Session, q.Term)
			if err != nil {
				return err
			}
			return c.ok(cs)
		}
	}
	cs, total, err := c.app.SearchAllChannels(c.ctx, c.Session, &q)
	if err != nil {
		return err
	}
	if q.Page != nil || q.PerPage != nil {
		return c.ok(&model.ChannelsWithCount{Channels: cs, TotalCount: total})
	}
	return c.ok(cs)
}
