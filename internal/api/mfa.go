package api

import (
	"errors"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
)

func (h *Handler) mfaRoutes() {
	h.post("/users/mfa", h.mfaRequired, authOptional)
	h.post("/users/{user_id}/mfa/generate", h.generateMFA)
	h.put("/users/{user_id}/mfa", h.updateMFA)
}

// mfaSetupRoutes are what a user held back by enforce_mfa may still call: to
// see who they are, set up MFA, or log out (Mattermost's list, in effect).
var mfaSetupRoutes = map[string]bool{
	"GET /users/{user_id}":                  true,
	"POST /users/{user_id}/mfa/generate":    true,
	"PUT /users/{user_id}/mfa":              true,
	"POST /users/logout":                    true,
	"GET /system/ping":                      true,
	"GET /config/client":                    true,
	"GET /license/client":                   true,
	"GET /users/{user_id}/preferences":      true,
	"GET /users/{user_id}/teams":            true,
	"GET /users/{user_id}/teams/members":    true,
	"GET /users/{user_id}/teams/unread":     true,
	"GET /users/{user_id}/status":           true,
	"GET /users/{user_id}/image":            true,
	"GET /users/{user_id}/image/default":    true,
	"PUT /users/{user_id}/status":           true,
	"POST /users/{user_id}/sessions/revoke": true,
}

// checkMFASetup refuses the request while enforced MFA is not set up.
func (c *Context) checkMFASetup(method, pattern string) error {
	if c.Session == nil || mfaSetupRoutes[method+" "+pattern] {
		return nil
	}
	pending, err := c.app.MFASetupPending(c.ctx, c.Session)
	if err != nil {
		return err
	}
	if pending {
		return app.ErrMFASetupRequired()
	}
	return nil
}

// checkSocketMFA refuses the upgrade of a WebSocket whose credential belongs
// to a user enforce_mfa holds back, with the error every other request of
// theirs gets; the hub authenticates (and refuses) the socket itself too.
func (c *Context) checkSocketMFA() error {
	if !c.app.Config().EnforceMFA {
		return nil
	}
	token, _ := c.token()
	if token == "" {
		token = c.r.URL.Query().Get("access_token")
	}
	if token == "" {
		return nil
	}
	_, err := c.app.SocketSession(c.ctx, token)
	if ae := (*model.AppError)(nil); errors.As(err, &ae) && ae.ID == app.ErrMFASetupRequired().ID {
		return err
	}
	return nil // no session: the client may still answer the challenge
}

func (h *Handler) mfaRequired(c *Context) error {
	var body struct {
		LoginID string `json:"login_id"`
	}
	if err := c.decode(&body, "login_id"); err != nil {
		return err
	}
	if body.LoginID == "" {
		return model.ErrInvalidBody("login_id")
	}
	required, err := c.app.MFARequired(c.ctx, body.LoginID)
	if err != nil {
		return err
	}
	return c.ok(map[string]bool{"mfa_required": required})
}

func (h *Handler) generateMFA(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	secret, err := c.app.GenerateMFASecret(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	c.w.Header().Set("Cache-Control", "no-store")
	return c.ok(secret)
}

func (h *Handler) updateMFA(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	var body struct {
		Activate bool   `json:"activate"`
		Code     string `json:"code"`
	}
	if err := c.decode(&body, "activate"); err != nil {
		return err
	}
	if err := c.app.ActivateMFA(c.ctx, c.Session, id, body.Activate, body.Code); err != nil {
		return err
	}
	return c.statusOK()
}
