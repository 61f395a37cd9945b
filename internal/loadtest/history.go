package loadtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// HistoryConfig fills a channel to Posts posts, then Readers fetch pages of
// PerPage for Duration, in turn: the newest page (page=0, what a client
// asks when it opens a channel), a page before a cursor (scrolling up), and a
// random deep page=N (an offset).
type HistoryConfig struct {
	Posts    int
	PerPage  int
	Readers  int
	Duration time.Duration
	Channel  int // index into the env's channels
	// Existing names a filled channel as team:channel (for instance one made
	// by `parley sampledata`, far faster than filling through the API); the
	// admin reads it and Posts is ignored.
	Existing string
	PID      int
}

// existingChannel finds team:channel and its post count.
func (e *Env) existingChannel(ctx context.Context, ref string) (string, int, error) {
	team, name, ok := strings.Cut(ref, ":")
	if !ok {
		return "", 0, fmt.Errorf("channel %q: want team:channel", ref)
	}
	var ch struct {
		ID            string `json:"id"`
		TotalMsgCount int    `json:"total_msg_count"`
	}
	if _, err := e.Admin.Do(ctx, "GET", "/teams/name/"+team+"/channels/name/"+name, nil, &ch); err != nil {
		return "", 0, fmt.Errorf("channel %s: %w", ref, err)
	}
	return ch.ID, ch.TotalMsgCount, nil
}

// Fill tops a channel up to n posts (counting what is there), posting with a
// few writers. For very large channels use the server's own generator
// (`parley sampledata`): this goes through the API.
func Fill(ctx context.Context, env *Env, channel string, n int) error {
	var ch struct {
		TotalMsgCount int `json:"total_msg_count"`
	}
	if _, err := env.Admin.Do(ctx, "GET", "/channels/"+channel, nil, &ch); err != nil {
		return err
	}
	missing := n - ch.TotalMsgCount
	if missing <= 0 {
		return nil
	}
	var next atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	for w := range 8 {
		c := env.Users[w%len(env.Users)]
		g.Go(func() error {
			for i := next.Add(1); i <= int64(missing); i = next.Add(1) {
				msg := fmt.Sprintf("history %d %s", i, words(int(i)))
				if _, err := c.Do(gctx, "POST", "/posts", map[string]string{"channel_id": channel, "message": msg}, nil); err != nil {
					return fmt.Errorf("fill: %w", err)
				}
			}
			return nil
		})
	}
	return g.Wait()
}

// vocabulary gives posts searchable, repeatable words.
var vocabulary = [...]string{"deploy", "release", "incident", "coffee", "budget", "roadmap", "review", "customer",
	"database", "network", "meeting", "holiday", "invoice", "backup", "design", "launch", "metrics", "support",
	"security", "planning", "kernel", "browser", "mobile", "feedback", "hiring", "travel", "lunch", "weekend"}

func words(seed int) string {
	r := rand.New(rand.NewPCG(uint64(seed), 7))
	out := ""
	for range 6 {
		out += " " + vocabulary[r.IntN(len(vocabulary))]
	}
	return out
}

// History runs the history scenario.
func History(ctx context.Context, env *Env, cfg HistoryConfig) (*Summary, error) {
	if cfg.PerPage <= 0 {
		cfg.PerPage = 60
	}
	channel, readers := env.Channels[cfg.Channel%len(env.Channels)], env.Users
	if cfg.Existing != "" {
		id, n, err := env.existingChannel(ctx, cfg.Existing)
		if err != nil {
			return nil, err
		}
		channel, cfg.Posts, readers = id, n, []*Client{env.Admin}
	} else if err := Fill(ctx, env, channel, cfg.Posts); err != nil {
		return nil, err
	}
	// Collect cursors spread through the history for `before` requests.
	var cursors []string
	pages := max(cfg.Posts/cfg.PerPage, 1)
	for _, p := range []int{0, pages / 4, pages / 2, 3 * pages / 4, max(pages-1, 0)} {
		var l struct {
			Order []string `json:"order"`
		}
		if _, err := env.Admin.Do(ctx, "GET", fmt.Sprintf("/channels/%s/posts?page=%d&per_page=%d", channel, p, cfg.PerPage), nil, &l); err != nil {
			return nil, err
		}
		cursors = append(cursors, l.Order...)
	}
	var newest, byCursor, deep Latencies
	var errs Errors
	var requests atomic.Int64
	before, _ := readProcMaybe(cfg.PID)
	start := time.Now()
	deadline := start.Add(cfg.Duration)
	var wg sync.WaitGroup
	for w := range max(cfg.Readers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := readers[w%len(readers)]
			r := rand.New(rand.NewPCG(uint64(w), 11))
			// Readers start at different kinds of page, so that at any moment
			// all three are asked.
			for i := w; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
				path := fmt.Sprintf("/channels/%s/posts?page=0&per_page=%d", channel, cfg.PerPage)
				lat := &newest
				switch {
				case i%3 == 1 && len(cursors) > 0:
					path = fmt.Sprintf("/channels/%s/posts?before=%s&page=0&per_page=%d", channel, cursors[r.IntN(len(cursors))], cfg.PerPage)
					lat = &byCursor
				case i%3 == 2 && pages > 1:
					path = fmt.Sprintf("/channels/%s/posts?page=%d&per_page=%d", channel, 1+r.IntN(pages-1), cfg.PerPage)
					lat = &deep
				}
				t0 := time.Now()
				if _, err := c.Do(ctx, "GET", path, nil, nil); err != nil {
					errs.Add(err)
					continue
				}
				lat.Add(time.Since(t0))
				requests.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	after, _ := readProcMaybe(cfg.PID)
	sum := &Summary{Scenario: "history", Duration: elapsed.Seconds(),
		Rates:   map[string]float64{"requests": float64(requests.Load()) / elapsed.Seconds()},
		Latency: map[string]Dist{"page0": newest.Dist(), "before_cursor": byCursor.Dist(), "deep_page": deep.Dist()},
		Counts:  map[string]int64{"channel_posts": int64(cfg.Posts), "per_page": int64(cfg.PerPage), "readers": int64(cfg.Readers)},
		Server:  after.Diff(before), Notes: []string{"channel " + channel + ", " + strconv.Itoa(pages) + " pages"}}
	errs.Fill(sum)
	return sum, nil
}
