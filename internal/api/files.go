package api

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
)

func (h *Handler) fileRoutes() {
	h.post("/files", h.uploadFiles)
	h.get("/files/{file_id}", func(c *Context) error { return h.serveFile(c, app.FileOriginal) }, authTrusted)
	h.get("/files/{file_id}/thumbnail", func(c *Context) error { return h.serveFile(c, app.FileThumbnail) }, authTrusted)
	h.get("/files/{file_id}/preview", func(c *Context) error { return h.serveFile(c, app.FilePreview) }, authTrusted)
	h.get("/files/{file_id}/info", h.fileInfo)
	h.get("/posts/{post_id}/files/info", h.postFileInfos)
	h.get("/channels/{channel_id}/files", h.channelFiles)

	h.emojiRoutes()
}

// uploadBodyLimit bounds a whole upload request: the most files it may carry
// at the largest size each, plus room for the form fields.
func (c *Context) uploadBodyLimit() int64 {
	return int64(app.MaxFilesPerUpload)*c.app.Config().MaxFileSize + 1<<20
}

func (h *Handler) uploadFiles(c *Context) error {
	if err := c.app.FilesEnabled(); err != nil {
		return err
	}
	body := http.MaxBytesReader(c.w, c.r.Body, c.uploadBodyLimit())
	mediaType, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	var infos []*model.FileInfo
	var clientIDs []string
	var err error
	if mediaType == "multipart/form-data" {
		infos, clientIDs, err = h.uploadMultipart(c, body)
	} else {
		infos, err = h.uploadRaw(c, body)
	}
	if err != nil {
		return err
	}
	if clientIDs == nil {
		clientIDs = []string{}
	}
	return c.created(map[string]any{"file_infos": infos, "client_ids": clientIDs})
}

// uploadRaw takes the body as one file named by the filename query parameter.
func (h *Handler) uploadRaw(c *Context, body io.Reader) ([]*model.FileInfo, error) {
	name := c.query("filename")
	if name == "" {
		return nil, model.ErrInvalidURLParam("filename")
	}
	if c.r.ContentLength == 0 {
		return nil, model.NewAppError(http.StatusBadRequest, "api.file.upload_file.read_request.app_error",
			"The request has no file content.")
	}
	sent := false
	return c.app.UploadFiles(c.ctx, c.Session, c.query("channel_id"), func() (*app.FileUpload, error) {
		if sent {
			return nil, io.EOF
		}
		sent = true
		return &app.FileUpload{Name: name, Body: body}, nil
	})
}

// uploadMultipart streams the parts of a form: channel_id (or the query
// parameter) first, then files, with client_ids anywhere. Each part that has
// a file name is a file.
func (h *Handler) uploadMultipart(c *Context, body io.Reader) ([]*model.FileInfo, []string, error) {
	c.r.Body = io.NopCloser(body)
	mr, err := c.r.MultipartReader()
	if err != nil {
		return nil, nil, model.NewAppError(http.StatusBadRequest, "api.file.upload_file.read_request.app_error",
			"Unable to parse the multipart request.").Wrap(err)
	}
	channelID := c.query("channel_id")
	var clientIDs []string
	var first *app.FileUpload
	// Read fields up to the first file, so the channel is known before any byte is stored.
	for first == nil {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, readRequestError(err)
		}
		if f, ok, err := fieldOrFile(part, &channelID, &clientIDs); err != nil {
			return nil, nil, err
		} else if ok {
			first = f
		}
	}
	files := 0
	// NextPart discards what is left of the previous part.
	infos, err := c.app.UploadFiles(c.ctx, c.Session, channelID, func() (*app.FileUpload, error) {
		if first != nil {
			f := first
			first = nil
			files++
			return f, nil
		}
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				if len(clientIDs) > 0 && len(clientIDs) != files {
					return nil, model.NewAppError(http.StatusBadRequest,
						"api.file.upload_file.incorrect_number_of_client_ids.app_error",
						"Unable to upload files: the number of client_ids does not match the number of files.")
				}
				return nil, io.EOF
			}
			if err != nil {
				return nil, readRequestError(err)
			}
			f, ok, err := fieldOrFile(part, &channelID, &clientIDs)
			if err != nil {
				return nil, err
			}
			if ok {
				files++
				return f, nil
			}
		}
	})
	return infos, clientIDs, err
}

// fieldOrFile reads a form field into channelID or clientIDs, or returns the
// part as a file when it carries a file name.
func fieldOrFile(part *multipart.Part, channelID *string, clientIDs *[]string) (*app.FileUpload, bool, error) {
	if part.FileName() != "" {
		return &app.FileUpload{Name: part.FileName(), Body: part}, true, nil
	}
	v, err := io.ReadAll(io.LimitReader(part, 4096))
	part.Close()
	if err != nil {
		return nil, false, readRequestError(err)
	}
	switch part.FormName() {
	case "channel_id":
		*channelID = strings.TrimSpace(string(v))
	case "client_ids":
		*clientIDs = append(*clientIDs, string(v))
	}
	return nil, false, nil
}

func readRequestError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return model.NewAppError(http.StatusRequestEntityTooLarge, "api.file.upload_file.too_large_detailed.app_error",
			"The request is larger than the maximum upload size.")
	}
	return model.NewAppError(http.StatusBadRequest, "api.file.upload_file.read_request.app_error",
		"Unable to read the upload: the request was cut short or malformed.").Wrap(err)
}

// serveFile sends a file, its thumbnail or its preview. Only images Parley
// decoded are shown inline; anything else is an attachment, and nosniff keeps
// browsers from reading it as something else (HTML, SVG with script).
func (h *Handler) serveFile(c *Context, variant string) error {
	id, err := c.idParam("file_id")
	if err != nil {
		return err
	}
	f, obj, inline, err := c.app.OpenFile(c.ctx, c.Session, id, variant)
	if err != nil {
		return err
	}
	defer obj.Close()
	hdr := c.w.Header()
	ctype, name := f.MimeType, f.Name
	if variant != app.FileOriginal {
		ctype, name = "image/jpeg", strings.TrimSuffix(f.Name, "."+f.Extension)+"_"+variant+".jpg"
	}
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	disposition := "attachment"
	if inline && !isTrue(c.query("download")) {
		disposition = "inline"
	}
	hdr.Set("Content-Type", ctype)
	if cd := mime.FormatMediaType(disposition, map[string]string{"filename": name}); cd != "" {
		hdr.Set("Content-Disposition", cd)
	} else {
		hdr.Set("Content-Disposition", disposition)
	}
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hdr.Set("Cache-Control", "private, max-age=86400")
	hdr.Del("Expires")
	c.status = http.StatusOK
	http.ServeContent(c.w, c.r, "", obj.ModTime(), obj)
	return nil
}

func (h *Handler) fileInfo(c *Context) error {
	id, err := c.idParam("file_id")
	if err != nil {
		return err
	}
	f, err := c.app.GetFileInfo(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(f)
}

func (h *Handler) postFileInfos(c *Context) error {
	id, err := c.idParam("post_id")
	if err != nil {
		return err
	}
	fs, err := c.app.PostFileInfos(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(fs)
}

func (h *Handler) channelFiles(c *Context) error {
	id, err := c.idParam("channel_id")
	if err != nil {
		return err
	}
	page, perPage := c.paging()
	l, err := c.app.ChannelFiles(c.ctx, c.Session, id, page, perPage)
	if err != nil {
		return err
	}
	return c.ok(l)
}
