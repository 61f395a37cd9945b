package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// PostConfig: Posters post into the env's first channel (or, with Spread,
// round all its channels) for Duration (at Rate posts a second in all, or as
// fast as they can when 0) while Listeners hold WebSockets and time every
// posted event they receive.
type PostConfig struct {
	Posters   int
	Listeners int
	Duration  time.Duration
	Rate      float64
	// Spread posts round the env's channels, so that a post reaches only
	// the listeners whose user is in its channel (set up with MemberOf).
	Spread bool
	PID    int // server process, for CPU and RSS; 0 to skip
}

// Post runs the post scenario.
func Post(ctx context.Context, env *Env, cfg PostConfig) (*Summary, error) {
	if cfg.Posters < 1 || len(env.Users) == 0 || len(env.Channels) == 0 {
		return nil, fmt.Errorf("post needs posters, users and a channel")
	}
	channels := env.Channels[:1]
	if cfg.Spread {
		channels = env.Channels
	}
	var postLat, deliverLat Latencies
	var errs Errors
	var delivered, posted, want atomic.Int64
	// reach counts, per channel, the listeners a post there should reach.
	reach := map[string]int64{}
	for i := range cfg.Listeners {
		for _, ch := range env.UserChannels(i % len(env.Users)) {
			reach[ch]++
		}
	}
	// Measured listeners check the channel only when there is one.
	only := ""
	if len(channels) == 1 {
		only = channels[0]
	}

	raiseFileLimit()
	sockets := make([]*Socket, cfg.Listeners)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(64)
	for i := range sockets {
		g.Go(func() error {
			s, err := env.Users[i%len(env.Users)].Dial(gctx)
			if err != nil {
				return fmt.Errorf("listener %d: %w", i, err)
			}
			sockets[i] = s
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		for _, s := range sockets {
			if s != nil {
				s.Close()
			}
		}
		return nil, err
	}
	// Decoding every event of hundreds of listeners would load the driver more
	// than the server (both share the machine): about 50 listeners time
	// deliveries, the others only count them.
	measureEvery := max(1, cfg.Listeners/50)
	var listeners sync.WaitGroup
	for i, s := range sockets {
		listeners.Add(1)
		go func() {
			defer listeners.Done()
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
				if i%measureEvery != 0 {
					delivered.Add(1)
					continue
				}
				var ev Event
				if json.Unmarshal(data, &ev) != nil {
					continue
				}
				if sent, ok := sentAt(ev.Data, only); ok {
					deliverLat.Add(time.Since(sent))
					delivered.Add(1)
				}
			}
		}()
	}

	before, _ := readProcMaybe(cfg.PID)
	driverBefore, _ := ReadProc(os.Getpid())
	start := time.Now()
	deadline := start.Add(cfg.Duration)
	var posters sync.WaitGroup
	for p := range cfg.Posters {
		posters.Add(1)
		go func() {
			defer posters.Done()
			c := env.Users[p%len(env.Users)]
			var tick *time.Ticker
			if cfg.Rate > 0 {
				tick = time.NewTicker(time.Duration(float64(time.Second) * float64(cfg.Posters) / cfg.Rate))
				defer tick.Stop()
			}
			for n := p; time.Now().Before(deadline) && ctx.Err() == nil; n += cfg.Posters {
				if tick != nil {
					<-tick.C
				}
				channel := channels[n%len(channels)]
				t0 := time.Now()
				msg := "lt " + strconv.FormatInt(t0.UnixNano(), 10) + " load test message"
				if _, err := c.Do(ctx, "POST", "/posts", map[string]string{"channel_id": channel, "message": msg}, nil); err != nil {
					errs.Add(err)
					continue
				}
				postLat.Add(time.Since(t0))
				posted.Add(1)
				want.Add(reach[channel])
			}
		}()
	}
	posters.Wait()
	elapsed := time.Since(start)
	// Let the last events arrive, also those a dropped listener gets once it
	// has resumed: while deliveries go on, and a reconnect's delay past them.
	settle := 3*time.Second + maxReconnectDelay
	for last, n := time.Now(), delivered.Load(); n < want.Load() && time.Since(last) < settle; n = delivered.Load() {
		time.Sleep(20 * time.Millisecond)
		if m := delivered.Load(); m != n {
			last = time.Now()
		}
	}
	for _, s := range sockets {
		s.CloseNow() // ends the listener's read
	}
	listeners.Wait()
	var resumes, resets, reconnects int64
	for _, s := range sockets {
		resumes, resets, reconnects = resumes+int64(s.Resumes), resets+int64(s.Resets), reconnects+int64(s.Reconnects)
	}
	after, _ := readProcMaybe(cfg.PID)
	driverAfter, _ := ReadProc(os.Getpid())

	sum := &Summary{Scenario: "post", Duration: elapsed.Seconds(),
		Rates:   map[string]float64{"posts": float64(posted.Load()) / elapsed.Seconds()},
		Latency: map[string]Dist{"post": postLat.Dist()},
		Counts: map[string]int64{"posts": posted.Load(), "posters": int64(cfg.Posters), "listeners": int64(len(sockets)), "deliveries": delivered.Load(), "deliveries_expected": want.Load(),
			"reconnects": reconnects, "resumes": resumes, "resume_resets": resets},
		Server: after.Diff(before)}
	if len(sockets) > 0 {
		sum.Latency["delivery"] = deliverLat.Dist()
	}
	if d := driverAfter.Diff(driverBefore); d != nil {
		// The driver shares the machine; its CPU says how much it took from the server.
		sum.Values = map[string]float64{"driver_cpu_s": d.CPUSeconds}
	}
	errs.Fill(sum)
	return sum, nil
}

// sentAt reads the send time a poster put in the message of a posted event
// in channel (any channel when empty).
func sentAt(data json.RawMessage, channel string) (time.Time, bool) {
	var d struct {
		Post string `json:"post"`
	}
	if json.Unmarshal(data, &d) != nil {
		return time.Time{}, false
	}
	var p struct {
		ChannelID string `json:"channel_id"`
		Message   string `json:"message"`
	}
	if json.Unmarshal([]byte(d.Post), &p) != nil || channel != "" && p.ChannelID != channel || !strings.HasPrefix(p.Message, "lt ") {
		return time.Time{}, false
	}
	f := strings.Fields(p.Message)
	ns, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(0, ns), true
}

func readProcMaybe(pid int) (*ProcStats, error) {
	if pid <= 0 {
		return nil, nil
	}
	return ReadProc(pid)
}
