package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/parley-chat/parley/internal/model"
)

func (h *Handler) hookRoutes() {
	h.post("/hooks/incoming", h.createIncoming)
	h.get("/hooks/incoming", h.listIncoming)
	h.get("/hooks/incoming/{hook_id}", h.getIncoming)
	h.put("/hooks/incoming/{hook_id}", h.updateIncoming)
	h.delete("/hooks/incoming/{hook_id}", h.deleteIncoming)

	h.post("/hooks/outgoing", h.createOutgoing)
	h.get("/hooks/outgoing", h.listOutgoing)
	h.get("/hooks/outgoing/{hook_id}", h.getOutgoing)
	h.put("/hooks/outgoing/{hook_id}", h.updateOutgoing)
	h.delete("/hooks/outgoing/{hook_id}", h.deleteOutgoing)
	h.post("/hooks/outgoing/{hook_id}/regen_token", h.regenOutgoingToken)
}

func (h *Handler) createIncoming(c *Context) error {
	var in model.IncomingWebhook
	if err := c.decode(&in, "incoming_webhook"); err != nil {
		return err
	}
	out, err := c.app.CreateIncomingWebhook(c.ctx, c.Session, &in)
	if err != nil {
		return err
	}
	return c.created(out)
}

func (h *Handler) listIncoming(c *Context) error {
	p, perPage := c.paging()
	hs, err := c.app.IncomingWebhooks(c.ctx, c.Session, c.query("team_id"), p, perPage)
	if err != nil {
		return err
	}
	return c.ok(hs)
}

func (h *Handler) getIncoming(c *Context) error {
	id, err := c.idParam("hook_id")
	if err != nil {
		return err
	}
	out, err := c.app.IncomingWebhook(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) updateIncoming(c *Context) error {
	id, err := c.idParam("hook_id")
	if err != nil {
		return err
	}
	var in model.IncomingWebhook
	if err := c.decode(&in, "incoming_webhook"); err != nil {
		return err
	}
	out, err := c.app.UpdateIncomingWebhook(c.ctx, c.Session, id, &in)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) deleteIncoming(c *Context) error {
	id, err := c.idParam("hook_id")
	if err != nil {
		return err
	}
	if err := c.app.DeleteIncomingWebhook(c.ctx, c.Session, id); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) createOutgoing(c *Context) error {
	var in model.OutgoingWebhook
	if err := c.decode(&in, "outgoing_webhook"); err != nil {
		return err
	}
	out, err := c.app.CreateOutgoingWebhook(c.ctx, c.Session, &in)
	if err != nil {
		return err
	}
	return c.created(out)
}

func (h *Handler) listOutgoing(c *Context) error {
	teamID, channelID := c.query("team_id"), c.query("channel_id")
	if (teamID != "" && !model.IsValidID(teamID)) || (channelID != "" && !model.IsValidID(channelID)) {
		return model.ErrInvalidURLParam("team_id")
	}
	p, perPage := c.paging()
	hs, err := c.app.OutgoingWebhooks(c.ctx, c.Session, teamID, channelID, p, perPage)
	if err != nil {
		return err
	}
	return c.ok(hs)
}

func (h *Handler) getOutgoing(c *Context) error {
	id, err := c.idParam("hook_id")
	if err != nil {
		return err
	}
	out, err := c.app.OutgoingWebhook(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) updateOutgoing(c *Context) error {
	id, err := c.idParam("hook_id")
	if err != nil {
		return err
	}
	var in model.OutgoingWebhook
	if err := c.decode(&in, "outgoing_webhook"); err != nil {
		return err
	}
	out, err := c.app.UpdateOutgoingWebhook(c.ctx, c.Session, id, &in)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) deleteOutgoing(c *Context) error {
	id, err := c.idParam("hook_id")
	if err != nil {
		return err
	}
	if err := c.app.DeleteOutgoingWebhook(c.ctx, c.Session, id); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) regenOutgoingToken(c *Context) error {
	id, err := c.idParam("hook_id")
	if err != nil {
		return err
	}
	out, err := c.app.RegenOutgoingWebhookToken(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(out)
}

// IncomingWebhookHandler serves POST /hooks/{id}, which lives outside
// /api/v4 and needs no session: the hook id is the secret.
func (h *Handler) IncomingWebhookHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := h.newContext(w, r)
		w.Header().Set("X-Request-Id", c.RequestID)
		id := strings.TrimPrefix(r.URL.Path, "/hooks/")
		if r.Method != http.MethodPost || !model.IsValidID(id) {
			c.writeError(model.NewAppError(http.StatusNotFound, "api.context.404.app_error", "Sorry, we could not find the page."))
			return
		}
		if err := h.executeIncoming(c, id); err != nil {
			c.writeError(err)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("ok"))
	})
}

func (h *Handler) executeIncoming(c *Context, id string) error {
	limit := int64(c.app.Config().MaxRequestBodyKB) * 1024
	body, err := io.ReadAll(http.MaxBytesReader(c.w, c.r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return model.NewAppError(http.StatusRequestEntityTooLarge, "api.context.request_body_too_large.app_error",
				"The request body is too large.")
		}
		return model.ErrInvalidBody("payload")
	}
	req, err := parseIncomingPayload(c.r.Header.Get("Content-Type"), body)
	if err != nil {
		c.h.log.InfoContext(c.ctx, "incoming webhook payload refused", "hook_id", id, "err", err)
		return model.NewAppError(http.StatusBadRequest, "model.incoming_hook.parse_data.app_error",
			"Unable to parse incoming data.").Wrap(err)
	}
	if f := model.NULField(req); f != "" {
		return model.ErrNULInBody(f)
	}
	return c.app.ExecuteIncomingWebhook(c.ctx, id, req)
}

// parseIncomingPayload reads the payload the ways Slack senders send it: a
// payload= form field, multipart fields, or a raw JSON body (also with no
// content type at all).
func parseIncomingPayload(contentType string, body []byte) (*model.IncomingWebhookRequest, error) {
	mt, params, _ := mime.ParseMediaType(contentType)
	switch {
	case mt == "application/x-www-form-urlencoded" || (mt == "" && bytes.HasPrefix(body, []byte("payload="))):
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, err
		}
		return decodeIncomingJSON([]byte(form.Get("payload")))
	case mt == "multipart/form-data":
		return parseMultipartPayload(body, params["boundary"])
	}
	return decodeIncomingJSON(body)
}

func parseMultipartPayload(body []byte, boundary string) (*model.IncomingWebhookRequest, error) {
	r, err := http.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	r.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		return nil, err
	}
	if p := r.FormValue("payload"); p != "" {
		return decodeIncomingJSON([]byte(p))
	}
	get := func(names ...string) string {
		for k, vs := range r.MultipartForm.Value {
			for _, n := range names {
				if strings.EqualFold(k, n) && len(vs) > 0 {
					return vs[0]
				}
			}
		}
		return ""
	}
	return &model.IncomingWebhookRequest{Text: get("text"), Username: get("username"), Type: get("type"),
		ChannelName: get("channel", "channelname"), IconURL: get("icon_url", "iconurl"),
		IconEmoji: get("icon_emoji", "iconemoji")}, nil
}

// rawStringFieldRE finds the string values of the keys senders often fill
// with unescaped multi-line text.
var rawStringFieldRE = regexp.MustCompile(`(?s)"(text|fallback|pretext|author_name|title|value)"\s*:\s*"((?:[^"\\]|\\.)*)"`)

// decodeIncomingJSON decodes a payload, retrying once with raw newlines and
// tabs escaped inside the usual text fields.
func decodeIncomingJSON(b []byte) (*model.IncomingWebhookRequest, error) {
	var req model.IncomingWebhookRequest
	err := json.Unmarshal(b, &req)
	if err == nil {
		return &req, nil
	}
	fixed := rawStringFieldRE.ReplaceAllFunc(b, func(m []byte) []byte {
		m = bytes.ReplaceAll(m, []byte("\r"), []byte(`\r`))
		m = bytes.ReplaceAll(m, []byte("\n"), []byte(`\n`))
		return bytes.ReplaceAll(m, []byte("\t"), []byte(`\t`))
	})
	if err2 := json.Unmarshal(fixed, &req); err2 != nil {
		return nil, err
	}
	return &req, nil
}
