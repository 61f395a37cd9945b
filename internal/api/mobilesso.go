package api

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/parley-chat/parley/internal/model"
)

// The official mobile apps sign in through single sign-on in the system
// browser and take the session back through their own URL scheme: they
// start at /oauth/{service}/mobile_login or /login/sso/saml?action=mobile
// with redirect_to=mmauth://callback, and the sign-in ends on a page that
// sends the browser to that address with the session's token and CSRF
// token, as Mattermost's RenderMobileAuthComplete does.

// samlActionMobile is Mattermost's action of a mobile app's sign-in
// (model.OAuthActionMobile).
const samlActionMobile = "mobile"

func errInvalidURLScheme() *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "api.invalid_custom_url_scheme", "Invalid custom URL scheme has been found")
}

// validMobileRedirect reports whether redirect_to starts with one of
// AppCustomURLSchemes, compared as Mattermost does (a case-blind prefix).
func (c *Context) validMobileRedirect(to string) bool {
	for _, scheme := range c.app.Config().MobileURLSchemes() {
		if strings.HasPrefix(strings.ToLower(to), strings.ToLower(scheme)) {
			return true
		}
	}
	return false
}

var mobilePage = template.Must(template.New("mobile").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
{{if .Redirect}}<meta http-equiv="refresh" content="0; url={{.Redirect}}">{{end}}
<title>{{.Title}}</title></head>
<body>
<h2>{{.Title}}</h2><p>{{.Message}}</p>
{{if .Link}}<p><a href="{{.Link}}">{{.LinkText}}</a></p>{{end}}
</body></html>
`))

type mobilePageData struct {
	Title, Message, LinkText string
	Redirect, Link           template.URL
}

// writeMobilePage answers with Mattermost's status for these pages, 200,
// error or not: the app reads the page in a browser, not the status.
func (c *Context) writeMobilePage(d mobilePageData) error {
	hdr := c.w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Content-Security-Policy", "default-src 'none'; base-uri 'none'")
	hdr.Set("Referrer-Policy", "no-referrer")
	c.status = http.StatusOK
	c.w.WriteHeader(http.StatusOK)
	return mobilePage.Execute(c.w, d)
}

// mobileAuthComplete hands the session to the app: redirect_to with
// MMAUTHTOKEN, MMCSRF and srv (the server's address, which the app checks
// against the server it started from).
func (c *Context) mobileAuthComplete(redirectTo string, s *model.Session) error {
	u, err := url.Parse(redirectTo)
	if err != nil {
		return errInvalidURLScheme().Wrap(err)
	}
	q := u.Query()
	q.Add("MMAUTHTOKEN", s.Token)
	q.Add("MMCSRF", s.CSRF())
	q.Add("srv", c.siteBase())
	u.RawQuery = q.Encode()
	to := u.String()
	return c.writeMobilePage(mobilePageData{Title: "Authentication complete",
		Message:  "Redirecting you back to the app. If nothing happens, you can close this browser tab.",
		Redirect: template.URL(to), Link: template.URL(to), LinkText: "Back to the app"})
}

// mobileError shows an error of a mobile sign-in; link, when one of the
// app's schemes, leads back to the app.
func (c *Context) mobileError(err error, link string) error {
	var ae *model.AppError
	if !errors.As(err, &ae) {
		ae = model.ErrInternal(err)
	}
	if ae.StatusCode >= 500 {
		c.h.log.ErrorContext(c.ctx, "mobile sign-in failed", "path", c.r.URL.Path, "request_id", c.RequestID, "err", err)
	}
	d := mobilePageData{Title: "Error", Message: ae.Message}
	if link != "" && c.validMobileRedirect(link) {
		d.Link, d.LinkText = template.URL(link), "Back to the app"
	}
	return c.writeMobilePage(d)
}
