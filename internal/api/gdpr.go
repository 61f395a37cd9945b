package api

import (
	"net/http"

	"github.com/parley-chat/parley/internal/store"
)

// GDPR and operator endpoints: subject access (self-service and admin),
// offboarding, the audit log and retention runs.
func (h *Handler) gdprRoutes() {
	h.get("/users/{user_id}/export", h.exportUser)
	h.post("/users/{user_id}/offboard", h.offboardUser)
	h.get("/audits", h.listAudits)
	h.post("/data_retention/run", h.runRetention)
}

// exportUser sends the zip of everything held about a user: to the user, or to a system admin.
func (h *Handler) exportUser(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	e, err := c.app.ExportUser(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	c.w.Header().Set("Content-Type", "application/zip")
	c.w.Header().Set("Content-Disposition", `attachment; filename="parley-export-`+e.Profile.Username+`.zip"`)
	c.status = http.StatusOK
	return e.WriteZip(c.w)
}

func (h *Handler) offboardUser(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	report, err := c.app.OffboardUser(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(map[string]any{"status": "OK", "disabled_integrations": report.DisabledIntegrations})
}

// listAudits serves GET /audits?user_id=&action=&since=&until=&limit= (system admins).
func (h *Handler) listAudits(c *Context) error {
	f := store.AuditFilter{UserID: c.query("user_id"), Action: c.query("action")}
	var err error
	if f.Since, err = c.int64Query("since"); err != nil {
		return err
	}
	if f.Until, err = c.int64Query("until"); err != nil {
		return err
	}
	limit, err := c.int64Query("limit")
	if err != nil {
		return err
	}
	f.Limit = int(min(limit, 10000))
	out, err := c.app.Audits(c.ctx, c.Session, f)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) runRetention(c *Context) error {
	res, err := c.app.RunRetention(c.ctx, c.Session, c.boolQuery("dry_run"), 0)
	if err != nil {
		return err
	}
	return c.ok(res)
}
