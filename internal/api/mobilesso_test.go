package api_test

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

// mobileRefresh is the page's hand-over to the app, as a browser reads it.
var mobileRefresh = regexp.MustCompile(`<meta http-equiv="refresh" content="0; url=([^"]+)">`)

// mobileSignedIn reads the page a mobile app's sign-in ends on: it must send
// the browser to mmauth://callback with the session, which must work as a
// Bearer token and be a mobile session of the mobile length. It returns the
// session's user.
func mobileSignedIn(t *testing.T, s *apitest.Server, resp *http.Response) model.User {
	t.Helper()
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	m := mobileRefresh.FindSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("mobile sign-in ended at %s (%d) without the hand-over:\n%s", resp.Request.URL, resp.StatusCode, body)
	}
	to, err := url.Parse(html.UnescapeString(string(m[1])))
	if err != nil {
		t.Fatal(err)
	}
	q := to.Query()
	if to.Scheme != "mmauth" || to.Host != "callback" || q.Get("MMAUTHTOKEN") == "" || q.Get("MMCSRF") == "" || q.Get("srv") != s.URL {
		t.Fatalf("hand-over to %s", to)
	}
	c := s.Anon()
	c.Token = q.Get("MMAUTHTOKEN")
	var me model.User
	c.Get("/users/me").Expect(http.StatusOK).JSON(&me)
	var sessions []model.Session
	c.Get("/users/me/sessions").Expect(http.StatusOK).JSON(&sessions)
	mobile := false
	for _, se := range sessions {
		if se.Props["isMobile"] == "true" {
			mobile = time.Duration(se.ExpiresAt-se.CreateAt)*time.Millisecond == 7*24*time.Hour
		}
	}
	if !mobile {
		t.Fatalf("no mobile session of 7 days among %+v", sessions)
	}
	return me
}

// mobileRefused checks a mobile sign-in's start answered Mattermost's error
// page and did not go on to the provider.
func mobileRefused(t *testing.T, s *apitest.Server, client *http.Client, start string) {
	t.Helper()
	resp, err := client.Get(start)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(resp.Request.URL.String(), s.URL) || !strings.Contains(string(body), "Invalid custom URL scheme") ||
		strings.Contains(string(body), "evil.example") {
		t.Fatalf("foreign redirect_to: ended at %s (%d):\n%s", resp.Request.URL, resp.StatusCode, body)
	}
}
