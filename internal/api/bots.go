package api

import (
	"github.com/parley-chat/parley/internal/model"
)

func (h *Handler) botRoutes() {
	h.post("/bots", h.createBot)
	h.get("/bots", h.listBots)
	h.get("/bots/{bot_user_id}", h.getBot)
	h.put("/bots/{bot_user_id}", h.patchBot)
	h.post("/bots/{bot_user_id}/disable", func(c *Context) error { return h.setBotActive(c, false) })
	h.post("/bots/{bot_user_id}/enable", func(c *Context) error { return h.setBotActive(c, true) })
	h.post("/bots/{bot_user_id}/assign/{user_id}", h.assignBot)
}

func (h *Handler) createBot(c *Context) error {
	var in model.BotPatch
	if err := c.decode(&in, "bot"); err != nil {
		return err
	}
	out, err := c.app.CreateBot(c.ctx, c.Session, &in)
	if err != nil {
		return err
	}
	return c.created(out)
}

func (h *Handler) listBots(c *Context) error {
	p, perPage := c.paging()
	out, err := c.app.Bots(c.ctx, c.Session, c.boolQuery("include_deleted"), c.boolQuery("only_orphaned"), p, perPage)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) getBot(c *Context) error {
	id, err := c.idParam("bot_user_id")
	if err != nil {
		return err
	}
	out, err := c.app.Bot(c.ctx, c.Session, id, c.boolQuery("include_deleted"))
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) patchBot(c *Context) error {
	id, err := c.idParam("bot_user_id")
	if err != nil {
		return err
	}
	var patch model.BotPatch
	if err := c.decode(&patch, "bot"); err != nil {
		return err
	}
	out, err := c.app.PatchBot(c.ctx, c.Session, id, &patch)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) setBotActive(c *Context, active bool) error {
	id, err := c.idParam("bot_user_id")
	if err != nil {
		return err
	}
	out, err := c.app.SetBotActive(c.ctx, c.Session, id, active)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) assignBot(c *Context) error {
	id, err := c.idParam("bot_user_id")
	if err != nil {
		return err
	}
	owner, err := c.idParam("user_id")
	if err != nil {
		return err
	}
	out, err := c.app.AssignBot(c.ctx, c.Session, id, owner)
	if err != nil {
		return err
	}
	return c.ok(out)
}
