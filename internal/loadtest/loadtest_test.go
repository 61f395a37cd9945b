package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
