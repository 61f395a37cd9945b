package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

// Configuration in Mattermost's shape, for the System Console and mmctl's
// `config` commands: system admins only.
func (h *Handler) configRoutes() {
	h.get("/config", h.getConfig)
	h.put("/config", h.updateConfig)
	h.put("/config/patch", h.patchConfig)
	h.post("/config/reload", h.reloadConfig)
	h.get("/config/environment", h.configEnvironment)
	h.post("/file/s3_test", h.testS3)
}

// noStore keeps configuration (masked, but still an inventory) out of caches.
func noStore(c *Context) { c.w.Header().Set("Cache-Control", "no-cache, no-store, must-revalidate") }

func (h *Handler) getConfig(c *Context) error {
	d, err := c.app.MattermostConfig(c.ctx, c.Session)
	if err != nil {
		return err
	}
	noStore(c)
	return c.ok(d)
}

func (h *Handler) updateConfig(c *Context) error { return h.saveConfig(c, false) }
func (h *Handler) patchConfig(c *Context) error  { return h.saveConfig(c, true) }

func (h *Handler) saveConfig(c *Context, patch bool) error {
	var raw map[string]json.RawMessage
	if err := c.decode(&raw, "config"); err != nil {
		return err
	}
	body, err := config.ParseDoc(raw)
	if err != nil {
		e := model.ErrInvalidBody("config")
		e.DetailedError = err.Error()
		return e
	}
	d, err := c.app.UpdateConfig(c.ctx, c.Session, body, patch)
	if err != nil {
		return err
	}
	noStore(c)
	return c.ok(d)
}

func (h *Handler) reloadConfig(c *Context) error {
	if err := c.app.ReloadConfig(c.ctx, c.Session); err != nil {
		return err
	}
	noStore(c)
	return c.statusOK()
}

func (h *Handler) configEnvironment(c *Context) error {
	env, err := c.app.ConfigEnvironment(c.Session)
	if err != nil {
		return err
	}
	noStore(c)
	return c.ok(env)
}

// testS3 checks S3 settings for the System Console's "Test Connection": those
// of the configuration sent, or with an empty body the saved ones.
func (h *Handler) testS3(c *Context) error {
	if !c.app.HasPermission(c.Session, model.PermManageSystem) {
		return model.ErrForbidden()
	}
	raw, err := io.ReadAll(http.MaxBytesReader(c.w, c.r.Body, int64(c.app.Config().MaxRequestBodyKB)*1024))
	if err != nil {
		return model.NewAppError(http.StatusRequestEntityTooLarge, "api.context.request_body_too_large.app_error",
			"The request body is too large.")
	}
	var body config.Doc
	if len(bytes.TrimSpace(raw)) > 0 {
		var top map[string]json.RawMessage
		if err := json.Unmarshal(raw, &top); err != nil {
			return model.ErrInvalidBody("config").Wrap(err)
		}
		if body, err = config.ParseDoc(top); err != nil {
			e := model.ErrInvalidBody("config")
			e.DetailedError = err.Error()
			return e
		}
	}
	if err := c.app.TestS3(c.ctx, c.Session, body); err != nil {
		return err
	}
	return c.statusOK()
}
