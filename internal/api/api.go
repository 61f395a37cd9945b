// Package api serves the Mattermost REST API v4 over the app layer: it decodes
// requests, authenticates, and encodes answers and errors. It holds no rules.
package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
)

// Handler serves /api/v4.
type Handler struct {
	app    *app.App
	log    *slog.Logger
	router *router
	// websocket serves GET /api/v4/websocket when set.
	websocket http.Handler
	metrics   Metrics
	limiter   *limiter
	avatars   *avatars
}

// Metrics is what the API reports about requests; *metrics.Metrics implements it.
type Metrics interface {
	ObserveHTTP(handler, method string, status int, d time.Duration)
	PostCreated()
	Login(ok bool)
	RateLimited()
}

// access says how much authentication an endpoint needs.
type access int

const (
	authRequired access = iota // a valid session, CSRF-checked for cookies
	authOptional               // anonymous allowed; a session is used when present
	authTrusted                // a session, but no CSRF check (images, files)
)

type handlerFunc func(c *Context) error

type endpoint struct {
	fn      handlerFunc
	access  access
	pattern string // the route as registered, for metrics labels
	etag    bool   // answers carry an ETag; If-None-Match can get a 304
}

// etagged are the GETs Mattermost's api4 answers with an ETag, and with 304
// when If-None-Match repeats it (HandleEtag): users by id, username and
// email, user lists, a post, a thread, a channel's posts (but not `since`) and
// a user's channels in a team. The apps keep their caches by it.
var etagged = map[string]bool{
	"/users": true, "/users/{user_id}": true, "/users/username/{username:username}": true,
	"/users/email/{email:any}": true, "/posts/{post_id}": true, "/posts/{post_id}/thread": true,
	"/channels/{channel_id}/posts": true, "/users/{user_id}/teams/{team_id}/channels": true,
}

// New builds the API handler and its route table.
func New(a *app.App, log *slog.Logger) *Handler {
	h := &Handler{app: a, log: log, router: newRouter(), limiter: newLimiter(), avatars: mustAvatars()}
	h.systemRoutes()
	h.groupRoutes()
	h.userRoutes()
	h.teamRoutes()
	h.channelRoutes()
	h.postRoutes()
	h.gdprRoutes()
	h.reportRoutes()
	h.retentionRoutes()
	h.searchRoutes()
	h.fileRoutes()
	h.uploadRoutes()
	h.hookRoutes()
	h.commandRoutes()
	h.botRoutes()
	h.jobRoutes()
	h.ldapRoutes()
	h.samlRoutes()
	h.guestRoutes()
	h.mfaRoutes()
	h.configRoutes()
	h.featureRoutes()
	h.termsRoutes()
	h.draftRoutes()
	h.threadRoutes()
	h.recoveryRoutes()
	h.webPushRoutes()
	return h
}

// SetMetrics makes the API report to m.
func (h *Handler) SetMetrics(m Metrics) { h.metrics = m }

// SetWebSocket installs the handler of GET /api/v4/websocket.
func (h *Handler) SetWebSocket(ws http.Handler) { h.websocket = ws }

func (h *Handler) get(path string, fn handlerFunc, acc ...access)    { h.add("GET", path, fn, acc) }
func (h *Handler) post(path string, fn handlerFunc, acc ...access)   { h.add("POST", path, fn, acc) }
func (h *Handler) put(path string, fn handlerFunc, acc ...access)    { h.add("PUT", path, fn, acc) }
func (h *Handler) delete(path string, fn handlerFunc, acc ...access) { h.add("DELETE", path, fn, acc) }

func (h *Handler) add(method, path string, fn handlerFunc, acc []access) {
	e := &endpoint{fn: fn, pattern: path, etag: method == http.MethodGet && etagged[path]}
	if len(acc) > 0 {
		e.access = acc[0]
	}
	h.router.add(method, path, e)
}

// Prefix is where the API lives under the site.
const Prefix = "/api/v4"

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	c := h.newContext(w, r)
	hdr := w.Header()
	hdr.Set("X-Request-Id", c.RequestID)
	if r.Method == http.MethodGet {
		hdr.Set("Expires", "0")
	}
	path := strings.TrimPrefix(r.URL.Path, Prefix)
	if path == "/websocket" && h.websocket != nil {
		if err := c.checkSocketMFA(); err != nil {
			c.writeError(err)
			return
		}
		h.websocket.ServeHTTP(w, r)
		return
	}
	ep, params := h.router.match(r.Method, path)
	pattern := "unknown"
	if ep == nil {
		c.writeError(model.NewAppError(http.StatusNotFound, "api.context.404.app_error",
			"Sorry, we could not find the page."))
	} else {
		pattern = ep.pattern
		c.params = params
		c.etag = ep.etag
		var err error
		if name := nulInURL(r, params); name != "" {
			err = model.ErrNULInURL(name)
		} else {
			err = c.authenticate(ep.access)
		}
		if err == nil {
			err = c.checkMFASetup(r.Method, ep.pattern)
		}
		if !c.rateLimit() {
			err = nil // answered 429 already
		} else if err == nil {
			err = ep.fn(c)
		}
		if err != nil {
			c.writeError(err)
		}
	}
	if h.metrics != nil {
		h.metrics.ObserveHTTP(pattern, r.Method, c.status, time.Since(start))
	}
	h.log.DebugContext(r.Context(), "request", "method", r.Method, "path", r.URL.Path, "status", c.status,
		"dur", time.Since(start), "request_id", c.RequestID)
}

// newContext starts a request's Context, with the client's address resolved
// once for the rate limit, the audit log and new sessions.
func (h *Handler) newContext(w http.ResponseWriter, r *http.Request) *Context {
	ctx := app.WithClientIP(r.Context(), clientIP(r, h.app.Config()))
	return &Context{h: h, w: w, r: r, ctx: ctx, RequestID: model.NewID(), app: h.app}
}

// Context is one request on its way through a handler.
type Context struct {
	h         *Handler
	app       *app.App
	w         http.ResponseWriter
	r         *http.Request
	ctx       context.Context
	params    map[string]string
	Session   *model.Session
	RequestID string
	status    int
	// tokenFromCookie tells whether the credential came from MMAUTHTOKEN.
	tokenFromCookie bool
	// etag: a 200 answer gets an ETag (see etagged).
	etag bool
}

// token extracts the credential in the reference's order.
func (c *Context) token() (token string, fromCookie bool) {
	if ck, err := c.r.Cookie("MMAUTHTOKEN"); err == nil && ck.Value != "" {
		return ck.Value, true
	}
	if auth := c.r.Header.Get("Authorization"); len(auth) > 6 {
		if strings.EqualFold(auth[:7], "bearer ") {
			return strings.TrimSpace(auth[7:]), false
		}
		if strings.EqualFold(auth[:6], "token ") {
			return strings.TrimSpace(auth[6:]), false
		}
	}
	return "", false
}

func (c *Context) authenticate(acc access) error {
	token, fromCookie := c.token()
	if token == "" {
		if c.r.URL.Query().Get("access_token") != "" {
			return model.NewAppError(http.StatusUnauthorized, "api.context.token_provided.app_error",
				"Session is not OAuth but token was provided in the query string.")
		}
		if acc == authOptional {
			return nil
		}
		return model.ErrSessionExpired()
	}
	s, err := c.app.SessionFromToken(c.ctx, token)
	if err != nil {
		if fromCookie {
			c.clearAuthCookie()
		}
		if acc == authOptional {
			return nil
		}
		return err
	}
	c.Session, c.tokenFromCookie = s, fromCookie
	c.ctx = context.WithValue(c.ctx, sessionKey{}, s)
	if fromCookie && acc != authTrusted && c.r.Method != http.MethodGet && !c.csrfOK() {
		return model.ErrSessionExpired()
	}
	if c.r.Header.Get("X-Requested-With") == "XMLHttpRequest" && !s.Local {
		c.app.WebRequest(c.ctx, s.UserID)
	}
	return nil
}

type sessionKey struct{}

// csrfOK checks X-CSRF-Token against the session, with Mattermost's fallback for
// XMLHttpRequest callers unless strict CSRF is configured.
func (c *Context) csrfOK() bool {
	if tok := c.r.Header.Get("X-CSRF-Token"); tok != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(c.Session.CSRF())) == 1 {
		return true
	}
	if c.r.Header.Get("X-Requested-With") == "XMLHttpRequest" && !c.app.Config().StrictCSRF {
		c.h.log.WarnContext(c.ctx, "CSRF token missing; allowed for XMLHttpRequest", "path", c.r.URL.Path, "user_id", c.Session.UserID)
		return true
	}
	return false
}

func (c *Context) clearAuthCookie() {
	http.SetCookie(c.w, &http.Cookie{Name: "MMAUTHTOKEN", Value: "", Path: c.cookiePath(), MaxAge: -1, HttpOnly: true})
}

func (c *Context) cookiePath() string {
	if p := c.app.Config().SitePath(); p != "" {
		return p
	}
	return "/"
}

// writeJSON sends v with status.
func (c *Context) writeJSON(status int, v any) error {
	c.w.Header().Set("Content-Type", "application/json")
	if c.etag && status == http.StatusOK {
		return c.writeTagged(v)
	}
	c.status = status
	c.w.WriteHeader(status)
	if _, ok := v.(*model.PostList); ok {
		body, err := encodeJSON(v)
		if err == nil {
			_, err = c.w.Write(body)
		}
		return err
	}
	return json.NewEncoder(c.w).Encode(v)
}

// encodeJSON is json.NewEncoder(w).Encode(v)'s bytes; a post list, the
// history pages' answer, skips encoding/json's reflection (see AppendJSON).
func encodeJSON(v any) ([]byte, error) {
	if l, ok := v.(*model.PostList); ok && l != nil {
		return l.AppendJSON(make([]byte, 0, 1024*(len(l.Posts)+1)))
	}
	var body bytes.Buffer
	err := json.NewEncoder(&body).Encode(v)
	return body.Bytes(), err
}

// writeTagged sends v with an ETag made from its encoding, so it changes with
// anything the caller would see change (including what is sanitized for this
// caller), or answers 304 without a body when If-None-Match names that tag.
func (c *Context) writeTagged(v any) error {
	body, err := encodeJSON(v)
	if err != nil {
		return model.ErrInternal(err)
	}
	sum := sha256.Sum256(body)
	tag := `"` + hex.EncodeToString(sum[:16]) + `"`
	c.w.Header().Set("ETag", tag)
	if etagMatches(c.r.Header.Get("If-None-Match"), tag) {
		c.w.Header().Del("Content-Type")
		c.status = http.StatusNotModified
		c.w.WriteHeader(http.StatusNotModified)
		return nil
	}
	c.status = http.StatusOK
	c.w.WriteHeader(http.StatusOK)
	_, err = c.w.Write(body)
	return err
}

// etagMatches reports whether an If-None-Match header names tag: the tag as
// sent (Mattermost's clients echo it), in a list, weak, or unquoted.
func etagMatches(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == tag || `"`+t+`"` == tag {
			return true
		}
	}
	return false
}

func (c *Context) ok(v any) error      { return c.writeJSON(http.StatusOK, v) }
func (c *Context) created(v any) error { return c.writeJSON(http.StatusCreated, v) }
func (c *Context) statusOK() error     { return c.ok(map[string]string{"status": "OK"}) }

// writeError is the one place errors become the API's error body.
func (c *Context) writeError(err error) {
	var ae *model.AppError
	if !errors.As(err, &ae) {
		ae = model.ErrInternal(err)
	}
	if ae.StatusCode >= 500 {
		c.h.log.ErrorContext(c.ctx, "request failed", "path", c.r.URL.Path, "request_id", c.RequestID, "err", err)
	}
	body := *ae
	body.RequestID = c.RequestID
	if body.StatusCode == 0 {
		body.StatusCode = http.StatusInternalServerError
	}
	if body.StatusCode == http.StatusUnauthorized && c.tokenFromCookie {
		c.clearAuthCookie()
	}
	_ = c.writeJSON(body.StatusCode, &body)
}
