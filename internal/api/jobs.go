package api

import (
	"mime"
	"net/http"
	"os"

	"github.com/parley-chat/parley/internal/model"
)

// Jobs, imports and exports: the admin API mmctl's `import` and `export`
// commands use. An import zip arrives through a resumable upload session
// (uploads.go), as mmctl sends it, or whole as the body of POST /imports,
// which Mattermost lacks, for curl.
func (h *Handler) jobRoutes() {
	h.post("/jobs", h.createJob)
	h.get("/jobs/{job_id}", h.getJob)
	h.get("/jobs/type/{job_type:name}", h.jobsByType)
	h.post("/jobs/{job_id}/cancel", h.cancelJob)
	h.get("/jobs/{job_id}/download", h.downloadJob)
	h.get("/imports", h.listImports)
	h.post("/imports", h.uploadImport)
	h.delete("/imports/{import_name:any}", h.deleteImport)
	h.get("/exports", h.listExports)
	h.get("/exports/{export_name:any}", h.downloadExport)
	h.delete("/exports/{export_name:any}", h.deleteExport)
}

func (h *Handler) createJob(c *Context) error {
	var in struct {
		Type string          `json:"type"`
		Data model.StringMap `json:"data"`
	}
	if err := c.decode(&in, "job"); err != nil {
		return err
	}
	j, err := c.app.CreateJob(c.ctx, c.Session, in.Type, in.Data)
	if err != nil {
		return err
	}
	return c.created(j)
}

func (h *Handler) getJob(c *Context) error {
	id, err := c.idParam("job_id")
	if err != nil {
		return err
	}
	j, err := c.app.GetJob(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(j)
}

func (h *Handler) jobsByType(c *Context) error {
	page, perPage := c.paging()
	js, err := c.app.ListJobsByType(c.ctx, c.Session, c.param("job_type"), page, perPage)
	if err != nil {
		return err
	}
	return c.ok(js)
}

func (h *Handler) cancelJob(c *Context) error {
	id, err := c.idParam("job_id")
	if err != nil {
		return err
	}
	if err := c.app.CancelJob(c.ctx, c.Session, id); err != nil {
		return err
	}
	return c.statusOK()
}

// downloadJob serves a finished message_export job's zip.
func (h *Handler) downloadJob(c *Context) error {
	id, err := c.idParam("job_id")
	if err != nil {
		return err
	}
	f, name, err := c.app.OpenJobDownload(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return serveZip(c, f, name)
}

func (h *Handler) listImports(c *Context) error {
	names, err := c.app.ListImports(c.Session)
	if err != nil {
		return err
	}
	return c.ok(names)
}

// uploadImport takes the zip as the request body; ?filename= names it.
func (h *Handler) uploadImport(c *Context) error {
	name, err := c.app.UploadImport(c.ctx, c.Session, c.query("filename"), c.r.Body)
	if err != nil {
		return err
	}
	return c.created(map[string]string{"name": name})
}

func (h *Handler) deleteImport(c *Context) error {
	if err := c.app.DeleteImport(c.Session, c.param("import_name")); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) listExports(c *Context) error {
	names, err := c.app.ListExports(c.Session)
	if err != nil {
		return err
	}
	return c.ok(names)
}

func (h *Handler) downloadExport(c *Context) error {
	name := c.param("export_name")
	f, err := c.app.OpenExport(c.Session, name)
	if err != nil {
		return err
	}
	return serveZip(c, f, name)
}

func (h *Handler) deleteExport(c *Context) error {
	if err := c.app.DeleteExport(c.Session, c.param("export_name")); err != nil {
		return err
	}
	return c.statusOK()
}

// serveZip sends an archive as an attachment named name, with range requests.
func serveZip(c *Context, f *os.File, name string) error {
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return model.ErrInternal(err)
	}
	c.w.Header().Set("Content-Type", "application/zip")
	c.w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	http.ServeContent(c.w, c.r, "", st.ModTime(), f)
	return nil
}
