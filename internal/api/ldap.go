package api

// LDAP administration: the two calls the System Console and mmctl's `ldap
// sync` make. Login through LDAP is POST /users/login (users.go).
func (h *Handler) ldapRoutes() {
	h.post("/ldap/sync", h.ldapSync)
	h.post("/ldap/test", h.ldapTest)
}

// ldapSync queues the sync job and answers at once, as Mattermost does;
// GET /jobs/type/ldap_sync shows how it went.
func (h *Handler) ldapSync(c *Context) error {
	if _, err := c.app.StartLdapSync(c.ctx, c.Session); err != nil {
		return err
	}
	return c.ok(map[string]string{"status": "OK"})
}

func (h *Handler) ldapTest(c *Context) error {
	if err := c.app.TestLdap(c.ctx, c.Session); err != nil {
		return err
	}
	return c.ok(map[string]string{"status": "OK"})
}
