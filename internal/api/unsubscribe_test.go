package api_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/mailtest"
	"github.com/parley-chat/parley/internal/model"
)

var unsubscribeLink = regexp.MustCompile(`https://chat\.example\.com(/unsubscribe\?s=[A-Za-z0-9_-]+&u=[a-z0-9]{26})`)

func page(t *testing.T, method, u string) (int, string) {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader("List-Unsubscribe=One-Click")
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// A notification mail carries a signed unsubscribe link, also as RFC 8058
// one-click headers. Opening it only asks; the POST (the page's button or
// the mail client's one click) turns the member's email notifications off.
// A forged link changes nothing.
func TestUnsubscribeLink(t *testing.T) {
	eachWithMail(t, func(t *testing.T, s *apitest.Server, mp *mailtest.Server) {
		ann, bob := s.SignUp("ann"), s.SignUp("bob")
		var dm model.Channel
		ann.Post("/channels/direct", []string{ann.UserID, bob.UserID}).Expect(http.StatusCreated).JSON(&dm)
		ann.CreatePost(dm.ID, "lunch?", "")
		m := mp.WaitFor(t, "bob@example.com", 1)[0]
		g := unsubscribeLink.FindStringSubmatch(m.Text)
		if g == nil || !strings.Contains(m.HTML, strings.ReplaceAll(g[1], "&", "&amp;")) {
			t.Fatalf("no unsubscribe link: %q / %q", m.Text, m.HTML)
		}
		h := mp.Headers(t, m.ID)
		if lu := h["List-Unsubscribe"]; len(lu) != 1 || lu[0] != "<"+g[0]+">" ||
			len(h["List-Unsubscribe-Post"]) != 1 || h["List-Unsubscribe-Post"][0] != "List-Unsubscribe=One-Click" {
			t.Errorf("headers %v", h)
		}
		link := s.URL + g[1]
		q, _ := url.ParseQuery(strings.SplitN(g[1], "?", 2)[1])

		// Forged or malformed links: 400, nothing changes.
		forged := s.URL + "/unsubscribe?" + url.Values{"u": {ann.UserID}, "s": q["s"]}.Encode()
		if st, body := page(t, http.MethodPost, forged); st != http.StatusBadRequest || !strings.Contains(body, "not valid") {
			t.Errorf("forged: %d %s", st, body)
		}
		if st, _ := page(t, http.MethodPost, s.URL+"/unsubscribe"); st != http.StatusBadRequest {
			t.Errorf("no parameters: %d", st)
		}
		if st, _ := page(t, http.MethodDelete, link); st != http.StatusMethodNotAllowed {
			t.Errorf("DELETE: %d", st)
		}
		// GET asks and changes nothing.
		if st, body := page(t, http.MethodGet, link); st != http.StatusOK || !strings.Contains(body, "Stop email notifications for <b>@bob</b>") {
			t.Errorf("GET: %d %s", st, body)
		}
		var u model.User
		bob.Get("/users/me").Expect(http.StatusOK).JSON(&u)
		if u.NotifyProps["email"] == "false" {
			t.Fatal("GET unsubscribed")
		}
		if st, body := page(t, http.MethodPost, link); st != http.StatusOK || !strings.Contains(body, "are off") {
			t.Errorf("POST: %d %s", st, body)
		}
		bob.Get("/users/me").Expect(http.StatusOK).JSON(&u)
		if u.NotifyProps["email"] != "false" {
			t.Errorf("email notify prop %q after unsubscribing", u.NotifyProps["email"])
		}
		ann.Get("/users/" + ann.UserID).Expect(http.StatusOK).JSON(&u)
		if u.NotifyProps["email"] == "false" {
			t.Error("the forged link unsubscribed ann")
		}
		// Twice is fine; and no more mail for Bob.
		if st, _ := page(t, http.MethodPost, link); st != http.StatusOK {
			t.Errorf("second POST: %d", st)
		}
		ann.CreatePost(dm.ID, "still there?", "")
		bob.CreatePost(dm.ID, "@ann yes", "")
		mp.WaitFor(t, "ann@example.com", 1)
		if n := len(mp.WaitFor(t, "bob@example.com", 1)); n != 1 {
			t.Errorf("bob got %d mails after unsubscribing, want the first only", n)
		}
	}, func(c *config.Config) { c.SendEmailNotifications, c.SiteURL = true, "https://chat.example.com" })
}
