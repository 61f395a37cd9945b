package api

import (
	"errors"
	"html/template"
	"net/http"

	"github.com/parley-chat/parley/internal/model"
)

// unsubscribePage is the small page behind a notification mail's unsubscribe
// link. Opening the link (GET) only asks, so that a mail scanner that follows
// links turns nothing off; the button POSTs, as a mail client's one-click
// unsubscribe (RFC 8058) does.
var unsubscribePage = template.Must(template.New("unsubscribe").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Site}}: email notifications</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}
button{font:inherit;padding:.5rem 1rem;cursor:pointer}</style></head><body>
<h1>{{.Site}}</h1>
{{if .Error}}<p role="alert">{{.Error}}</p>
{{else if .Done}}<p>Email notifications for <b>@{{.Username}}</b> are off. Turn them on again under Settings &gt; Notifications.</p>
{{else}}<p>Stop email notifications for <b>@{{.Username}}</b>?</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>
{{end}}</body></html>
`))

// UnsubscribeHandler serves <site>/unsubscribe.
func (h *Handler) UnsubscribeHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := h.newContext(w, r)
		w.Header().Set("X-Request-Id", c.RequestID)
		q := r.URL.Query()
		userID, sig := q.Get("u"), q.Get("s")
		var u *model.User
		var err error
		done := false
		switch r.Method {
		case http.MethodGet:
			u, err = c.app.UnsubscribeUser(c.ctx, userID, sig)
		case http.MethodPost:
			u, err = c.app.Unsubscribe(c.ctx, userID, sig)
			done = true
		default:
			w.Header().Set("Allow", "GET, POST")
			c.writeError(model.NewAppError(http.StatusMethodNotAllowed, "api.context.405.app_error", "Method not allowed."))
			return
		}
		data := map[string]any{"Site": c.app.Config().SiteName, "Done": done}
		status := http.StatusOK
		if err != nil {
			var ae *model.AppError
			if !errors.As(err, &ae) {
				ae = model.ErrInternal(err)
			}
			if ae.StatusCode >= 500 {
				h.log.ErrorContext(c.ctx, "unsubscribe", "request_id", c.RequestID, "err", err)
			}
			status, data["Error"] = ae.StatusCode, ae.Message
		} else {
			data["Username"] = u.Username
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.WriteHeader(status)
		_ = unsubscribePage.Execute(w, data)
	})
}
