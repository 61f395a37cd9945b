package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/testdb"
)

// start runs a real Parley on SQLite on a random port, in this process (so
// the scenarios' /proc readings have a process to read).
func start(t *testing.T) (*apitest.Server, context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return apitest.Start(t, testdb.Backend{Name: "sqlite", DataDir: t.TempDir()}), ctx
}

func setup(t *testing.T, ctx context.Context, s *apitest.Server, cfg SetupConfig) *Env {
	t.Helper()
	cfg.URL = s.URL
	env, err := Setup(ctx, cfg)
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
	return env
}

func TestSetupReusesWhatExists(t *testing.T) {
	t.Parallel()
	s, ctx := start(t)
	first := setup(t, ctx, s, SetupConfig{Users: 4, Channels: 3, MemberOf: 2})
	again := setup(t, ctx, s, SetupConfig{Users: 4, Channels: 3, MemberOf: 2})
	if first.TeamID != again.TeamID || strings.Join(first.Channels, ",") != strings.Join(again.Channels, ",") {
		t.Fatalf("second setup made a new team or channels: %v %v", first.Channels, again.Channels)
	}
	for i := range first.Users {
		if first.Users[i].UserID != again.Users[i].UserID || again.Users[i].Token == "" {
			t.Fatalf("user %d not reused or not logged in", i)
		}
	}
	// MemberOf spreads users over the channels: user 0 is in channels 0 and 1 only.
	var mine []struct {
		ID string `json:"id"`
	}
	if _, err := first.Users[0].Do(ctx, "GET", "/users/me/teams/"+first.TeamID+"/channels", nil, &mine); err != nil {
		t.Fatal(err)
	}
	in := map[string]bool{}
	for _, c := range mine {
		in[c.ID] = true
	}
	if got := first.UserChannels(0); len(got) != 2 || !in[got[0]] || !in[got[1]] || in[first.Channels[2]] {
		t.Fatalf("user 0 is in %v, want exactly %v", in, got)
	}
}

func TestPostCountsEveryDelivery(t *testing.T) {
	t.Parallel()
	s, ctx := start(t)
	env := setup(t, ctx, s, SetupConfig{Users: 3, Channels: 1})
	sum, err := Post(ctx, env, PostConfig{Posters: 2, Listeners: 3, Duration: 300 * time.Millisecond, PID: os.Getpid()})
	if err != nil {
		t.Fatal(err)
	}
	posts := sum.Counts["posts"]
	if sum.Errors != 0 || posts == 0 || sum.Counts["deliveries"] != 3*posts || sum.Latency["delivery"].Count != int(3*posts) {
		t.Fatalf("post summary: %+v", sum)
	}
	if sum.Rates["posts"] <= 0 || sum.Server == nil || sum.Server.RSSBytes == 0 {
		t.Fatalf("post rate or server stats missing: %+v", sum)
	}
}

// With Spread, posts go round the channels and reach only their members'
// listeners: each user is in one channel and has two listeners.
func TestPostSpreadCountsMembersOnly(t *testing.T) {
	t.Parallel()
	s, ctx := start(t)
	env := setup(t, ctx, s, SetupConfig{Users: 4, Channels: 4, MemberOf: 1})
	sum, err := Post(ctx, env, PostConfig{Posters: 4, Listeners: 8, Duration: 300 * time.Millisecond, Spread: true})
	if err != nil {
		t.Fatal(err)
	}
	posts := sum.Counts["posts"]
	if sum.Errors != 0 || posts == 0 || sum.Counts["deliveries_expected"] != 2*posts || sum.Counts["deliveries"] != 2*posts {
		t.Fatalf("spread post summary: %+v", sum)
	}
}

func TestHistoryFillsAndReads(t *testing.T) {
	t.Parallel()
	s, ctx := start(t)
	env := setup(t, ctx, s, SetupConfig{Users: 2, Channels: 2})
	sum, err := History(ctx, env, HistoryConfig{Posts: 25, PerPage: 10, Readers: 3, Duration: 200 * time.Millisecond, Channel: 1})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Errors != 0 || sum.Latency["page0"].Count == 0 || sum.Latency["before_cursor"].Count == 0 || sum.Latency["deep_page"].Count == 0 {
		t.Fatalf("history summary: %+v", sum)
	}
	// The same channel named as an existing one is read as it is.
	sum, err = History(ctx, env, HistoryConfig{PerPage: 10, Readers: 1, Duration: 100 * time.Millisecond, Existing: "loadtest:lt-channel-1"})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Errors != 0 || sum.Counts["channel_posts"] != 25 {
		t.Fatalf("history of an existing channel: %+v", sum)
	}
	if _, err := History(ctx, env, HistoryConfig{Existing: "loadtest:nowhere", Duration: time.Millisecond}); err == nil {
		t.Fatal("history of a missing channel did not fail")
	}
}

func TestSearchFindsTheCorpus(t *testing.T) {
	t.Parallel()
	s, ctx := start(t)
	env := setup(t, ctx, s, SetupConfig{Users: 2, Channels: 1})
	sum, err := Search(ctx, env, SearchConfig{Posts: 30, Concurrency: 2, Duration: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Errors != 0 || sum.Latency["search"].Count == 0 || sum.Counts["results"] == 0 {
		t.Fatalf("search summary: %+v", sum)
	}
}

func TestIdleWSReportsMemoryPerConnection(t *testing.T) {
	t.Parallel()
	s, ctx := start(t)
	env := setup(t, ctx, s, SetupConfig{Users: 2, Channels: 1})
	sum, err := IdleWS(ctx, env, IdleWSConfig{Conns: 10, PID: os.Getpid()})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := sum.Values["rss_kb_per_connection"]; !ok || sum.Latency["connect"].Count != 10 {
		t.Fatalf("idle-ws summary: %+v", sum)
	}
}

func TestMixedReportsUsersHeld(t *testing.T) {
	t.Parallel()
	s, ctx := start(t)
	env := setup(t, ctx, s, SetupConfig{Users: 4, Channels: 4, MemberOf: 2, Team: "mixed"})
	cfg := DefaultMixed()
	cfg.Steps, cfg.StepDuration = []int{4, 8}, 400*time.Millisecond
	// Rates high enough that every action runs in a short step.
	cfg.ReadsPerMin, cfg.ViewsPerMin, cfg.TypingPerMin, cfg.PostsPerMin, cfg.ReactsPerMin = 300, 300, 300, 600, 300
	cfg.ReadLimit, cfg.WriteLimit, cfg.DeliveryLimit = time.Minute, time.Minute, time.Minute
	cfg.MeasureEvery = 1
	var progress bytes.Buffer
	cfg.Progress = &progress
	sum, err := Mixed(ctx, env, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Values["users_held"] != 8 || sum.Counts["errors_8"] != 0 || sum.Latency["read_8"].Count == 0 ||
		sum.Latency["write_8"].Count == 0 || sum.Latency["delivery_8"].Count == 0 {
		t.Fatalf("mixed summary: %+v", sum)
	}
	if !strings.Contains(progress.String(), "8 users") {
		t.Fatalf("progress: %q", progress.String())
	}
	// A limit no server meets stops at the first step.
	cfg.ReadLimit = 0
	sum, err = Mixed(ctx, env, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Values["users_held"] != 0 || len(sum.Notes) != 1 {
		t.Fatalf("mixed with an impossible limit: %+v", sum)
	}
}

// With several URLs the simulated users hold their sockets and make their
// requests on each in turn: here the server itself and a proxy in front of
// it that counts what passes.
func TestMixedSpreadsUsersOverURLs(t *testing.T) {
	t.Parallel()
	s, ctx := start(t)
	env := setup(t, ctx, s, SetupConfig{Users: 4, Channels: 2, Team: "spread"})
	target, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	var sockets, requests atomic.Int64
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v4/websocket" {
			sockets.Add(1)
		} else {
			requests.Add(1)
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	cfg := DefaultMixed()
	cfg.Steps, cfg.StepDuration = []int{6}, 400*time.Millisecond
	cfg.ReadsPerMin, cfg.ViewsPerMin, cfg.TypingPerMin, cfg.PostsPerMin, cfg.ReactsPerMin = 600, 600, 0, 600, 0
	cfg.ReadLimit, cfg.WriteLimit, cfg.DeliveryLimit = time.Minute, time.Minute, time.Minute
	cfg.URLs = []string{s.URL, front.URL + "/"}
	sum, err := Mixed(ctx, env, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Simulated users 1, 3 and 5 are on the proxy.
	if sum.Values["users_held"] != 6 || sum.Counts["nodes"] != 2 || sockets.Load() != 3 || requests.Load() == 0 {
		t.Fatalf("summary %+v; through the proxy: %d sockets, %d requests", sum, sockets.Load(), requests.Load())
	}
}

func TestStartTimesFirstPing(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("needs the go tool to build the server")
	}
	bin := filepath.Join(t.TempDir(), "parley")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/parley-chat/parley/cmd/parley").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	sum, err := Start(context.Background(), StartConfig{Binary: bin, DataDir: t.TempDir(), Runs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if d := sum.Latency["start_to_first_ping"]; d.Count != 2 || d.P50 <= 0 || sum.Values["idle_rss_mb"] <= 0 {
		t.Fatalf("start summary: %+v", sum)
	}
}

func TestSummaryTableAndJSON(t *testing.T) {
	t.Parallel()
	var l Latencies
	for i := range 100 {
		l.Add(time.Duration(i+1) * time.Millisecond)
	}
	s := &Summary{Scenario: "x", Latency: map[string]Dist{"op": l.Dist()}, Rates: map[string]float64{"ops": 5}}
	var errs Errors
	errs.Add(&APIError{Status: 429})
	errs.Fill(s)
	var out bytes.Buffer
	s.WriteTable(&out)
	if !strings.Contains(out.String(), "p99 99.00ms") || !strings.Contains(out.String(), "rate limited") {
		t.Fatalf("table:\n%s", out.String())
	}
	b, _ := json.Marshal(s)
	if !strings.Contains(string(b), `"p99_ms":99`) || !strings.Contains(string(b), `"errors":1`) {
		t.Fatalf("json: %s", b)
	}
}

// A socket whose connection breaks reconnects with its connection_id and the
// seq it expects next, and gets what was posted meanwhile; when the server
// cannot resume it (here: a connection id it does not know), the fresh hello
// is counted as a reset and the numbering starts again.
func TestSocketResumesAfterDrop(t *testing.T) {
	t.Parallel()
	s, ctx := start(t)
	env := setup(t, ctx, s, SetupConfig{Users: 1, Channels: 1})
	u := env.Users[0]
	sock, err := u.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sock.CloseNow()
	sock.ReconnectDelay = 10 * time.Millisecond
	type counts struct{ posted, reconnects, resumes, resets int }
	got := make(chan counts, 100)
	go func() {
		var buf []byte
		var c counts
		for {
			var err error
			if buf, err = sock.ReadRaw(buf); err != nil {
				return
			}
			if bytes.Contains(buf, []byte(`"event":"posted"`)) {
				c.posted++
				c.reconnects, c.resumes, c.resets = sock.Reconnects, sock.Resumes, sock.Resets
				got <- c
			}
		}
	}()
	post := func(n int) {
		for range n {
			if _, err := u.Do(ctx, "POST", "/posts", map[string]string{"channel_id": env.Channels[0], "message": "x"}, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	wait := func(want counts) {
		t.Helper()
		for {
			select {
			case c := <-got:
				if c.posted < want.posted {
					continue
				}
				if c != want {
					t.Fatalf("counts %+v, want %+v", c, want)
				}
				return
			case <-ctx.Done():
				t.Fatalf("waiting for %+v: %v", want, ctx.Err())
			}
		}
	}
	post(2)
	wait(counts{posted: 2})
	sock.current().CloseNow() // the socket drops; the driver did not close it
	post(3)
	wait(counts{posted: 5, reconnects: 1, resumes: 1})

	sock.connID = strings.Repeat("a", 26) // a connection the server never had
	sock.current().CloseNow()
	// What is posted before the fresh connection exists is lost to it, so
	// post until one arrives.
	for {
		post(1)
		select {
		case c := <-got:
			if c.reconnects != 2 || c.resumes != 1 || c.resets != 1 {
				t.Fatalf("after a reset: %+v", c)
			}
			return
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		}
	}
}

func TestEventSeq(t *testing.T) {
	for _, tc := range []struct {
		msg  string
		want int64
		ok   bool
	}{
		{`{"event":"posted","data":{},"broadcast":{},"seq":0}`, 0, true},
		{`{"event":"posted","data":{"seq":3},"broadcast":{},"seq":1234}`, 1234, true},
		{`{"status":"OK","seq_reply":7}`, 0, false},
		{`{"seq":}`, 0, false},
		{``, 0, false},
	} {
		if got, ok := eventSeq([]byte(tc.msg)); got != tc.want || ok != tc.ok {
			t.Errorf("eventSeq(%s) = %d, %v; want %d, %v", tc.msg, got, ok, tc.want, tc.ok)
		}
	}
}

// ltngTestConfig is the tool's simulation at a thousandth of its waits.
func ltngTestConfig() LTNGConfig {
	cfg := DefaultLTNG()
	cfg.TimeScale, cfg.ClientTimeout = 0.001, 30*time.Second
	return cfg
}

// TestLTNGEveryActionSucceeds makes every request of load-test-ng's
// simulated users against a real server: three users sign up, join a team
// and run each action of the list several times; no request may fail.
func TestLTNGEveryActionSucceeds(t *testing.T) {
	t.Parallel()
	s, _ := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r := newLTNGRun(s.URL, ltngTestConfig())
	if err := ltngInit(ctx, r); err != nil {
		t.Fatal(err)
	}
	users := make([]*simUser, 3)
	for i := range users {
		users[i] = newSimUser(r, i, cancel)
		if err := users[i].init(ctx); err != nil {
			t.Fatal(err)
		}
		defer users[i].disconnect()
	}
	// Posts, direct and group channels, drafts and threads first, so that the
	// actions that need them find some.
	for _, u := range users {
		for _, name := range []string{"CreatePost", "CreatePost", "CreateDirectChannel", "CreateGroupChannel", "UpsertDraft"} {
			ltngActionNamed(t, name).run(u, ctx)
		}
	}
	// The admin's own requests: the full config on reload, the user report.
	admin := newSimUser(r, 99, cancel)
	admin.username, admin.email, admin.password = "ltngadmin", "ltngadmin@loadtest.example.com", "ltng-admin-password"
	if err := admin.init(ctx); err != nil {
		t.Fatal(err)
	}
	defer admin.disconnect()
	for _, name := range []string{"GenerateUserReport", "FullReload", "ReconnectWebSocket", "SwitchChannel"} {
		if err := ltngActionNamed(t, name).run(admin, ctx); err != nil {
			t.Logf("admin, %s: %v", name, err)
		}
	}
	// A post with attached images, then a channel view that fetches their
	// thumbnails and previews (2% of the tool's posts carry files).
	u0 := users[0]
	_, ch := u0.current()
	ids, err := u0.uploadFiles(ctx, ch.ID)
	if err != nil || len(ids) == 0 {
		t.Fatalf("upload: %v %v", ids, err)
	}
	var withFiles ltPost
	if err := u0.send(ctx, "POST", "/posts", map[string]any{"channel_id": ch.ID, "message": "images", "file_ids": ids}, &withFiles); err != nil {
		t.Fatal(err)
	}
	if got, err := u0.getPosts(ctx, "/channels/"+ch.ID+"/posts?page=0&per_page=30"); err != nil || u0.fetchPostsInfo(ctx, got) != nil {
		t.Fatalf("posts with files: %v", err)
	}
	if p, _ := u0.post(withFiles.ID); len(p.Metadata.Files) != len(ids) {
		t.Fatalf("post metadata files: %+v", p.Metadata)
	}
	// The reloads clear the user's store, as the tool's do, so they run last
	// in a round, followed by the reconnection that fetches the channels again.
	last := map[string]bool{"FullReload": true, "LogoutLogin": true}
	for round := range 3 {
		for _, u := range users {
			var order []*ltngAction
			for i := range ltngActions {
				if !last[ltngActions[i].name] {
					order = append(order, &ltngActions[i])
				}
			}
			order = append(order, ltngActionNamed(t, "FullReload"), ltngActionNamed(t, "ReconnectWebSocket"),
				ltngActionNamed(t, "LogoutLogin"), ltngActionNamed(t, "ReconnectWebSocket"), ltngActionNamed(t, "SwitchChannel"))
			for _, a := range order {
				if err := a.run(u, ctx); err != nil {
					// A user error of the simulation (as in the tool), not a failed request.
					t.Logf("round %d, %s, %s: %v", round, u.username, a.name, err)
				}
			}
		}
	}
	r.metrics.errs.mu.Lock()
	defer r.metrics.errs.mu.Unlock()
	for kind, n := range r.metrics.errs.kinds {
		t.Errorf("%d failed requests %s", n, kind)
	}
	if w := r.metrics.window(time.Hour); w.count < 500 {
		t.Fatalf("only %d requests", w.count)
	}
	// The routes made, for docs/performance.md (go test -v).
	for _, route := range sortedKeys(r.metrics.routes) {
		t.Logf("route %s", route)
	}
}

func ltngActionNamed(t *testing.T, name string) *ltngAction {
	for i := range ltngActions {
		if ltngActions[i].name == name {
			return &ltngActions[i]
		}
	}
	t.Fatalf("no action %s", name)
	return nil
}

// TestLTNGReportsSupportedUsers runs the coordinator's loop with tiny sizes:
// users are added until the bound, no request fails, and the summary says
// the bound was reached with no query over its threshold.
func TestLTNGReportsSupportedUsers(t *testing.T) {
	t.Parallel()
	s, _ := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := ltngTestConfig()
	cfg.MaxUsers, cfg.NumUsersInc, cfg.Duration, cfg.PID = 6, 2, 20*time.Second, os.Getpid()
	// The queries start counting after the run: the test checks the loop and
	// the requests, never a speed, so the bound is reached without an alert.
	cfg.QueryWindow, cfg.MinInterval = 2*time.Second, time.Hour
	sum, err := LTNG(ctx, s.URL, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for kind, n := range sum.ErrorKinds {
		t.Errorf("%d failed requests %s", n, kind)
	}
	if sum.Values["active_users_at_end"] != 6 || sum.Values["max_users_without_alert"] != 6 || sum.Counts["users_started"] == 0 ||
		sum.Counts["requests"] == 0 || sum.Counts["ws_connects"] == 0 || sum.Counts["alerts"] != 0 {
		t.Fatalf("ltng summary: %+v", sum)
	}
	// Twenty seconds leave a loaded machine time for six sign-ups and logins
	// (three bcrypt hashes each).
	if len(sum.Notes) != 1 || !strings.Contains(sum.Notes[0], "supported users ≥ 6") {
		t.Fatalf("ltng notes: %v", sum.Notes)
	}
}

func TestLTNGQuantileAndSlopeAreTheTools(t *testing.T) {
	var w httpSecond
	// 100 requests: 98 in the 5–10 ms bucket, 2 in the 1–2.5 s one.
	w.count, w.buckets[1], w.buckets[8] = 100, 98, 2
	if q := w.quantile(0.99); q < 1.74 || q > 1.76 { // 1 + 1.5 × (99−98)/2
		t.Fatalf("p99 %v, want 1.75 as histogram_quantile", q)
	}
	if q := w.quantile(0.5); q < 0.0075 || q > 0.0077 { // 0.005 + 0.005 × 50/98
		t.Fatalf("p50 %v", q)
	}
	t0 := time.Unix(1000, 0)
	flat := []point{{t0, 100}, {t0.Add(time.Second), 102}, {t0.Add(2 * time.Second), 100}}
	if s := slope(flat); s != 0 || avgPoints(flat) < 100.6 || avgPoints(flat) > 100.7 {
		t.Fatalf("slope %v avg %v", s, avgPoints(flat))
	}
	rising := []point{{t0, 0}, {t0.Add(time.Second), 8}, {t0.Add(2 * time.Second), 16}}
	if s := slope(rising); s != 8 {
		t.Fatalf("slope %v, want 8", s)
	}
	if got := latestSamples(append(flat, point{t0.Add(40 * time.Minute), 90}), 30*time.Minute); len(got) != 2 {
		t.Fatalf("latest samples %v", got)
	}
}
