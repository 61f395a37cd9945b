package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/api"
	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

// secretMark is in every name and text of the private world; a response to
// someone who may not see it must never contain it.
const secretMark = "zzsecret"

// leakExempt are routes the matrix does not drive, each with its reason.
// Every other route is requested by every actor; a new route is covered
// automatically, and a route listed here that no longer exists fails.
var leakExempt = map[string]string{
	"POST /users/logout":                                             "ends the actor's own session; run last by hand below",
	"POST /users/login":                                              "anonymous; answers only the caller's own account",
	"POST /users":                                                    "creates an account; answers only that account",
	"POST /users/mfa":                                                "answers one boolean about a login id, nothing of channels",
	"POST /users/{user_id}/mfa/generate":                             "self only; answers a fresh secret, nothing of channels",
	"PUT /users/{user_id}/password":                                  "would change the actor's password; answers StatusOK only",
	"POST /users/{user_id}/sessions/revoke/all":                      "would end the actor's sessions; answers StatusOK only",
	"POST /users/{user_id}/sessions/revoke":                          "would end the actor's session; answers StatusOK only",
	"DELETE /users/{user_id}":                                        "would deactivate the actor; answers StatusOK only",
	"PUT /users/{user_id}/active":                                    "would deactivate the actor; answers StatusOK only",
	"GET /system/ping":                                               "server health; no user data",
	"GET /config/client":                                             "public client configuration; no user data",
	"GET /license/client":                                            "public license stub; no user data",
	"POST /logs":                                                     "client log sink; answers nothing",
	"GET /system/timezones":                                          "static list",
	"GET /plugins/webapp":                                            "static empty list",
	"GET /plugins/statuses":                                          "static empty list",
	"GET /system/onboarding/complete":                                "static false",
	"PUT /system/notices/view":                                       "answers StatusOK only",
	"GET /users/{user_id}/image/default":                             "generated initials image of a user, no channel data",
	"GET /users/{user_id}/image":                                     "profile image bytes, no channel data",
	"GET /emoji/{emoji_id}/image":                                    "custom emoji are server-wide and public to users",
	"GET /channels/{channel_id}/bookmarks":                           "always the fixed 501 feature refusal (features.go); reads nothing",
	"POST /channels/{channel_id}/bookmarks":                          "always the fixed 501 feature refusal (features.go); reads nothing",
	"PATCH /channels/{channel_id}/bookmarks/{bookmark_id}":           "always the fixed 501 feature refusal (features.go); reads nothing",
	"POST /channels/{channel_id}/bookmarks/{bookmark_id}/sort_order": "always the fixed 501 feature refusal (features.go); reads nothing",
	"DELETE /channels/{channel_id}/bookmarks/{bookmark_id}":          "always the fixed 501 feature refusal (features.go); reads nothing",
	"POST /users/{user_id}/posts/{post_id}/ack":                      "always the fixed 501 feature refusal (features.go); reads nothing",
	"DELETE /users/{user_id}/posts/{post_id}/ack":                    "always the fixed 501 feature refusal (features.go); reads nothing",
	"POST /notifications/ack":                                        "names a post only in its body; answers it after the read check of GET /posts/{id} (TestPushAckIDLoaded)",
}

// actor is someone who must not see the private channel.
type actor struct {
	name string
	c    *apitest.Client
}

type leakWorld struct {
	s      *apitest.Server
	owner  *apitest.Client
	team   *model.Team
	secret *model.Channel
	root   *model.Post
	reply  *model.Post
	fileID string
	// uploadID is the owner's upload session in the private channel.
	uploadID string
	actors   []actor
	covered  map[string]bool
}

func newLeakWorld(t *testing.T, s *apitest.Server) *leakWorld {
	w := &leakWorld{s: s, owner: s.SignUp("owner"), covered: map[string]bool{}}
	o := w.owner
	w.team = o.CreateTeam("crew", true)
	other := o.CreateTeam("elsewhere", false)
	names := []string{"outsider", "removed", "deactivated", "revoked", "otherteam"}
	clients := map[string]*apitest.Client{}
	for _, n := range names {
		clients[n] = s.SignUp(n)
		if n == "otherteam" {
			o.AddToTeam(other.ID, clients[n].UserID)
		} else {
			o.AddToTeam(w.team.ID, clients[n].UserID)
		}
	}
	o.CreateChannel(w.team.ID, "town", "O")
	var ch model.Channel
	o.Post("/channels", map[string]any{"team_id": w.team.ID, "name": secretMark + "-room", "display_name": "Zzsecret Room",
		"purpose": secretMark + " purpose", "header": secretMark + " header", "type": "P"}).Expect(http.StatusCreated).JSON(&ch)
	w.secret = &ch
	for _, n := range []string{"removed", "deactivated", "revoked"} {
		o.Post("/channels/"+ch.ID+"/members", map[string]string{"user_id": clients[n].UserID}).Expect(http.StatusCreated)
	}
	var up struct {
		FileInfos []model.FileInfo `json:"file_infos"`
	}
	o.Upload(ch.ID, apitest.FilePart{Name: secretMark + "-file.txt", Data: []byte(secretMark + " file content")}).
		Expect(http.StatusCreated).JSON(&up)
	w.fileID = up.FileInfos[0].ID
	var us model.UploadSession
	o.Post("/uploads", map[string]any{"channel_id": ch.ID, "filename": secretMark + "-upload.txt", "file_size": 100}).
		Expect(http.StatusCreated).JSON(&us)
	o.Raw("POST", "/uploads/"+us.ID, "application/octet-stream", []byte(secretMark+" partial")).Expect(http.StatusNoContent)
	w.uploadID = us.ID
	var root model.Post
	o.Post("/posts", map[string]any{"channel_id": ch.ID, "message": secretMark + " root @removed #zzsecrettag",
		"file_ids": []string{w.fileID}}).Expect(http.StatusCreated).JSON(&root)
	w.root = &root
	w.reply = o.CreatePost(ch.ID, secretMark+" reply", root.ID)
	o.Post("/reactions", map[string]string{"user_id": o.UserID, "post_id": root.ID, "emoji_name": "zzz"}).Expect(http.StatusOK)
	o.Post("/posts/"+root.ID+"/pin", nil).Expect(http.StatusOK)
	o.Put("/users/me/preferences", []model.Preference{{UserID: o.UserID, Category: "flagged_post", Name: root.ID, Value: "true"}}).
		Expect(http.StatusOK)
	// The owner accepted the terms of service, which only they and admins
	// see on their user (terms_of_service_id, terms_of_service_create_at).
	var tos model.TermsOfService
	o.Post("/terms_of_service", map[string]string{"text": "House rules"}).Expect(http.StatusOK).JSON(&tos)
	o.Post("/users/me/terms_of_service", map[string]any{"termsOfServiceId": tos.ID, "accepted": true}).Expect(http.StatusOK)

	// The removed member read the channel and then was removed a moment ago.
	clients["removed"].Post("/channels/members/me/view", map[string]string{"channel_id": ch.ID}).Expect(http.StatusOK)
	o.Delete("/channels/" + ch.ID + "/members/" + clients["removed"].UserID).Expect(http.StatusOK)
	o.Put("/users/"+clients["deactivated"].UserID+"/active", map[string]bool{"active": false}).Expect(http.StatusOK)
	o.Post("/users/"+clients["revoked"].UserID+"/sessions/revoke/all", nil).Expect(http.StatusOK)
	for _, n := range names {
		w.actors = append(w.actors, actor{n, clients[n]})
	}
	return w
}

// fill puts the private world's identifiers into a route pattern; self
// chooses whether {user_id} is the actor or the channel's owner.
func (w *leakWorld) fill(pattern string, a actor, self bool) string {
	parts := strings.Split(pattern, "/")
	for i, p := range parts {
		if !strings.HasPrefix(p, "{") {
			continue
		}
		name, _, _ := strings.Cut(strings.Trim(p, "{}"), ":")
		v := map[string]string{
			"channel_id": w.secret.ID, "post_id": w.root.ID, "file_id": w.fileID, "team_id": w.team.ID,
			"team_name": w.team.Name, "channel_name": w.secret.Name, "username": "owner", "email": "owner@example.com",
			"user_id": w.owner.UserID, "category": "display_settings", "name": "x", "emoji_name": "zzz",
			"role_name": "channel_user", "invite_id": w.team.InviteID, "upload_id": w.uploadID,
		}[name]
		if name == "user_id" && self {
			v = a.c.UserID
		}
		if v == "" {
			v = model.NewID()
		}
		parts[i] = v
	}
	return strings.Join(parts, "/")
}

// query and bodies ask each route, in the ways it understands, for the
// private channel by id, name or content.
func (w *leakWorld) query() string {
	return "?in_channel=" + w.secret.ID + "&channel_id=" + w.secret.ID + "&name=" + secretMark + "&term=" + secretMark +
		"&q=" + secretMark + "&team_id=" + w.team.ID + "&include_deleted=true&per_page=200"
}

func (w *leakWorld) bodies() []any {
	return []any{
		map[string]any{"terms": secretMark, "term": secretMark, "name": secretMark, "channel_id": w.secret.ID,
			"channel_ids": []string{w.secret.ID}, "post_id": w.root.ID, "team_id": w.team.ID, "in_channel_id": w.secret.ID,
			"user_ids": []string{w.owner.UserID}, "is_or_search": true, "include_deleted_channels": true, "message": "hi",
			"root_id": w.root.ID, "emoji_name": "zzz", "login_id": "owner"},
		[]string{w.secret.ID},
		[]string{w.root.ID},
	}
}

func (w *leakWorld) check(t *testing.T, a actor, method, path string, r *apitest.Response) {
	t.Helper()
	if bytes.Contains(bytes.ToLower(r.Body), []byte(secretMark)) {
		t.Errorf("%s sees the private channel via %s %s (%d): %.400s", a.name, method, path, r.Status, r.Body)
	}
	// 501 is the deliberate refusal of a feature switched off in this world
	// (SAML, email invitations), never a failure.
	if r.Status >= 500 && r.Status != http.StatusNotImplemented {
		t.Errorf("%s %s as %s: %d %.300s", method, path, a.name, r.Status, r.Body)
	}
	// No actor accepted the terms of service: an acceptance in an answer is the owner's.
	if bytes.Contains(r.Body, []byte("terms_of_service_create_at")) {
		t.Errorf("%s sees the owner's terms of service acceptance via %s %s: %.400s", a.name, method, path, r.Body)
	}
}

// mustReveal are read paths on which the owner must find the private content
// with the matrix's own requests: proof that the matrix asks for it in a way
// that works, so that its silence for the other actors means something.
var mustReveal = []string{
	"GET /channels/{channel_id}", "GET /channels/{channel_id}/posts", "GET /channels/{channel_id}/pinned",
	"GET /channels/{channel_id}/files", "GET /files/{file_id}/info", "GET /posts/{post_id}", "GET /posts/{post_id}/thread",
	"GET /teams/{team_id}/channels/name/{channel_name:name}", "POST /teams/{team_id}/posts/search",
	"POST /posts/ids", "POST /channels/search", "GET /users/{user_id}/teams/{team_id}/channels",
	"POST /teams/{team_id}/channels/search", "GET /uploads/{upload_id}", "GET /users/{user_id}/uploads",
	"GET /users/{user_id}/posts/flagged", "GET /posts/{post_id}/info", "GET /users/{user_id}/channels",
	"POST /teams/{team_id}/files/search", "POST /files/search",
}

// positiveControl runs the owner, who may see everything, through the read
// routes (GETs and POST lookups that change nothing).
func (w *leakWorld) positiveControl(t *testing.T) {
	t.Helper()
	routes := api.New(app.New(nil, nil, config.Default(), slog.New(slog.NewTextHandler(io.Discard, nil))), slog.Default()).Routes()
	seen := map[string]bool{}
	owner := actor{"owner", w.owner}
	for _, r := range routes {
		key := r.Method + " " + r.Pattern
		read := r.Method == http.MethodGet ||
			(r.Method == http.MethodPost && (strings.Contains(r.Pattern, "search") || strings.HasSuffix(r.Pattern, "/ids")))
		if !read || leakExempt[key] != "" {
			continue
		}
		path := w.fill(r.Pattern, owner, false) + w.query()
		var bodies []any
		if r.Method == http.MethodPost {
			bodies = w.bodies()
		} else {
			bodies = []any{nil}
		}
		for _, b := range bodies {
			if bytes.Contains(bytes.ToLower(w.owner.Do(r.Method, path, b).Body), []byte(secretMark)) {
				seen[key] = true
			}
		}
	}
	for _, k := range mustReveal {
		if !seen[k] {
			t.Errorf("positive control: the owner does not find the private content via %s", k)
		}
	}
	if !bytes.Contains(w.owner.Get("/users/"+w.owner.UserID).Body, []byte("terms_of_service_create_at")) {
		t.Error("positive control: the owner does not see their own terms of service acceptance")
	}
}

func TestLeakMatrix(t *testing.T) {
	routes := api.New(app.New(nil, nil, config.Default(), slog.New(slog.NewTextHandler(io.Discard, nil))), slog.Default()).Routes()
	known := map[string]bool{}
	for _, r := range routes {
		known[r.Method+" "+r.Pattern] = true
	}
	for k := range leakExempt {
		if !known[k] {
			t.Errorf("leakExempt lists %s, which is no route", k)
		}
	}
	var report []string
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		w := newLeakWorld(t, s)
		requests := 0
		for _, a := range w.actors {
			for _, r := range routes {
				key := r.Method + " " + r.Pattern
				if _, skip := leakExempt[key]; skip {
					continue
				}
				for _, self := range []bool{false, true} {
					path := w.fill(r.Pattern, a, self) + w.query()
					if r.Method == http.MethodGet {
						w.check(t, a, r.Method, path, a.c.Do(r.Method, path, nil))
						requests++
						continue
					}
					for _, body := range w.bodies() {
						w.check(t, a, r.Method, path, a.c.Do(r.Method, path, body))
						requests++
					}
				}
				w.covered[key] = true
			}
			w.check(t, a, "POST", "/users/logout", a.c.Post("/users/logout", nil))
		}
		w.positiveControl(t)
		for _, r := range routes {
			key := r.Method + " " + r.Pattern
			if !w.covered[key] && leakExempt[key] == "" {
				t.Errorf("route %s is not in the leak matrix", key)
			}
		}
		if len(report) == 0 {
			for k := range w.covered {
				report = append(report, k)
			}
			sort.Strings(report)
		}
		t.Logf("%d requests by %d actors over %d routes", requests, len(w.actors), len(w.covered))
	}, func(c *config.Config) { c.EnableUserAccessTokens = true })
	if path := os.Getenv("PARLEY_LEAK_REPORT"); path != "" {
		out, _ := json.MarshalIndent(map[string]any{"covered": report, "exempt": leakExempt}, "", "  ")
		if err := os.WriteFile(path, out, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("leak matrix covered %d routes: %s", len(report), strings.Join(report, ", "))
}
