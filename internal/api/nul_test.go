package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

// TestNULRefused sends U+0000 in one text field of many routes, anonymous
// ones included: PostgreSQL refuses the character (SQLSTATE 22021) and
// SQLite would store it, so both stores must answer the same 400 naming the
// field, and write nothing.
func TestNULRefused(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		team := admin.CreateTeam("nulteam", true)
		ch := admin.CreateChannel(team.ID, "nulchan", "O")
		post := admin.CreatePost(ch.ID, "hello", "")
		var hook model.IncomingWebhook
		admin.Post("/hooks/incoming", map[string]any{"channel_id": ch.ID, "display_name": "CI"}).
			Expect(http.StatusCreated).JSON(&hook)
		anon := s.Anon()
		const nul = "a\x00b"
		body := "api.context.invalid_body_param.app_error"
		param := "api.context.invalid_url_param.app_error"
		cases := []struct {
			name         string
			c            *apitest.Client
			method, path string
			body         any
			id, field    string
		}{
			{"signup username", anon, "POST", "/users", map[string]string{"username": nul, "email": "x@example.com", "password": "password-x"}, body, "username"},
			{"signup email", anon, "POST", "/users", map[string]string{"username": "nuller", "email": "x\x00@example.com", "password": "password-x"}, body, "email"},
			{"signup first name", anon, "POST", "/users", map[string]string{"username": "nuller", "email": "x@example.com", "password": "password-x", "first_name": nul}, body, "first_name"},
			{"signup password", anon, "POST", "/users", map[string]string{"username": "nuller", "email": "x@example.com", "password": "pass\x00word"}, body, "password"},
			{"login id", anon, "POST", "/users/login", map[string]string{"login_id": nul, "password": "x"}, body, "login_id"},
			{"login password", anon, "POST", "/users/login", map[string]string{"login_id": "admin", "password": nul}, body, "password"},
			{"login mfa token", anon, "POST", "/users/login", map[string]string{"login_id": "admin", "password": "x", "token": nul}, body, "token"},
			{"mfa check", anon, "POST", "/users/mfa", map[string]string{"login_id": nul}, body, "login_id"},
			{"post message", admin, "POST", "/posts", map[string]string{"channel_id": ch.ID, "message": nul}, body, "message"},
			{"post props", admin, "POST", "/posts", map[string]any{"channel_id": ch.ID, "message": "m", "props": map[string]any{"attachments": []any{map[string]string{"text": nul}}}}, body, "props.attachments[0].text"},
			{"post patch", admin, "PUT", "/posts/" + post.ID + "/patch", map[string]string{"message": nul}, body, "message"},
			{"post search", admin, "POST", "/teams/" + team.ID + "/posts/search", map[string]any{"terms": nul}, body, "terms"},
			{"channel create", admin, "POST", "/channels", map[string]string{"team_id": team.ID, "name": "other", "display_name": nul, "type": "O"}, body, "display_name"},
			{"channel header", admin, "PUT", "/channels/" + ch.ID + "/patch", map[string]string{"header": nul}, body, "header"},
			{"channel search", admin, "POST", "/teams/" + team.ID + "/channels/search", map[string]string{"term": nul}, body, "term"},
			{"team patch", admin, "PUT", "/teams/" + team.ID + "/patch", map[string]string{"description": nul}, body, "description"},
			{"team create", admin, "POST", "/teams", map[string]string{"name": "nul2", "display_name": nul, "type": "O"}, body, "display_name"},
			{"user patch", admin, "PUT", "/users/me/patch", map[string]string{"nickname": nul}, body, "nickname"},
			{"user search", admin, "POST", "/users/search", map[string]string{"term": nul}, body, "term"},
			{"usernames", admin, "POST", "/users/usernames", []string{nul}, body, "usernames[0]"},
			{"hook create", admin, "POST", "/hooks/incoming", map[string]string{"channel_id": ch.ID, "display_name": nul}, body, "display_name"},
			{"command create", admin, "POST", "/commands", map[string]string{"team_id": team.ID, "trigger": "nul", "url": "http://127.0.0.1:1/x", "method": "P", "description": nul}, body, "description"},
			{"command execute", admin, "POST", "/commands/execute", map[string]string{"channel_id": ch.ID, "command": "/echo " + nul}, body, "command"},
			{"bot create", admin, "POST", "/bots", map[string]string{"username": "nulbot", "description": nul}, body, "description"},
			{"autocomplete query", admin, "GET", "/users/autocomplete?name=" + url.QueryEscape(nul), nil, param, "name"},
			{"channel autocomplete query", admin, "GET", "/teams/" + team.ID + "/channels/autocomplete?name=" + url.QueryEscape(nul), nil, param, "name"},
			{"email path", admin, "GET", "/users/email/" + url.PathEscape("a\x00@example.com"), nil, param, "email"},
			{"upload session file name", admin, "POST", "/uploads", map[string]any{"channel_id": ch.ID, "filename": "a\x00.txt", "file_size": 10}, body, "filename"},
			{"raw upload file name", admin, "POST", "/files?channel_id=" + ch.ID + "&filename=" + url.QueryEscape("a\x00.txt"), "data", param, "filename"},
			{"anonymous query", anon, "GET", "/system/ping?x=" + url.QueryEscape(nul), nil, param, "x"},
		}
		for _, tc := range cases {
			r := tc.c.Do(tc.method, tc.path, tc.body)
			checkError(t, tc.name, r, http.StatusBadRequest, tc.id)
			var e model.AppError
			_ = json.Unmarshal(r.Body, &e)
			if !strings.Contains(e.Message, tc.field) || !strings.Contains(e.DetailedError, "U+0000") {
				t.Errorf("%s: error does not name %q and U+0000: %s", tc.name, tc.field, r.Body)
			}
		}

		// Incoming webhooks are anonymous too, in every body form senders use.
		for _, hb := range []struct{ name, ctype, body string }{
			{"json", "application/json", `{"text":"a\u0000b"}`},
			{"form", "application/x-www-form-urlencoded", "payload=" + url.QueryEscape(`{"text":"a\u0000b"}`)},
			{"attachment", "application/json", `{"attachments":[{"fallback":"f","text":"a\u0000b"}]}`},
		} {
			resp, err := http.Post(s.URL+"/hooks/"+hook.ID, hb.ctype, strings.NewReader(hb.body))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var e model.AppError
			if resp.StatusCode != http.StatusBadRequest || json.Unmarshal(b, &e) != nil || e.ID != body || !strings.Contains(e.Message, "text") {
				t.Errorf("webhook %s: %d %s", hb.name, resp.StatusCode, b)
			}
		}

		// Nothing was written: the channel still holds only its first post
		// (and the join message), and no account "nuller" exists.
		var pl struct {
			Order []string `json:"order"`
		}
		admin.Get("/channels/" + ch.ID + "/posts").Expect(http.StatusOK).JSON(&pl)
		var pp model.Post
		admin.Get("/posts/" + post.ID).Expect(http.StatusOK).JSON(&pp)
		if pp.Message != "hello" {
			t.Errorf("post changed: %q", pp.Message)
		}
		for _, id := range pl.Order {
			var p model.Post
			admin.Get("/posts/" + id).Expect(http.StatusOK).JSON(&p)
			if strings.ContainsRune(p.Message, 0) || p.Type == "" && p.ID != post.ID {
				t.Errorf("unexpected post %+v", p)
			}
		}
		if r := admin.Get("/users/username/nuller"); r.Status != http.StatusNotFound {
			t.Errorf("account created: %d %s", r.Status, r.Body)
		}
	})
}
