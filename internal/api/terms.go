package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

// termsRoutes serve the custom terms of service (docs/compliance.md).
func (h *Handler) termsRoutes() {
	h.get("/terms_of_service", h.latestTermsOfService)
	h.post("/terms_of_service", h.createTermsOfService)
	h.get("/users/{user_id}/terms_of_service", h.userTermsOfService)
	h.post("/users/{user_id}/terms_of_service", h.saveUserTermsOfService)
}

func (h *Handler) latestTermsOfService(c *Context) error {
	t, err := c.app.LatestTermsOfService(c.ctx)
	if err != nil {
		return err
	}
	return c.ok(t)
}

func (h *Handler) createTermsOfService(c *Context) error {
	if !c.app.IsAdmin(c.Session) {
		return model.ErrForbidden()
	}
	// Mattermost reads the body as a string map: a body that is not one
	// has no text, and is refused as empty (a body too large is still 413).
	var body map[string]any
	if err := c.decode(&body, "text"); err != nil {
		var ae *model.AppError
		if !errors.As(err, &ae) || ae.StatusCode != http.StatusBadRequest {
			return err
		}
	}
	text, _ := body["text"].(string)
	t, err := c.app.CreateTermsOfService(c.ctx, c.Session, text)
	if err != nil {
		return err
	}
	return c.ok(t)
}

// termsUser is the {user_id} of the user routes: the caller's own, as
// Mattermost's apps send it (me, or their id); an acceptance is only ever
// one's own.
func termsUser(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	if id != c.Session.UserID {
		return model.ErrForbidden()
	}
	return nil
}

func (h *Handler) userTermsOfService(c *Context) error {
	if err := termsUser(c); err != nil {
		return err
	}
	acc, err := c.app.UserTermsOfService(c.ctx, c.Session)
	if err != nil {
		return err
	}
	return c.ok(acc)
}

func (h *Handler) saveUserTermsOfService(c *Context) error {
	if err := termsUser(c); err != nil {
		return err
	}
	var body map[string]any
	if err := c.decode(&body, "termsOfServiceId"); err != nil {
		return err
	}
	// termsOfServiceId is what Mattermost reads and its apps send;
	// serviceTermsId is the name its API reference gives.
	id, ok := body["termsOfServiceId"].(string)
	if !ok {
		if id, ok = body["serviceTermsId"].(string); !ok {
			return model.ErrInvalidBody("termsOfServiceId")
		}
	}
	accepted, ok := body["accepted"].(bool)
	if !ok {
		return model.ErrInvalidBody("accepted")
	}
	if err := c.app.SaveUserTermsOfService(c.ctx, c.Session, id, accepted); err != nil {
		return err
	}
	return c.statusOK()
}

// termsConfig puts the terms of service in the client config as Mattermost
// does: EnableCustomTermsOfService, for a session the re-acceptance period in
// days, and while it is on the id of the version in force
// (CustomTermsOfServiceId), which the apps compare with the user's
// terms_of_service_id. Without a published version the id is left out.
func termsConfig(c *Context, m map[string]string, cfg *config.Config) error {
	m["EnableCustomTermsOfService"] = strconv.FormatBool(cfg.CustomTermsOfServiceEnabled)
	if c.Session != nil {
		m["CustomTermsOfServiceReAcceptancePeriod"] = strconv.Itoa(cfg.CustomTermsOfServiceReAcceptancePeriod)
	}
	if !cfg.CustomTermsOfServiceEnabled {
		return nil
	}
	t, err := c.app.LatestTermsOfService(c.ctx)
	var ae *model.AppError
	switch {
	case err == nil:
		m["CustomTermsOfServiceId"] = t.ID
	case !errors.As(err, &ae) || ae.StatusCode != http.StatusNotFound:
		return err
	}
	return nil
}
