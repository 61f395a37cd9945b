package loadtest

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// LTNGConfig reproduces mattermost-load-test-ng's simulated users
// (loadtest/control/simulcontroller, commit 784dbc1) and its coordinator's
// feedback loop, with the defaults of its sample configuration files. The
// tool itself cannot be built here: its Go modules are not served.
type LTNGConfig struct {
	// MaxUsers bounds the active users (ClusterConfig.MaxActiveUsers).
	MaxUsers int
	// Duration bounds the whole run; the coordinator has no such bound.
	Duration time.Duration
	// Teams and Channels (public, per team) are what `ltagent init` would
	// have created.
	Teams, Channels int

	// simulcontroller.Config (config/simulcontroller.sample.json).
	MinIdleTimeMs, AvgIdleTimeMs       int
	PercentReplies, PercentUrgentPosts float64
	// Rates is UserControllerConfiguration.RatesDistribution: each user
	// multiplies its idle times by a rate drawn with these shares.
	Rates []LTNGRate
	// TimeScale multiplies every wait of the simulation (idle times, typing
	// speed, pauses between scrolls, the 60 s periodic actions): 1 is the
	// tool; tests use less.
	TimeScale float64
	// ClientTimeout is the agent's HTTP client timeout (api/agent.go).
	ClientTimeout time.Duration

	// The coordinator (config/coordinator.sample.json, coordinator.go).
	NumUsersInc, NumUsersDec int
	RestTime                 time.Duration
	// SamplesTimeRange and StopThreshold decide when the number of active
	// users has settled (30 minutes and a slope of 0.2 users/s in the tool).
	SamplesTimeRange time.Duration
	StopThreshold    float64
	// QueryWindow is the queries' [1m]; MinInterval their MinIntervalSec.
	QueryWindow, MinInterval time.Duration

	// Admin is "username:password" of a system admin for the init; empty
	// creates ltngadmin, which becomes admin on a fresh server.
	Admin string
	// Presign signs up this many users (ltnguser0…) before the run, untimed:
	// what the tool's later runs find. Without it each user signs up on its
	// first login, as on the tool's first run.
	Presign int

	PID      int
	Progress io.Writer
}

// LTNGRate is one entry of RatesDistribution.
type LTNGRate struct{ Rate, Percentage float64 }

// DefaultLTNG is the tool's defaults.
func DefaultLTNG() LTNGConfig {
	return LTNGConfig{MaxUsers: 2000, Duration: 10 * time.Minute, Teams: 2, Channels: 5,
		MinIdleTimeMs: 1000, AvgIdleTimeMs: 20000, PercentReplies: 0.18, PercentUrgentPosts: 0.001,
		Rates:     []LTNGRate{{1, 0.05}, {2, 0.1}, {3, 0.15}, {6, 0.4}, {30, 0.3}},
		TimeScale: 1, ClientTimeout: 5 * time.Second,
		NumUsersInc: 8, NumUsersDec: 8, RestTime: 2 * time.Second,
		SamplesTimeRange: 30 * time.Minute, StopThreshold: 0.2,
		QueryWindow: time.Minute, MinInterval: time.Minute}
}

// ltngRun is what every simulated user shares.
type ltngRun struct {
	cfg     LTNGConfig
	base    string
	http    *http.Client // metered, as the agent's
	assets  *http.Client // not metered: colly's own client in the tool
	metrics *httpMetrics
	counts  sync.Map // name → *atomic.Int64
	errs    Errors   // user errors that are not HTTP answers
}

func newLTNGRun(url string, cfg LTNGConfig) *ltngRun {
	m := newHTTPMetrics()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost, tr.IdleConnTimeout = 0, 10000, 90*time.Second
	return &ltngRun{cfg: cfg, base: strings.TrimRight(url, "/"), metrics: m,
		http:   &http.Client{Transport: &meteredTransport{next: tr, m: m}, Timeout: cfg.ClientTimeout},
		assets: &http.Client{Timeout: cfg.ClientTimeout}}
}

func (r *ltngRun) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(time.Duration(float64(d) * r.cfg.TimeScale))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// idle is control.PickIdleTimeMs.
func (r *ltngRun) idle(rate float64) time.Duration {
	lo, avg := r.cfg.MinIdleTimeMs, r.cfg.AvgIdleTimeMs
	ms := rand.IntN(max(1, avg*2-lo*2)) + lo
	return time.Duration(math.Round(float64(ms)*rate)) * time.Millisecond
}

func (r *ltngRun) pickRate() float64 {
	x := rand.Float64()
	for _, rt := range r.cfg.Rates {
		if x < rt.Percentage {
			return rt.Rate
		}
		x -= rt.Percentage
	}
	return 1
}

// LTNG sets up the instance, then runs the coordinator's loop: add
// NumUsersInc users a second while no query alerts, remove NumUsersDec on
// an alert and rest, and once alerts have begun, stop when the active users
// of the last SamplesTimeRange lie on a line of slope under StopThreshold.
// supported_users is their average, as the tool reports it.
func LTNG(ctx context.Context, url string, cfg LTNGConfig) (*Summary, error) {
	if cfg.MaxUsers <= 0 || cfg.Teams <= 0 || cfg.NumUsersInc <= 0 || cfg.NumUsersDec <= 0 {
		return nil, fmt.Errorf("ltng needs users, teams and user steps")
	}
	raiseFileLimit()
	r := newLTNGRun(url, cfg)
	m := r.metrics
	if err := ltngInit(ctx, r); err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()

	var users []*simUser
	var wg sync.WaitGroup
	start := func(n int) {
		for range n {
			i := len(users)
			uctx, stop := context.WithCancel(runCtx)
			u := newSimUser(r, i, stop)
			users = append(users, u)
			wg.Add(1)
			go func() { defer wg.Done(); u.run(uctx) }()
		}
	}
	stopLast := func(n int) {
		for range min(n, len(users)) {
			users[len(users)-1].stop()
			users = users[:len(users)-1]
		}
	}
	defer func() {
		stopLast(len(users))
		wg.Wait()
	}()

	mon := &ltngMonitor{m: m, pid: cfg.PID, window: cfg.QueryWindow, cpuWindow: 5 * time.Second,
		minElapsed: cfg.MinInterval, start: time.Now()}
	sum := &Summary{Scenario: "ltng", Values: map[string]float64{}, Counts: map[string]int64{}, Latency: map[string]Dist{}}
	before, _ := readProcMaybe(cfg.PID)
	t0 := time.Now()
	var lastAction, lastAlert time.Time
	var samples []point
	supported, maxClean, alerts := 0, 0, 0
	converged := false
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	lastReport := time.Now()
loop:
	for {
		select {
		case <-runCtx.Done():
			break loop
		case <-tick.C:
		}
		now := time.Now()
		vals, alert := mon.evaluate(now)
		if alert {
			lastAlert = now
			alerts++
		} else if lastAlert.IsZero() {
			maxClean = len(users)
		}
		active := len(users)
		if !lastAlert.IsZero() {
			samples = append(samples, point{now, active})
			latest := latestSamples(samples, cfg.SamplesTimeRange)
			if len(latest) > 0 && len(latest) < len(samples) && math.Abs(slope(latest)) < cfg.StopThreshold {
				supported = int(math.Round(avgPoints(latest)))
				converged = true
				break loop
			}
			if len(samples) >= 2*len(latest) {
				samples = append(samples[:0], latest...)
			}
		}
		if lastAlert.IsZero() || lastAction.IsZero() || now.Sub(lastAction) > cfg.RestTime {
			if alert {
				stopLast(cfg.NumUsersDec)
				lastAction = now
			} else if (lastAlert.IsZero() || now.Sub(lastAlert) > cfg.RestTime) && active < cfg.MaxUsers {
				start(min(cfg.NumUsersInc, cfg.MaxUsers-active))
				lastAction = now
			}
		}
		if cfg.Progress != nil && (alert || now.Sub(lastReport) >= 10*time.Second) {
			lastReport = now
			fmt.Fprintf(cfg.Progress, "ltng: %s %d users (alert %v): %s\n", now.Sub(t0).Round(time.Second), len(users), alert, formatQueries(vals))
		}
	}
	sum.Duration = time.Since(t0).Seconds()
	final, _ := mon.evaluate(time.Now())
	w := m.window(time.Duration(sum.Duration+1) * time.Second)
	sum.Values["supported_users"] = float64(supported)
	sum.Values["max_users_without_alert"] = float64(maxClean)
	sum.Values["active_users_at_end"] = float64(len(users))
	sum.Values["requests_per_s"] = float64(w.count) / math.Max(sum.Duration, 1)
	sum.Values["request_avg_ms"] = 1000 * w.sum / math.Max(float64(w.count), 1)
	sum.Values["request_p99_ms"] = 1000 * w.quantile(0.99)
	for i, q := range ltngQueries {
		if !math.IsNaN(final[i]) {
			sum.Values["last_window: "+q.Description] = final[i]
		}
	}
	sum.Counts["requests"] = w.count
	sum.Counts["alerts"] = int64(alerts)
	r.counts.Range(func(k, v any) bool {
		sum.Counts[k.(string)] = v.(interface{ Load() int64 }).Load()
		return true
	})
	switch {
	case converged:
		sum.Notes = append(sum.Notes, fmt.Sprintf("supported users %d: active users settled after alerts began (load-test-ng definition)", supported))
	case maxClean >= cfg.MaxUsers:
		sum.Notes = append(sum.Notes, fmt.Sprintf("bound reached: %d users active with no query over its threshold, so supported users ≥ %d", cfg.MaxUsers, cfg.MaxUsers))
	default:
		sum.Notes = append(sum.Notes, fmt.Sprintf("not settled within %s: %d users held before the first alert", cfg.Duration, maxClean))
	}
	stopLast(len(users))
	wg.Wait()
	m.errs.Fill(sum)
	r.errs.mu.Lock()
	for k, v := range r.errs.kinds {
		sum.Counts["user_errors "+k] = v
	}
	r.errs.mu.Unlock()
	after, _ := readProcMaybe(cfg.PID)
	sum.Server = after.Diff(before)
	return sum, nil
}

func (r *ltngRun) count(name string) {
	v, _ := r.counts.LoadOrStore(name, new(atomicCounter))
	v.(*atomicCounter).Add(1)
}

// ltngInit creates what the tool's `ltagent init` creates before a run:
// an admin, open teams and public channels in each. Users sign up
// themselves, as the simulated users of the tool do.
func ltngInit(ctx context.Context, r *ltngRun) error {
	admin := &Client{Base: r.base, HTTP: &http.Client{Timeout: 30 * time.Second}}
	user, pass := "ltngadmin", "ltng-admin-password"
	if r.cfg.Admin != "" {
		var ok bool
		if user, pass, ok = strings.Cut(r.cfg.Admin, ":"); !ok {
			return fmt.Errorf("--admin wants username:password")
		}
	} else if _, err := admin.Do(ctx, "POST", "/users", map[string]string{"username": user,
		"email": user + "@loadtest.example.com", "password": pass}, nil); err != nil && !isAPIError(err, http.StatusBadRequest) {
		return fmt.Errorf("create admin: %w", err)
	}
	if err := admin.Login(ctx, user, pass); err != nil {
		return err
	}
	for t := range r.cfg.Teams {
		name := fmt.Sprintf("ltng-team-%d", t)
		var team struct {
			ID string `json:"id"`
		}
		if _, err := admin.Do(ctx, "GET", "/teams/name/"+name, nil, &team); err != nil {
			if _, err := admin.Do(ctx, "POST", "/teams", map[string]any{"name": name, "display_name": "Load test " + name,
				"type": "O", "allow_open_invite": true}, &team); err != nil {
				return fmt.Errorf("create team: %w", err)
			}
		}
		for c := range r.cfg.Channels {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			ch := fmt.Sprintf("ltng-channel-%d", c)
			if _, err := admin.Do(ctx, "GET", "/teams/"+team.ID+"/channels/name/"+ch, nil, nil); err == nil {
				continue
			}
			if _, err := admin.Do(ctx, "POST", "/channels", map[string]string{"team_id": team.ID, "name": ch,
				"display_name": "Channel " + ch, "type": "O"}, nil); err != nil {
				return fmt.Errorf("create channel %s: %w", ch, err)
			}
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i := range r.cfg.Presign {
		g.Go(func() error {
			u := newSimUser(r, i, nil)
			_, err := admin.Do(gctx, "POST", "/users", map[string]string{"username": u.username, "email": u.email, "password": u.password}, nil)
			if err != nil && !isAPIError(err, http.StatusBadRequest) {
				return fmt.Errorf("sign up %s: %w", u.username, err)
			}
			return nil
		})
	}
	return g.Wait()
}
