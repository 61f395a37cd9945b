package api

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func (h *Handler) userRoutes() {
	h.post("/users", h.createUser, authOptional)
	h.get("/users", h.listUsers)
	h.post("/users/login", h.login, authOptional)
	h.post("/users/logout", h.logout, authOptional)
	h.put("/users/sessions/device", h.attachDevice)
	h.post("/users/ids", h.usersByIDs)
	h.post("/users/usernames", h.usersByUsernames)
	h.post("/users/group_channels", h.groupChannelMembers)
	h.get("/users/known", h.knownUsers)
	h.get("/users/stats", h.userStats)
	h.get("/users/autocomplete", h.autocompleteUsers)
	h.post("/users/search", h.searchUsers)
	h.get("/users/username/{username:username}", h.userByUsername)
	h.get("/users/email/{email:any}", h.userByEmail)
	h.get("/users/{user_id}", h.getUser)
	h.put("/users/{user_id}", h.updateUser)
	h.delete("/users/{user_id}", h.deleteUser)
	h.put("/users/{user_id}/patch", h.patchUser)
	h.put("/users/{user_id}/password", h.updatePassword)
	h.put("/users/{user_id}/active", h.updateActive)
	h.put("/users/{user_id}/roles", h.updateRoles)
	h.get("/users/{user_id}/image", h.userImage, authTrusted)
	h.get("/users/{user_id}/image/default", h.defaultUserImage, authTrusted)
	h.post("/users/{user_id}/image", h.setUserImage)
	h.delete("/users/{user_id}/image", h.resetUserImage)
	h.post("/users/{user_id}/typing", h.userTyping)

	h.get("/users/{user_id}/sessions", h.listSessions)
	h.post("/users/{user_id}/sessions/revoke", h.revokeSession)
	h.post("/users/{user_id}/sessions/revoke/all", h.revokeAllSessions)
	h.post("/users/sessions/revoke/all", h.revokeEverySession)

	h.post("/users/{user_id}/tokens", h.createToken)
	h.get("/users/{user_id}/tokens", h.listTokens)
	h.get("/users/tokens", h.listAllTokens)
	h.get("/users/tokens/{token_id}", h.getToken)
	h.post("/users/tokens/revoke", h.revokeToken)
	h.post("/users/tokens/disable", h.disableToken)
	h.post("/users/tokens/enable", h.enableToken)
	h.post("/users/tokens/search", h.searchTokens)

	h.get("/users/{user_id}/status", h.getStatus)
	h.put("/users/{user_id}/status", h.setStatus)
	h.put("/users/{user_id}/status/custom", h.setCustomStatus)
	h.delete("/users/{user_id}/status/custom", h.removeCustomStatus)
	// Mattermost serves both; apps use the POST.
	h.post("/users/{user_id}/status/custom/recent/delete", h.removeRecentCustomStatus)
	h.delete("/users/{user_id}/status/custom/recent", h.removeRecentCustomStatus)
	h.post("/users/status/ids", h.statusesByIDs)

	h.get("/users/{user_id}/preferences", h.getPreferences)
	h.put("/users/{user_id}/preferences", h.savePreferences)
	h.post("/users/{user_id}/preferences/delete", h.deletePreferences)
	h.get("/users/{user_id}/preferences/{category:pref}", h.getPreferenceCategory)
	h.get("/users/{user_id}/preferences/{category:pref}/name/{name:pref}", h.getPreference)
}

func (h *Handler) createUser(c *Context) error {
	var u model.User
	if err := c.decode(&u, "user"); err != nil {
		return err
	}
	var created *model.User
	var err error
	if t := c.query("t"); t != "" {
		created, err = c.app.CreateUserWithToken(c.ctx, c.Session, &u, t)
	} else {
		created, err = c.app.CreateUser(c.ctx, c.Session, &u, c.query("iid"))
	}
	if err != nil {
		return err
	}
	return c.created(created)
}

func (h *Handler) login(c *Context) error {
	var req app.LoginRequest
	if err := c.decode(&req, "login_id"); err != nil {
		return err
	}
	u, s, err := c.app.AuditLogin(c.ctx, req, c.r.UserAgent())
	if h.metrics != nil {
		h.metrics.Login(err == nil)
	}
	if err != nil {
		return err
	}
	c.w.Header().Set("Token", s.Token)
	if c.r.Header.Get("X-Requested-With") == "XMLHttpRequest" {
		c.setSessionCookies(u, s)
	}
	return c.ok(u)
}

// setSessionCookies gives a browser the cookies the web app runs on.
func (c *Context) setSessionCookies(u *model.User, s *model.Session) {
	maxAge := c.app.Config().SessionLengthDays * 24 * 3600
	expires := time.Now().Add(time.Duration(maxAge) * time.Second)
	path := c.cookiePath()
	for _, ck := range []*http.Cookie{
		{Name: "MMAUTHTOKEN", Value: s.Token, HttpOnly: true},
		{Name: "MMUSERID", Value: u.ID},
		{Name: "MMCSRF", Value: s.CSRF()},
	} {
		ck.Path, ck.MaxAge, ck.Expires, ck.Secure, ck.SameSite = path, maxAge, expires, c.secure(), http.SameSiteLaxMode
		http.SetCookie(c.w, ck)
	}
}

// secure reports whether the browser reached Parley over HTTPS.
func (c *Context) secure() bool {
	return c.r.TLS != nil || strings.EqualFold(c.r.Header.Get("X-Forwarded-Proto"), "https")
}

func (h *Handler) logout(c *Context) error {
	if err := c.app.Logout(c.ctx, c.Session); err != nil {
		return err
	}
	c.clearAuthCookie()
	for _, name := range []string{"MMUSERID", "MMCSRF"} {
		http.SetCookie(c.w, &http.Cookie{Name: name, Value: "", Path: c.cookiePath(), MaxAge: -1})
	}
	return c.statusOK()
}

func (h *Handler) attachDevice(c *Context) error {
	var body struct {
		DeviceID string `json:"device_id"`
	}
	if err := c.decode(&body, "device_id"); err != nil {
		return err
	}
	if err := c.app.AttachDevice(c.ctx, c.Session, body.DeviceID); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) getUser(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	u, err := c.app.GetUser(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(u)
}

func (h *Handler) userByUsername(c *Context) error {
	u, err := c.app.GetUserByUsername(c.ctx, c.Session, c.param("username"))
	if err != nil {
		return err
	}
	return c.ok(u)
}

func (h *Handler) userByEmail(c *Context) error {
	email := c.param("email")
	if !model.IsValidEmail(strings.ToLower(email)) {
		return model.ErrInvalidURLParam("email")
	}
	u, err := c.app.GetUserByEmail(c.ctx, c.Session, email)
	if err != nil {
		return err
	}
	return c.ok(u)
}

func (h *Handler) usersByIDs(c *Context) error {
	ids, err := c.decodeIDs("user_ids", 1000)
	if err != nil {
		return err
	}
	since, err := c.int64Query("since")
	if err != nil {
		return err
	}
	us, err := c.app.GetUsersByIDs(c.ctx, c.Session, ids, since)
	if err != nil {
		return err
	}
	return c.ok(us)
}

func (h *Handler) usersByUsernames(c *Context) error {
	var names []string
	if err := c.decode(&names, "usernames"); err != nil {
		return err
	}
	if len(names) == 0 || len(names) > 1000 {
		return model.ErrInvalidBody("usernames")
	}
	us, err := c.app.GetUsersByUsernames(c.ctx, c.Session, names)
	if err != nil {
		return err
	}
	return c.ok(us)
}

func (h *Handler) groupChannelMembers(c *Context) error {
	ids, err := c.decodeIDs("channel_ids", 200)
	if err != nil {
		return err
	}
	out := map[string][]*model.User{}
	for _, id := range ids {
		us, err := c.app.ListUsers(c.ctx, c.Session, store.UserFilter{InChannel: id}, 0, 10)
		if err != nil {
			continue
		}
		out[id] = us
	}
	return c.ok(out)
}

func (h *Handler) knownUsers(c *Context) error {
	ids, err := c.app.KnownUsers(c.ctx, c.Session)
	if err != nil {
		return err
	}
	return c.ok(ids)
}

func (h *Handler) userStats(c *Context) error {
	n, err := c.app.UserCount(c.ctx)
	if err != nil {
		return err
	}
	return c.ok(map[string]int64{"total_users_count": n})
}

// listFilter reads the GET /users filters.
func (c *Context) listFilter() (store.UserFilter, error) {
	q := c.r.URL.Query()
	f := store.UserFilter{InTeam: q.Get("in_team"), NotInTeam: q.Get("not_in_team"), InChannel: q.Get("in_channel"),
		NotInChannel: q.Get("not_in_channel"), WithoutTeam: isTrue(q.Get("without_team")), Role: q.Get("role"),
		Sort: q.Get("sort")}
	for name, v := range map[string]string{"in_team": f.InTeam, "not_in_team": f.NotInTeam, "in_channel": f.InChannel, "not_in_channel": f.NotInChannel} {
		if v != "" && !model.IsValidID(v) {
			return f, model.ErrInvalidURLParam(name)
		}
	}
	if f.NotInChannel != "" && f.InTeam == "" {
		return f, model.ErrInvalidURLParam("team_id")
	}
	if a := q.Get("active"); a != "" {
		active := isTrue(a)
		f.Active = &active
	}
	if isTrue(q.Get("inactive")) {
		if f.Active != nil {
			return f, model.ErrInvalidURLParam("inactive")
		}
		inactive := false
		f.Active = &inactive
	}
	switch f.Sort {
	case "":
	case "create_at", "last_activity_at":
		if f.InTeam == "" || f.InChannel != "" || f.NotInTeam != "" {
			return f, model.ErrInvalidURLParam("sort")
		}
	case "status":
		if f.InChannel == "" {
			return f, model.ErrInvalidURLParam("sort")
		}
		f.Sort = ""
	case "admin":
		if f.InChannel == "" {
			return f, model.ErrInvalidURLParam("sort")
		}
	default:
		return f, model.ErrInvalidURLParam("sort")
	}
	return f, nil
}

func (h *Handler) listUsers(c *Context) error {
	f, err := c.listFilter()
	if err != nil {
		return err
	}
	page, perPage := c.paging()
	us, err := c.app.ListUsers(c.ctx, c.Session, f, page, perPage)
	if err != nil {
		return err
	}
	return c.ok(us)
}

func (h *Handler) autocompleteUsers(c *Context) error {
	q := c.r.URL.Query()
	teamID, channelID := q.Get("in_team"), q.Get("in_channel")
	if (teamID != "" && !model.IsValidID(teamID)) || (channelID != "" && !model.IsValidID(channelID)) {
		return model.ErrInvalidURLParam("team_id")
	}
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	term := q.Get("name")
	if channelID != "" {
		in, err := c.app.ListUsers(c.ctx, c.Session, store.UserFilter{InChannel: channelID, Term: term, SearchEmail: true}, 0, limit)
		if err != nil {
			return err
		}
		resp := map[string]any{"users": in}
		if teamID != "" {
			out, err := c.app.ListUsers(c.ctx, c.Session, store.UserFilter{InTeam: teamID, NotInChannel: channelID, Term: term, SearchEmail: true}, 0, limit)
			if err != nil {
				return err
			}
			if len(out) > 0 {
				resp["out_of_channel"] = out
			}
		}
		return c.ok(resp)
	}
	us, err := c.app.ListUsers(c.ctx, c.Session, store.UserFilter{InTeam: teamID, Term: term, SearchEmail: true}, 0, limit)
	if err != nil {
		return err
	}
	return c.ok(map[string]any{"users": us})
}

func (h *Handler) searchUsers(c *Context) error {
	var body struct {
		Term           string `json:"term"`
		TeamID         string `json:"team_id"`
		NotInTeamID    string `json:"not_in_team_id"`
		InChannelID    string `json:"in_channel_id"`
		NotInChannelID string `json:"not_in_channel_id"`
		AllowInactive  bool   `json:"allow_inactive"`
		WithoutTeam    bool   `json:"without_team"`
		Limit          int    `json:"limit"`
		Role           string `json:"role"`
	}
	if err := c.decode(&body, "term"); err != nil {
		return err
	}
	if strings.TrimSpace(body.Term) == "" {
		return model.ErrInvalidBody("term")
	}
	for _, id := range []string{body.TeamID, body.NotInTeamID, body.InChannelID, body.NotInChannelID} {
		if id != "" && !model.IsValidID(id) {
			return model.ErrInvalidBody("team_id")
		}
	}
	if body.Limit <= 0 {
		body.Limit = 100
	}
	f := store.UserFilter{Term: body.Term, InTeam: body.TeamID, NotInTeam: body.NotInTeamID, InChannel: body.InChannelID,
		NotInChannel: body.NotInChannelID, WithoutTeam: body.WithoutTeam, Role: body.Role, SearchEmail: true}
	if !body.AllowInactive {
		active := true
		f.Active = &active
	}
	us, err := c.app.ListUsers(c.ctx, c.Session, f, 0, min(body.Limit, 1000))
	if err != nil {
		return err
	}
	return c.ok(us)
}

func (h *Handler) patchUser(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	var p model.UserPatch
	if err := c.decode(&p, "user"); err != nil {
		return err
	}
	u, err := c.app.PatchUser(c.ctx, c.Session, id, &p)
	if err != nil {
		return err
	}
	return c.ok(u)
}

func (h *Handler) updateUser(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	var u model.User
	if err := c.decode(&u, "user"); err != nil {
		return err
	}
	if u.ID != id {
		return model.ErrInvalidBody("user_id")
	}
	out, err := c.app.UpdateUser(c.ctx, c.Session, &u)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) updatePassword(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	var body struct {
		CurrentPassword string `json:"current_password"`
		NewPassword     string `json:"new_password"`
	}
	if err := c.decode(&body, "new_password"); err != nil {
		return err
	}
	if err := c.app.UpdatePassword(c.ctx, c.Session, id, body.CurrentPassword, body.NewPassword); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) updateActive(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	var body struct {
		Active *bool `json:"active"`
	}
	if err := c.decode(&body, "active"); err != nil {
		return err
	}
	if body.Active == nil {
		return model.ErrInvalidBody("active")
	}
	if err := c.app.SetUserActive(c.ctx, c.Session, id, *body.Active); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) deleteUser(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	if isTrue(c.query("permanent")) {
		if err := c.app.PermanentDeleteUser(c.ctx, c.Session, id, isTrue(c.query("anonymize"))); err != nil {
			return err
		}
		return c.statusOK()
	}
	if err := c.app.DeactivateUser(c.ctx, c.Session, id); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) updateRoles(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	var body struct {
		Roles string `json:"roles"`
	}
	if err := c.decode(&body, "roles"); err != nil {
		return err
	}
	if err := c.app.UpdateUserRoles(c.ctx, c.Session, id, body.Roles); err != nil {
		return err
	}
	return c.statusOK()
}

// userImage serves the user's uploaded picture, or the generated one.
func (h *Handler) userImage(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	u, err := c.app.GetUser(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	// Mattermost's tag is the picture's update time, unquoted (load-test-ng
	// parses it as an integer), and a client that sends it back gets 304
	// before any picture is read or drawn: the apps ask for every poster's
	// picture with the tag they hold.
	etag := strconv.FormatInt(u.LastPictureUpdate, 10)
	if c.r.Header.Get("If-None-Match") == etag {
		c.w.Header().Set("ETag", etag)
		c.status = http.StatusNotModified
		c.w.WriteHeader(http.StatusNotModified)
		return nil
	}
	obj := c.app.OpenProfileImage(c.ctx, u)
	if obj == nil {
		// An uploaded picture that could not be read: the default, cached
		// briefly and with no tag, so the next request tries again.
		if u.LastPictureUpdate > 0 {
			return writeDefaultImage(c, u.ID, true)
		}
		c.w.Header().Set("ETag", etag)
		return writeDefaultImage(c, u.ID, false)
	}
	defer obj.Close()
	hdr := c.w.Header()
	hdr.Set("Content-Type", "image/png")
	hdr.Set("Cache-Control", "max-age=86400, private")
	hdr.Set("ETag", etag)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Del("Expires")
	c.status = http.StatusOK
	http.ServeContent(c.w, c.r, "", obj.ModTime(), obj)
	return nil
}

// defaultUserImage serves the generated picture, whatever was uploaded.
func (h *Handler) defaultUserImage(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	if _, err := c.app.GetUser(c.ctx, c.Session, id); err != nil {
		return err
	}
	return writeDefaultImage(c, id, false)
}

// writeDefaultImage sends a generated avatar: a square in a colour derived
// from the id. briefly caches it for 5 minutes instead of a day, for when it
// stands in for an uploaded picture that could not be read.
func writeDefaultImage(c *Context, id string, briefly bool) error {
	c.w.Header().Set("Content-Type", "image/png")
	if briefly {
		c.w.Header().Set("Cache-Control", "max-age=300, private")
	} else {
		c.w.Header().Set("Cache-Control", "max-age=86400, private")
	}
	c.status = http.StatusOK
	_, err := c.w.Write(c.h.avatars.png(id))
	return err
}

// setUserImage takes the multipart field "image".
func (h *Handler) setUserImage(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	limit := c.app.Config().MaxFileSize
	tooLarge := c.app.ErrProfileImageTooLarge()
	if c.r.ContentLength > limit+1<<20 {
		return tooLarge
	}
	err = c.app.SetProfileImage(c.ctx, c.Session, id, func() (io.Reader, error) {
		c.r.Body = http.MaxBytesReader(c.w, c.r.Body, limit+1<<20)
		mr, err := c.r.MultipartReader()
		if err != nil {
			return nil, model.NewAppError(http.StatusBadRequest, "api.user.upload_profile_user.parse.app_error",
				"Could not parse the multipart form.").Wrap(err)
		}
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return nil, model.NewAppError(http.StatusBadRequest, "api.user.upload_profile_user.no_file.app_error",
					"No file under 'image' in the request.")
			}
			if err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					return nil, tooLarge
				}
				return nil, model.NewAppError(http.StatusBadRequest, "api.user.upload_profile_user.parse.app_error",
					"Could not parse the multipart form.").Wrap(err)
			}
			if part.FormName() == "image" {
				return part, nil
			}
		}
	})
	if err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) resetUserImage(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	if err := c.app.ResetProfileImage(c.ctx, c.Session, id); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) userTyping(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	var body struct {
		ChannelID string `json:"channel_id"`
		ParentID  string `json:"parent_id"`
	}
	if err := c.decode(&body, "channel_id"); err != nil {
		return err
	}
	if !model.IsValidID(body.ChannelID) {
		return model.ErrInvalidBody("channel_id")
	}
	if err := c.app.UserTyping(c.ctx, c.Session, id, body.ChannelID, body.ParentID); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) listSessions(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	ss, err := c.app.Sessions(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(ss)
}

func (h *Handler) revokeSession(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	var body struct {
		SessionID string `json:"session_id"`
	}
	if err := c.decode(&body, "session_id"); err != nil {
		return err
	}
	if !model.IsValidID(body.SessionID) {
		return model.ErrInvalidBody("session_id")
	}
	if err := c.app.RevokeSession(c.ctx, c.Session, id, body.SessionID); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) revokeAllSessions(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	if err := c.app.RevokeAllSessions(c.ctx, c.Session, id); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) revokeEverySession(c *Context) error {
	if err := c.app.RevokeAllSessions(c.ctx, c.Session, ""); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) createToken(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	var body struct {
		Description string `json:"description"`
	}
	if err := c.decode(&body, "description"); err != nil {
		return err
	}
	t, err := c.app.CreateAccessToken(c.ctx, c.Session, id, body.Description)
	if err != nil {
		return err
	}
	return c.ok(t)
}

func (h *Handler) listTokens(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	page, perPage := c.paging()
	ts, err := c.app.AccessTokens(c.ctx, c.Session, id, page, perPage)
	if err != nil {
		return err
	}
	return c.ok(ts)
}

func (h *Handler) listAllTokens(c *Context) error {
	page, perPage := c.paging()
	ts, err := c.app.AccessTokens(c.ctx, c.Session, "", page, perPage)
	if err != nil {
		return err
	}
	return c.ok(ts)
}

func (h *Handler) getToken(c *Context) error {
	id, err := c.idParam("token_id")
	if err != nil {
		return err
	}
	t, err := c.app.AccessToken(c.ctx, c.Session, id, model.PermReadUserAccessToken)
	if err != nil {
		return err
	}
	return c.ok(t)
}

// tokenIDBody reads {"token_id": "..."}.
func (c *Context) tokenIDBody() (string, error) {
	var body struct {
		TokenID string `json:"token_id"`
	}
	if err := c.decode(&body, "token_id"); err != nil {
		return "", err
	}
	if !model.IsValidID(body.TokenID) {
		return "", model.ErrInvalidBody("token_id")
	}
	return body.TokenID, nil
}

func (h *Handler) revokeToken(c *Context) error {
	id, err := c.tokenIDBody()
	if err != nil {
		return err
	}
	if err := c.app.RevokeAccessToken(c.ctx, c.Session, id); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) disableToken(c *Context) error { return h.setTokenActive(c, false) }
func (h *Handler) enableToken(c *Context) error  { return h.setTokenActive(c, true) }

func (h *Handler) setTokenActive(c *Context, active bool) error {
	id, err := c.tokenIDBody()
	if err != nil {
		return err
	}
	if err := c.app.SetAccessTokenActive(c.ctx, c.Session, id, active); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) searchTokens(c *Context) error {
	var body struct {
		Term string `json:"term"`
	}
	if err := c.decode(&body, "term"); err != nil {
		return err
	}
	ts, err := c.app.SearchAccessTokens(c.ctx, c.Session, body.Term)
	if err != nil {
		return err
	}
	return c.ok(ts)
}

func (h *Handler) getStatus(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	st, err := c.app.Status(c.ctx, id)
	if err != nil {
		return err
	}
	return c.ok(st)
}

func (h *Handler) setStatus(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	var body struct {
		UserID     string `json:"user_id"`
		Status     string `json:"status"`
		DNDEndTime int64  `json:"dnd_end_time"`
	}
	if err := c.decode(&body, "status"); err != nil {
		return err
	}
	if body.UserID != "" && body.UserID != id {
		return model.ErrInvalidBody("user_id")
	}
	st, err := c.app.SetStatus(c.ctx, c.Session, id, body.Status, body.DNDEndTime)
	if err != nil {
		return err
	}
	return c.ok(st)
}

func (h *Handler) statusesByIDs(c *Context) error {
	ids, err := c.decodeIDs("user_ids", 1000)
	if err != nil {
		return err
	}
	sts, err := c.app.Statuses(c.ctx, ids)
	if err != nil {
		return err
	}
	return c.ok(sts)
}

func (h *Handler) getPreferences(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	ps, err := c.app.Preferences(c.ctx, c.Session, id, "")
	if err != nil {
		return err
	}
	return c.ok(ps)
}

func (h *Handler) getPreferenceCategory(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	ps, err := c.app.Preferences(c.ctx, c.Session, id, c.param("category"))
	if err != nil {
		return err
	}
	return c.ok(ps)
}

func (h *Handler) getPreference(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	p, err := c.app.Preference(c.ctx, c.Session, id, c.param("category"), c.param("name"))
	if err != nil {
		return err
	}
	return c.ok(p)
}

func (c *Context) decodePreferences() ([]model.Preference, error) {
	var ps []model.Preference
	if err := c.decode(&ps, "preferences"); err != nil {
		return nil, err
	}
	if len(ps) == 0 || len(ps) > 100 {
		return nil, model.ErrInvalidBody("preferences")
	}
	return ps, nil
}

func (h *Handler) savePreferences(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	ps, err := c.decodePreferences()
	if err != nil {
		return err
	}
	if err := c.app.SavePreferences(c.ctx, c.Session, id, ps); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) deletePreferences(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	ps, err := c.decodePreferences()
	if err != nil {
		return err
	}
	if err := c.app.DeletePreferences(c.ctx, c.Session, id, ps); err != nil {
		return err
	}
	return c.statusOK()
}

// customStatusBody decodes a custom status; a body that is not one is left
// nil, for the app to refuse with Mattermost's order of checks.
func (c *Context) customStatusBody(param string) (*model.CustomStatus, error) {
	var cs model.CustomStatus
	if err := c.decode(&cs, param); err != nil {
		var ae *model.AppError
		if errors.As(err, &ae) && ae.StatusCode == http.StatusRequestEntityTooLarge {
			return nil, err
		}
		return nil, nil
	}
	return &cs, nil
}

func (h *Handler) setCustomStatus(c *Context) error {
	userID, err := c.userParam()
	if err != nil {
		return err
	}
	cs, err := c.customStatusBody("custom_status")
	if err != nil {
		return err
	}
	if err := c.app.SetCustomStatus(c.ctx, c.Session, userID, cs); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) removeCustomStatus(c *Context) error {
	userID, err := c.userParam()
	if err != nil {
		return err
	}
	if err := c.app.RemoveCustomStatus(c.ctx, c.Session, userID); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) removeRecentCustomStatus(c *Context) error {
	userID, err := c.userParam()
	if err != nil {
		return err
	}
	cs, err := c.customStatusBody("recent_custom_status")
	if err != nil {
		return err
	}
	if err := c.app.RemoveRecentCustomStatus(c.ctx, c.Session, userID, cs); err != nil {
		return err
	}
	return c.statusOK()
}
