package api

import (
	"github.com/parley-chat/parley/internal/model"
)

func (h *Handler) commandRoutes() {
	h.post("/commands", h.createCommand)
	h.get("/commands", h.listCommands)
	h.post("/commands/execute", h.executeCommand)
	h.get("/commands/{command_id}", h.getCommand)
	h.put("/commands/{command_id}", h.updateCommand)
	h.put("/commands/{command_id}/move", h.moveCommand)
	h.delete("/commands/{command_id}", h.deleteCommand)
	h.put("/commands/{command_id}/regen_token", h.regenCommandToken)
	h.get("/teams/{team_id}/commands/autocomplete", h.autocompleteCommands)
	h.get("/teams/{team_id}/commands/autocomplete_suggestions", h.commandSuggestions)
}

func (h *Handler) createCommand(c *Context) error {
	var in model.Command
	if err := c.decode(&in, "command"); err != nil {
		return err
	}
	out, err := c.app.CreateCommand(c.ctx, c.Session, &in)
	if err != nil {
		return err
	}
	return c.created(out)
}

func (h *Handler) listCommands(c *Context) error {
	out, err := c.app.Commands(c.ctx, c.Session, c.query("team_id"), c.boolQuery("custom_only"))
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) executeCommand(c *Context) error {
	var args model.CommandArgs
	if err := c.decode(&args, "command_args"); err != nil {
		return err
	}
	out, err := c.app.ExecuteCommand(c.ctx, c.Session, &args)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) getCommand(c *Context) error {
	id, err := c.idParam("command_id")
	if err != nil {
		return err
	}
	out, err := c.app.Command(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) updateCommand(c *Context) error {
	id, err := c.idParam("command_id")
	if err != nil {
		return err
	}
	var in model.Command
	if err := c.decode(&in, "command"); err != nil {
		return err
	}
	out, err := c.app.UpdateCommand(c.ctx, c.Session, id, &in)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) moveCommand(c *Context) error {
	id, err := c.idParam("command_id")
	if err != nil {
		return err
	}
	var body struct {
		TeamID string `json:"team_id"`
	}
	if err := c.decode(&body, "team_id"); err != nil {
		return err
	}
	if err := c.app.MoveCommand(c.ctx, c.Session, id, body.TeamID); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) deleteCommand(c *Context) error {
	id, err := c.idParam("command_id")
	if err != nil {
		return err
	}
	if err := c.app.DeleteCommand(c.ctx, c.Session, id); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) regenCommandToken(c *Context) error {
	id, err := c.idParam("command_id")
	if err != nil {
		return err
	}
	tok, err := c.app.RegenCommandToken(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(map[string]string{"token": tok})
}

func (h *Handler) autocompleteCommands(c *Context) error {
	id, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	out, err := c.app.AutocompleteCommands(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) commandSuggestions(c *Context) error {
	id, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	out, err := c.app.CommandSuggestions(c.ctx, c.Session, id, c.query("user_input"))
	if err != nil {
		return err
	}
	return c.ok(out)
}
