package api

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
)

// oauthStateCookie keeps the sign-in's state, nonce, PKCE verifier and
// destination between the browser's trip to the provider and its return.
const oauthStateCookie = "MMOAUTHSTATE"

// OAuthHandler serves Mattermost's browser routes of single sign-on:
// GET /oauth/{service}/login and GET /signup/{service}/complete (also
// /login/{service}/complete), outside /api/v4.
func (h *Handler) OAuthHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := h.newContext(w, r)
		w.Header().Set("X-Request-Id", c.RequestID)
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		var err error
		switch {
		case r.Method != http.MethodGet || len(parts) != 3:
			err = model.NewAppError(http.StatusNotFound, "api.context.404.app_error", "Sorry, we could not find the page.")
		case parts[0] == "oauth" && parts[2] == "login":
			err = h.oauthLogin(c, parts[1])
		case (parts[0] == "signup" || parts[0] == "login") && parts[2] == "complete":
			err = h.oauthComplete(c, parts[1])
		default:
			err = model.NewAppError(http.StatusNotFound, "api.context.404.app_error", "Sorry, we could not find the page.")
		}
		if err != nil {
			c.writeError(err)
		}
	})
}

// oauthRedirectURL is the address the provider sends the browser back to,
// the one registered with it: <site URL>/signup/<service>/complete.
func (c *Context) oauthRedirectURL(service string) string {
	return c.siteBase() + "/signup/" + service + "/complete"
}

// localPath keeps redirect_to on this site: a path, not another host.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return ""
	}
	return p
}

func (h *Handler) oauthLogin(c *Context, service string) error {
	authURL, st, err := c.app.StartOAuth(c.ctx, service, c.oauthRedirectURL(service), localPath(c.query("redirect_to")))
	if err != nil {
		return err
	}
	js, err := json.Marshal(st)
	if err != nil {
		return model.ErrInternal(err)
	}
	http.SetCookie(c.w, &http.Cookie{Name: oauthStateCookie, Value: base64.RawURLEncoding.EncodeToString(js), Path: c.cookiePath(),
		MaxAge: 600, HttpOnly: true, Secure: c.secure(), SameSite: http.SameSiteLaxMode})
	http.Redirect(c.w, c.r, authURL, http.StatusFound)
	return nil
}

func (h *Handler) oauthComplete(c *Context, service string) error {
	var kept app.OAuthState
	if ck, err := c.r.Cookie(oauthStateCookie); err == nil {
		if js, err := base64.RawURLEncoding.DecodeString(ck.Value); err == nil {
			_ = json.Unmarshal(js, &kept)
		}
	}
	http.SetCookie(c.w, &http.Cookie{Name: oauthStateCookie, Value: "", Path: c.cookiePath(), MaxAge: -1, HttpOnly: true})
	if e := c.query("error"); e != "" {
		return model.NewAppError(http.StatusUnauthorized, "api.user.authorize_oauth_user.rejected.app_error",
			"The provider did not sign you in: "+e+" "+c.query("error_description"))
	}
	u, s, err := c.app.CompleteOAuth(c.ctx, service, c.oauthRedirectURL(service), c.query("code"), c.query("state"), kept, c.r.UserAgent())
	if err != nil {
		return err
	}
	c.setSessionCookies(u, s)
	to := kept.RedirectTo
	if to == "" {
		to = c.cookiePath()
	}
	http.Redirect(c.w, c.r, to, http.StatusFound)
	return nil
}
