package api

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/parley-chat/parley/internal/model"
)

// Resumable uploads: POST /uploads opens a session, POST /uploads/{id} sends
// the next chunk (raw body, or the first part of a multipart form, "data" by
// convention) until file_offset reaches file_size.
func (h *Handler) uploadRoutes() {
	h.post("/uploads", h.createUpload)
	h.get("/uploads/{upload_id}", h.getUpload)
	h.post("/uploads/{upload_id}", h.uploadData)
	h.get("/users/{user_id}/uploads", h.userUploads)
}

func (h *Handler) createUpload(c *Context) error {
	var in model.UploadSession
	if err := c.decode(&in, "upload"); err != nil {
		return err
	}
	us, err := c.app.CreateUpload(c.ctx, c.Session, &in)
	if err != nil {
		return err
	}
	return c.created(us)
}

func (h *Handler) getUpload(c *Context) error {
	id, err := c.idParam("upload_id")
	if err != nil {
		return err
	}
	us, err := c.app.GetUpload(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(us)
}

func (h *Handler) userUploads(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	uss, err := c.app.UserUploads(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(uss)
}

// uploadData answers 204 while the upload is incomplete and 201 with the
// FileInfo once the chunk completed it.
func (h *Handler) uploadData(c *Context) error {
	id, err := c.idParam("upload_id")
	if err != nil {
		return err
	}
	// The app refuses more than what is left of the upload; this bounds the
	// request before the session is read (1 MB of room for a form's framing).
	body := http.MaxBytesReader(c.w, c.r.Body, c.app.Config().MaxFileSize+1<<20)
	var data io.Reader = body
	length := c.r.ContentLength
	mediaType, params, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err == nil && mediaType == "multipart/form-data" {
		if params["boundary"] == "" {
			return model.NewAppError(http.StatusBadRequest, "api.upload.upload_data.invalid_content_type",
				"The multipart request has no boundary.")
		}
		part, err := multipart.NewReader(body, params["boundary"]).NextPart()
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return readRequestError(err)
			}
			return model.NewAppError(http.StatusBadRequest, "api.upload.upload_data.multipart_error",
				"Unable to read the multipart request.").Wrap(err)
		}
		defer part.Close()
		data, length = part, -1
	}
	f, err := c.app.UploadData(c.ctx, c.Session, id, data, length)
	if err != nil {
		return err
	}
	if f == nil {
		c.status = http.StatusNoContent
		c.w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return c.created(f)
}
