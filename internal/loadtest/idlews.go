package loadtest

import (
	"context"
	"fmt"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"
)

// IdleWSConfig holds Conns authenticated, idle WebSockets for Hold and measures
// the server's memory per connection (PID required for that).
type IdleWSConfig struct {
	Conns int
	Hold  time.Duration
	PID   int
}

// IdleWS runs the idle-ws scenario.
func IdleWS(ctx context.Context, env *Env, cfg IdleWSConfig) (*Summary, error) {
	raiseFileLimit()
	before, _ := readProcMaybe(cfg.PID)
	sockets := make([]*Socket, cfg.Conns)
	var connect Latencies
	start := time.Now()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(64)
	for i := range cfg.Conns {
		g.Go(func() error {
			t0 := time.Now()
			s, err := env.Users[i%len(env.Users)].Dial(gctx)
			if err != nil {
				return fmt.Errorf("connection %d: %w", i, err)
			}
			connect.Add(time.Since(t0))
			sockets[i] = s
			return nil
		})
	}
	err := g.Wait()
	defer func() {
		for _, s := range sockets {
			if s != nil {
				s.Close()
			}
		}
	}()
	if err != nil {
		return nil, err
	}
	time.Sleep(cfg.Hold)
	after, _ := readProcMaybe(cfg.PID)
	sum := &Summary{Scenario: "idle-ws", Duration: time.Since(start).Seconds(),
		Latency: map[string]Dist{"connect": connect.Dist()},
		Counts:  map[string]int64{"connections": int64(cfg.Conns)}, Server: after}
	if before != nil && after != nil {
		per := float64(after.RSSBytes-before.RSSBytes) / float64(cfg.Conns)
		sum.Values = map[string]float64{"rss_kb_per_connection": per / 1024}
		sum.Notes = append(sum.Notes, fmt.Sprintf("%.1f KB RSS per idle connection", per/1024))
	}
	return sum, nil
}

// raiseFileLimit lifts this process's open-file limit to the hard limit, since
// each connection is a descriptor.
func raiseFileLimit() {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) == nil && l.Cur < l.Max {
		l.Cur = l.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
}
