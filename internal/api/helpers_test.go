package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

// refusal is one request that must fail with a given status and error id.
type refusal struct {
	name   string
	c      *apitest.Client
	method string
	path   string
	body   any
	status int
	id     string
}

// expectRefused sends every request, checks its status and error body, and
// then checks that the state read by the snapshot paths (as reader) did not
// change: a refused request must leave the database as it was.
func expectRefused(t *testing.T, reader *apitest.Client, snapshot []string, cases []refusal) {
	t.Helper()
	before := snapshotOf(t, reader, snapshot)
	for _, tc := range cases {
		checkError(t, tc.name, tc.c.Do(tc.method, tc.path, tc.body), tc.status, tc.id)
	}
	if after := snapshotOf(t, reader, snapshot); after != before {
		t.Errorf("refused requests changed the state:\nbefore %s\nafter  %s", before, after)
	}
}

// checkError reports (without stopping) a response that is not the expected AppError.
func checkError(t *testing.T, name string, r *apitest.Response, status int, id string) {
	t.Helper()
	var e model.AppError
	if err := json.Unmarshal(r.Body, &e); err != nil {
		t.Errorf("%s: status %d, body not an error: %.200s", name, r.Status, r.Body)
		return
	}
	if r.Status != status || e.ID != id {
		t.Errorf("%s: got %d %s, want %d %s (%s)", name, r.Status, e.ID, status, id, e.Message)
		return
	}
	if e.StatusCode != status || e.RequestID == "" || e.RequestID != r.Header.Get("X-Request-Id") ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Errorf("%s: error body or headers wrong: %s %v", name, r.Body, r.Header)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(r.Body, &raw); err != nil {
		t.Errorf("%s: error body: %v", name, err)
		return
	}
	for _, k := range []string{"id", "message", "detailed_error", "request_id", "status_code"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("%s: error body lacks %q: %s", name, k, r.Body)
		}
	}
}

func snapshotOf(t *testing.T, c *apitest.Client, paths []string) string {
	t.Helper()
	var b strings.Builder
	for _, p := range paths {
		r := c.Get(p)
		if r.Status != http.StatusOK {
			t.Fatalf("snapshot %s: status %d: %s", p, r.Status, r.Body)
		}
		b.WriteString(p + " ")
		b.Write(r.Body)
	}
	return b.String()
}

// oversized is a syntactically valid JSON object larger than the default body limit.
func oversized(field string) string {
	return `{"` + field + `":"` + strings.Repeat("x", 1100*1024) + `"}`
}

// rawJSON decodes a body into a map of raw values, to check key presence and literal shapes.
func rawJSON(t *testing.T, body []byte) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return m
}

// isEmptyArray reports whether a body is the JSON literal [] (never null).
func isEmptyArray(body []byte) bool { return string(bytes.TrimSpace(body)) == "[]" }

// userIDs and channelIDs list the ids of decoded entities.
func userIDs(us []model.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

func channelIDs(cs []model.Channel) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// withCookies returns a client that authenticates like the web app: the
// MMAUTHTOKEN cookie, plus whatever extra headers are given.
func withCookies(s *apitest.Server, token string, hdr map[string]string) *apitest.Client {
	c := s.Anon()
	c.Header.Set("Cookie", "MMAUTHTOKEN="+token)
	for k, v := range hdr {
		c.Header.Set(k, v)
	}
	return c
}
