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
// GET /oauth/{service}/login (and the mobile apps' /oauth/{service}/mobile_login)
// and GET /signup/{service}/complete (also /login/{service}/complete),
// outside /api/v4.
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
		case parts[0] == "oauth" && parts[2] == "mobile_login":
			err = h.oauthMobileLogin(c, parts[1])
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
	return c.startOAuth(authURL, st)
}

// oauthMobileLogin starts a mobile app's sign-in; its redirect_to must be
// one of the app schemes, else Mattermost's error page, not the provider.
func (h *Handler) oauthMobileLogin(c *Context, service string) error {
	to := c.query("redirect_to")
	if to != "" && !c.validMobileRedirect(to) {
		return c.mobileError(errInvalidURLScheme(), "")
	}
	authURL, st, err := c.app.StartOAuth(c.ctx, service, c.oauthRedirectURL(service), to)
	if err != nil {
		return err
	}
	st.Mobile = true
	return c.startOAuth(authURL, st)
}

// startOAuth keeps the sign-in's state in a cookie and sends the browser
// to the provider.
func (c *Context) startOAuth(authURL string, st app.OAuthState) error {
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
	// A mobile app's callback shows its errors as a page leading back to
	// the app; the redirect_to kept was checked when the sign-in started.
	mobileTo := ""
	if kept.Mobile {
		mobileTo = kept.RedirectTo
	}
	fail := func(err error) error {
		if mobileTo != "" {
			return c.mobileError(err, mobileTo)
		}
		return err
	}
	if e := c.query("error"); e != "" {
		return fail(model.NewAppError(http.StatusUnauthorized, "api.user.authorize_oauth_user.rejected.app_error",
			"The provider did not sign you in: "+e+" "+c.query("error_description")))
	}
	u, s, err := c.app.CompleteOAuth(c.ctx, service, c.oauthRedirectURL(service), c.query("code"), c.query("state"), kept, c.r.UserAgent())
	if err != nil {
		return fail(err)
	}
	if mobileTo != "" {
		return c.mobileAuthComplete(mobileTo, s)
	}
	c.setSessionCookies(u, s)
	// An app without redirect_to (older versions) reads the cookies of
	// this answer in its own web view.
	if kept.Mobile {
		return c.statusOK()
	}
	to := kept.RedirectTo
	if to == "" {
		to = c.cookiePath()
	}
	http.Redirect(c.w, c.r, to, http.StatusFound)
	return nil
}
