package api

// Guest accounts: the System Console's "Demote to guest" and "Promote to
// member" (mmctl user demote / promote).
func (h *Handler) guestRoutes() {
	h.post("/users/{user_id}/demote", h.demoteUser)
	h.post("/users/{user_id}/promote", h.promoteGuest)
}

func (h *Handler) demoteUser(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	if err := c.app.DemoteUserToGuest(c.ctx, c.Session, id); err != nil {
		return err
	}
	return c.ok(map[string]string{"status": "OK"})
}

func (h *Handler) promoteGuest(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	if err := c.app.PromoteGuestToUser(c.ctx, c.Session, id); err != nil {
		return err
	}
	return c.ok(map[string]string{"status": "OK"})
}
