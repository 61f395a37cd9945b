package api

import "strings"

func (h *Handler) recoveryRoutes() {
	h.post("/users/password/reset/send", h.sendPasswordReset, authOptional)
	h.post("/users/password/reset", h.resetPassword, authOptional)
	h.post("/users/email/verify/send", h.sendVerifyEmail, authOptional)
	h.post("/users/email/verify", h.verifyEmail, authOptional)
}

// siteURL is where links in mail point: site_url, else the address this
// request came to.
func (c *Context) siteURL() string {
	if u := c.app.Config().SiteURL; u != "" {
		return strings.TrimSuffix(u, "/")
	}
	scheme := "http"
	if c.r.TLS != nil || strings.EqualFold(c.r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return scheme + "://" + c.r.Host
}

func (h *Handler) sendPasswordReset(c *Context) error {
	var body struct {
		Email string `json:"email"`
	}
	if err := c.decode(&body, "email"); err != nil {
		return err
	}
	if err := c.app.SendPasswordReset(c.ctx, body.Email, c.siteURL()); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) resetPassword(c *Context) error {
	var body struct {
		Token       string `json:"token"`
		NewPassword string `json:"new_password"`
	}
	if err := c.decode(&body, "token"); err != nil {
		return err
	}
	if err := c.app.ResetPassword(c.ctx, body.Token, body.NewPassword); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) sendVerifyEmail(c *Context) error {
	var body struct {
		Email string `json:"email"`
	}
	if err := c.decode(&body, "email"); err != nil {
		return err
	}
	if err := c.app.SendVerifyEmail(c.ctx, body.Email, c.siteURL()); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) verifyEmail(c *Context) error {
	var body struct {
		Token string `json:"token"`
	}
	if err := c.decode(&body, "token"); err != nil {
		return err
	}
	if err := c.app.VerifyEmail(c.ctx, body.Token); err != nil {
		return err
	}
	return c.statusOK()
}
