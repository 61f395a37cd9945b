package loadtest

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// SearchConfig fills a channel to Posts posts of vocabulary words, then runs
// two-word searches at Concurrency for Duration.
type SearchConfig struct {
	Posts       int
	Concurrency int
	Duration    time.Duration
	Channel     int
	PID         int
}

// Search runs the search scenario.
func Search(ctx context.Context, env *Env, cfg SearchConfig) (*Summary, error) {
	channel := env.Channels[cfg.Channel%len(env.Channels)]
	if err := Fill(ctx, env, channel, cfg.Posts); err != nil {
		return nil, err
	}
	var lat Latencies
	var errs Errors
	var requests, hits atomic.Int64
	before, _ := readProcMaybe(cfg.PID)
	start := time.Now()
	deadline := start.Add(cfg.Duration)
	var wg sync.WaitGroup
	for w := range max(cfg.Concurrency, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := env.Users[w%len(env.Users)]
			r := rand.New(rand.NewPCG(uint64(w), 13))
			for time.Now().Before(deadline) && ctx.Err() == nil {
				terms := vocabulary[r.IntN(len(vocabulary))] + " " + vocabulary[r.IntN(len(vocabulary))]
				var res struct {
					Order []string `json:"order"`
				}
				t0 := time.Now()
				if _, err := c.Do(ctx, "POST", "/teams/"+env.TeamID+"/posts/search",
					map[string]any{"terms": terms, "is_or_search": false, "page": 0, "per_page": 60}, &res); err != nil {
					errs.Add(err)
					continue
				}
				lat.Add(time.Since(t0))
				requests.Add(1)
				hits.Add(int64(len(res.Order)))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	after, _ := readProcMaybe(cfg.PID)
	sum := &Summary{Scenario: "search", Duration: elapsed.Seconds(),
		Rates:   map[string]float64{"searches": float64(requests.Load()) / elapsed.Seconds()},
		Latency: map[string]Dist{"search": lat.Dist()},
		Counts:  map[string]int64{"corpus_posts": int64(cfg.Posts), "results": hits.Load()},
		Server:  after.Diff(before)}
	errs.Fill(sum)
	return sum, nil
}
