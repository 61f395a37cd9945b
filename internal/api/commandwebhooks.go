package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/parley-chat/parley/internal/model"
)

// CommandWebhookHandler serves POST /hooks/commands/{id}, the response_url a
// custom slash command may answer through later. Like incoming webhooks it
// lives outside /api/v4 and needs no session: the id is the secret.
func (h *Handler) CommandWebhookHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := h.newContext(w, r)
		w.Header().Set("X-Request-Id", c.RequestID)
		id := strings.TrimPrefix(r.URL.Path, "/hooks/commands/")
		if !model.IsValidID(id) {
			c.writeError(model.NewAppError(http.StatusNotFound, "api.context.404.app_error", "Sorry, we could not find the page."))
			return
		}
		limit := int64(h.app.Config().MaxRequestBodyKB) * 1024
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
		var resp model.CommandResponse
		if err == nil {
			err = json.Unmarshal(body, &resp)
		}
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				c.writeError(model.NewAppError(http.StatusRequestEntityTooLarge, "api.context.request_body_too_large.app_error",
					"The request body is too large."))
				return
			}
			c.writeError(model.NewAppError(http.StatusBadRequest, "app.command_webhook.handle_command_webhook.parse",
				"Unable to parse the command response.").Wrap(err))
			return
		}
		if f := model.NULField(&resp); f != "" {
			c.writeError(model.ErrNULInBody(f))
			return
		}
		if err := h.app.ExecuteCommandWebhook(c.ctx, id, &resp); err != nil {
			c.writeError(err)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("ok"))
	})
}
