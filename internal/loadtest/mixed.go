package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// MixedConfig simulates an organisation: every simulated user holds a
// WebSocket, and at human rates (per user and minute) reads a channel page,
// marks a channel viewed, types, posts and reacts. Simulated user s acts as
// the env's user s mod len(Users) in that user's channels. Steps are tried in
// order, each for StepDuration; the scenario stops at the first step whose
// p99 latencies exceed the limits.
type MixedConfig struct {
	Steps        []int
	StepDuration time.Duration
	// Per simulated user and minute.
	ReadsPerMin, ViewsPerMin, TypingPerMin, PostsPerMin, ReactsPerMin float64
	// Limits on p99: reads (pages), writes (posts, views, reactions), delivery.
	ReadLimit, WriteLimit, DeliveryLimit time.Duration
	// MeasureEvery: one connection in this many (one round of connections
	// over the accounts in this many) decodes and times the posted events it
	// receives; the others only count them.
	MeasureEvery int
	// URLs spread the simulated users over the nodes of a cluster: simulated
	// user s holds its socket and makes its requests on URLs[s mod len(URLs)].
	// Empty: every user on the server setup used.
	URLs []string
	PID  int
	// Progress, when set, hears about each step as it ends.
	Progress io.Writer
}

// DefaultMixed is the mix docs/performance.md describes.
func DefaultMixed() MixedConfig {
	return MixedConfig{Steps: []int{1000, 2000, 5000, 10000, 20000}, StepDuration: 20 * time.Second,
		ReadsPerMin: 0.5, ViewsPerMin: 0.5, TypingPerMin: 0.1, PostsPerMin: 0.05, ReactsPerMin: 0.05,
		ReadLimit: 200 * time.Millisecond, WriteLimit: 200 * time.Millisecond, DeliveryLimit: 500 * time.Millisecond,
		MeasureEvery: 20}
}

// mixedStep is what one step measured.
type mixedStep struct {
	reads, writes, delivery Latencies
	errs                    Errors
	delivered, overload     atomic.Int64
}

// Mixed runs the mixed scenario.
func Mixed(ctx context.Context, env *Env, cfg MixedConfig) (*Summary, error) {
	if len(env.Users) == 0 || len(env.Channels) == 0 || len(cfg.Steps) == 0 {
		return nil, fmt.Errorf("mixed needs users, channels and steps")
	}
	raiseFileLimit()
	cfg.MeasureEvery = max(cfg.MeasureEvery, 1)
	var step atomic.Pointer[mixedStep]
	step.Store(&mixedStep{})
	var lastPost sync.Map // channel id → id of a recent post, for reactions
	clients := spreadUsers(env.Users, cfg.URLs)

	var listeners sync.WaitGroup
	var sockets []*Socket
	defer func() {
		for _, s := range sockets {
			s.CloseNow() // ends the listener's read
		}
		listeners.Wait()
	}()
	listen := func(i int, s *Socket) {
		defer listeners.Done()
		// Sockets are handed to accounts round-robin, so whole rounds are
		// measured: every account, and so every channel, is sampled.
		measure := (i/len(env.Users))%cfg.MeasureEvery == 0
		var data []byte
		for {
			var err error
			data, err = s.ReadRaw(data)
			if err != nil {
				return
			}
			if !bytes.Contains(data, []byte(`"event":"posted"`)) {
				continue
			}
			st := step.Load()
			st.delivered.Add(1)
			if measure {
				var ev Event
				if json.Unmarshal(data, &ev) == nil {
					if sent, ok := sentAt(ev.Data, ""); ok {
						st.delivery.Add(time.Since(sent))
					}
				}
			}
		}
	}

	sum := &Summary{Scenario: "mixed", Values: map[string]float64{}, Latency: map[string]Dist{}, Counts: map[string]int64{}}
	before, _ := readProcMaybe(cfg.PID)
	start := time.Now()
	held := 0
	for _, n := range cfg.Steps {
		// Connect the users this step adds (not timed as part of the step).
		added := make([]*Socket, n-len(sockets))
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(64)
		for j := range added {
			i := len(sockets) + j
			g.Go(func() error {
				s, err := clients(i).Dial(gctx)
				if err != nil {
					return fmt.Errorf("connection %d: %w", i, err)
				}
				added[j] = s
				return nil
			})
		}
		err := g.Wait()
		for _, s := range added {
			if s != nil {
				listeners.Add(1)
				go listen(len(sockets), s)
				sockets = append(sockets, s)
			}
		}
		if err != nil {
			sum.Notes = append(sum.Notes, fmt.Sprintf("step %d: %v", n, err))
			break
		}
		st := &mixedStep{}
		step.Store(st)
		runMixedStep(ctx, env, cfg, clients, sockets, st, &lastPost)
		if ctx.Err() != nil {
			break
		}
		reads, writes, delivery := st.reads.Dist(), st.writes.Dist(), st.delivery.Dist()
		key := strconv.Itoa(n)
		sum.Latency["read_"+key], sum.Latency["write_"+key], sum.Latency["delivery_"+key] = reads, writes, delivery
		sum.Counts["errors_"+key] = st.errs.Count()
		sum.Counts["client_overload_"+key] = st.overload.Load()
		ok := reads.P99 <= ms(cfg.ReadLimit) && writes.P99 <= ms(cfg.WriteLimit) && delivery.P99 <= ms(cfg.DeliveryLimit) &&
			st.errs.Count() == 0 && st.overload.Load() == 0
		verdict := "held"
		if !ok {
			verdict = "not held"
		}
		note := fmt.Sprintf("%d users: read p99 %.1f ms, write p99 %.1f ms, delivery p99 %.1f ms (%d deliveries), %d errors, %d overloaded ticks: %s",
			n, reads.P99, writes.P99, delivery.P99, st.delivered.Load(), st.errs.Count(), st.overload.Load(), verdict)
		sum.Notes = append(sum.Notes, note)
		if cfg.Progress != nil {
			fmt.Fprintln(cfg.Progress, "mixed:", note)
		}
		if !ok {
			break
		}
		held = n
	}
	sum.Duration = time.Since(start).Seconds()
	sum.Values["users_held"] = float64(held)
	sum.Counts["nodes"] = int64(max(len(cfg.URLs), 1))
	after, _ := readProcMaybe(cfg.PID)
	sum.Server = after.Diff(before)
	return sum, nil
}

// spreadUsers is the client of simulated user sim: the env's user sim mod
// len(users), on node sim mod len(urls).
func spreadUsers(users []*Client, urls []string) func(sim int) *Client {
	if len(urls) <= 1 {
		return func(sim int) *Client { return users[sim%len(users)] }
	}
	on := make([][]*Client, len(urls))
	for k, u := range urls {
		on[k] = make([]*Client, len(users))
		for i, c := range users {
			cc := *c
			cc.Base = strings.TrimRight(u, "/")
			on[k][i] = &cc
		}
	}
	return func(sim int) *Client { return on[sim%len(urls)][sim%len(users)] }
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// runMixedStep fires every kind of action at its aggregate rate for the
// step's duration. Actions run on their own goroutines, at most a few hundred
// at once; a tick that finds none free counts as client overload, so that a
// slow server shows as failure rather than as a quietly lower rate.
func runMixedStep(ctx context.Context, env *Env, cfg MixedConfig, clients func(sim int) *Client, sockets []*Socket, st *mixedStep,
	lastPost *sync.Map) {
	users := len(sockets)
	stepCtx, cancel := context.WithTimeout(ctx, cfg.StepDuration)
	defer cancel()
	slots := make(chan struct{}, 512)
	var running sync.WaitGroup
	var tickers sync.WaitGroup
	// act gets the simulated user and a random number for its choices.
	every := func(perMin float64, seed uint64, act func(sim, pick int)) {
		rate := perMin * float64(users) / 60
		if rate <= 0 {
			return
		}
		tickers.Add(1)
		go func() {
			defer tickers.Done()
			r := rand.New(rand.NewPCG(seed, uint64(users)))
			tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
			defer tick.Stop()
			for {
				select {
				case <-stepCtx.Done():
					return
				case <-tick.C:
				}
				select {
				case slots <- struct{}{}:
				default:
					st.overload.Add(1)
					continue
				}
				sim, pick := r.IntN(users), r.IntN(1<<30)
				running.Add(1)
				go func() {
					defer func() { <-slots; running.Done() }()
					act(sim, pick)
				}()
			}
		}()
	}
	user := func(sim int) (*Client, []string) {
		return clients(sim), env.UserChannels(sim % len(env.Users))
	}
	timed := func(l *Latencies, f func() error) {
		t0 := time.Now()
		if err := f(); err != nil {
			if ctx.Err() == nil {
				st.errs.Add(err)
			}
			return
		}
		l.Add(time.Since(t0))
	}
	every(cfg.ReadsPerMin, 1, func(sim, pick int) {
		c, chans := user(sim)
		timed(&st.reads, func() error {
			_, err := c.Do(ctx, "GET", "/channels/"+chans[pick%len(chans)]+"/posts?page=0&per_page=30", nil, nil)
			return err
		})
	})
	every(cfg.ViewsPerMin, 2, func(sim, pick int) {
		c, chans := user(sim)
		timed(&st.writes, func() error {
			_, err := c.Do(ctx, "POST", "/channels/members/me/view", map[string]string{"channel_id": chans[pick%len(chans)]}, nil)
			return err
		})
	})
	every(cfg.TypingPerMin, 3, func(sim, pick int) {
		_, chans := user(sim)
		if err := sockets[sim].Send(ctx, "user_typing", map[string]string{"channel_id": chans[pick%len(chans)]}); err != nil && ctx.Err() == nil {
			st.errs.Add(err)
		}
	})
	every(cfg.PostsPerMin, 4, func(sim, pick int) {
		c, chans := user(sim)
		ch := chans[pick%len(chans)]
		timed(&st.writes, func() error {
			var p struct {
				ID string `json:"id"`
			}
			msg := "lt " + strconv.FormatInt(time.Now().UnixNano(), 10) + " mixed load message"
			if _, err := c.Do(ctx, "POST", "/posts", map[string]string{"channel_id": ch, "message": msg}, &p); err != nil {
				return err
			}
			lastPost.Store(ch, p.ID)
			return nil
		})
	})
	every(cfg.ReactsPerMin, 5, func(sim, pick int) {
		c, chans := user(sim)
		id, ok := lastPost.Load(chans[pick%len(chans)])
		if !ok {
			return
		}
		timed(&st.writes, func() error {
			_, err := c.Do(ctx, "POST", "/reactions", map[string]string{"user_id": c.UserID, "post_id": id.(string),
				"emoji_name": reactionEmoji[pick/7%len(reactionEmoji)]}, nil)
			return err
		})
	})
	tickers.Wait()
	running.Wait()
}

var reactionEmoji = [...]string{"+1", "smile", "tada", "eyes", "heart"}
