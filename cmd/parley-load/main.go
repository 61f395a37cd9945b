// Command parley-load is a black-box load driver for Parley or any
// Mattermost-compatible server: it speaks only API v4 and the WebSocket.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/loadtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := newRoot(os.Stdout).ExecuteContext(ctx); err != nil {
		os.Exit(1)
	}
}

type common struct {
	setup   loadtest.SetupConfig
	urls    []string
	jsonOut string
	pid     int
}

func (c *common) flags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringSliceVar(&c.urls, "url", []string{"http://127.0.0.1:8065"},
		"server URL; mixed spreads its users over several nodes of a cluster (repeat the flag or separate with commas), the rest use the first")
	f.IntVar(&c.setup.Users, "users", 20, "users to create or reuse (ltuser0…)")
	f.IntVar(&c.setup.Channels, "channels", 2, "channels to create or reuse (lt-channel-0…)")
	f.IntVar(&c.setup.MemberOf, "member-of", 0, "channels each user joins, spread round the channels (0: all)")
	f.StringVar(&c.setup.Team, "team", "loadtest", "team name")
	f.StringVar(&c.setup.Admin, "admin", "", "username:password of a system admin (default: create ltadmin, admin on a fresh server)")
	f.StringVar(&c.jsonOut, "json-out", "", "also write the JSON summary to this file")
	f.IntVar(&c.pid, "pid", 0, "server process id, to report its CPU and RSS from /proc")
}

// setupConfig is the setup to run: on the first server given.
func (c *common) setupConfig() (loadtest.SetupConfig, error) {
	if len(c.urls) == 0 || c.urls[0] == "" {
		return c.setup, fmt.Errorf("--url: no server given")
	}
	cfg := c.setup
	cfg.URL = c.urls[0]
	return cfg, nil
}

// report prints the table and the JSON summary.
func (c *common) report(w io.Writer, s *loadtest.Summary) error {
	s.WriteTable(w)
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s\n", b)
	if c.jsonOut != "" {
		return os.WriteFile(c.jsonOut, append(b, '\n'), 0o644)
	}
	return nil
}

func newRoot(stdout io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:          "parley-load",
		Short:        "Load driver for Mattermost-compatible servers (API v4 and WebSocket only)",
		SilenceUsage: true,
	}
	root.SetOut(stdout)
	root.AddCommand(setupCmd(), postCmd(), historyCmd(), searchCmd(), idleWSCmd(), startCmd(), mixedCmd(), ltngCmd())
	return root
}

func setupCmd() *cobra.Command {
	var c common
	cmd := &cobra.Command{
		Use:     "setup",
		Short:   "Create (or reuse) users, a team and channels",
		Example: "  parley-load setup --url http://127.0.0.1:8065 --users 100 --channels 5",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			t0 := time.Now()
			cfg, err := c.setupConfig()
			if err != nil {
				return err
			}
			env, err := loadtest.Setup(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			return c.report(cmd.OutOrStdout(), &loadtest.Summary{Scenario: "setup", Duration: time.Since(t0).Seconds(),
				Counts: map[string]int64{"users": int64(len(env.Users)), "channels": int64(len(env.Channels))}})
		},
	}
	c.flags(cmd)
	return cmd
}

// scenario builds a command that sets up the population, runs one scenario
// against it and reports the summary. run gets the server pid for /proc.
func scenario(cmd *cobra.Command, run func(ctx context.Context, cmd *cobra.Command, env *loadtest.Env, pid int) (*loadtest.Summary, error)) *cobra.Command {
	var c common
	cmd.Args = cobra.NoArgs
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg, err := c.setupConfig()
		if err != nil {
			return err
		}
		env, err := loadtest.Setup(cmd.Context(), cfg)
		if err != nil {
			return err
		}
		s, err := run(cmd.Context(), cmd, env, c.pid)
		if err != nil {
			return err
		}
		return c.report(cmd.OutOrStdout(), s)
	}
	c.flags(cmd)
	return cmd
}

func postCmd() *cobra.Command {
	var cfg loadtest.PostConfig
	cmd := scenario(&cobra.Command{
		Use:   "post",
		Short: "Posters post into one channel (or round several) while listeners time delivery over WebSockets",
		Example: `  parley-load post --posters 10 --listeners 500 --duration 30s --pid $(pidof parley)
  parley-load post --posters 10 --listeners 500 --rate 500 --duration 30s
  parley-load post --channels 20 --member-of 2 --spread --listeners 10000 --rate 50 --team ltspread`,
	}, func(ctx context.Context, cmd *cobra.Command, env *loadtest.Env, pid int) (*loadtest.Summary, error) {
		cfg.PID = pid
		return loadtest.Post(ctx, env, cfg)
	})
	cmd.Flags().IntVar(&cfg.Posters, "posters", 10, "concurrent posters")
	cmd.Flags().IntVar(&cfg.Listeners, "listeners", 50, "WebSocket listeners in the channel")
	cmd.Flags().DurationVar(&cfg.Duration, "duration", 10*time.Second, "how long to post")
	cmd.Flags().Float64Var(&cfg.Rate, "rate", 0, "posts a second in all (0: as fast as possible)")
	cmd.Flags().BoolVar(&cfg.Spread, "spread", false, "post round all the channels, each reaching its members' listeners (with --member-of)")
	return cmd
}

func historyCmd() *cobra.Command {
	var cfg loadtest.HistoryConfig
	cmd := scenario(&cobra.Command{
		Use:     "history",
		Short:   "Fill a channel, then fetch history pages (page 0, before a cursor, deep page=N) with concurrent readers",
		Example: "  parley-load history --posts 100000 --readers 16 --duration 20s",
	}, func(ctx context.Context, cmd *cobra.Command, env *loadtest.Env, pid int) (*loadtest.Summary, error) {
		cfg.PID = pid
		return loadtest.History(ctx, env, cfg)
	})
	cmd.Flags().IntVar(&cfg.Posts, "posts", 2000, "posts the channel should hold")
	cmd.Flags().IntVar(&cfg.PerPage, "per-page", 60, "posts a page")
	cmd.Flags().IntVar(&cfg.Readers, "readers", 16, "concurrent readers")
	cmd.Flags().DurationVar(&cfg.Duration, "duration", 10*time.Second, "how long to read")
	cmd.Flags().IntVar(&cfg.Channel, "channel", 1, "which lt-channel to use")
	cmd.Flags().StringVar(&cfg.Existing, "existing", "", "read this filled channel (team:channel, e.g. from parley sampledata) as the admin instead of filling one")
	return cmd
}

func mixedCmd() *cobra.Command {
	cfg := loadtest.DefaultMixed()
	cmd := scenario(&cobra.Command{
		Use:   "mixed",
		Short: "Simulate an organisation at human rates and find how many users the server holds",
		Long: `Every simulated user holds a WebSocket and, per minute, reads a channel page,
marks a channel viewed, types, posts and reacts at the given rates. Steps of
simulated users run in turn; the largest step whose p99 latencies stay within
the limits (reads, writes, delivery) is reported as users_held. With several
--url (the nodes of one cluster), simulated user s holds its socket and makes
its requests on node s mod the number of nodes.`,
		Example: "  parley-load mixed --users 200 --channels 20 --member-of 2 --team ltmixed --steps 1000,5000,10000,20000",
	}, func(ctx context.Context, cmd *cobra.Command, env *loadtest.Env, pid int) (*loadtest.Summary, error) {
		cfg.PID = pid
		cfg.Progress = cmd.ErrOrStderr()
		cfg.URLs, _ = cmd.Flags().GetStringSlice("url")
		return loadtest.Mixed(ctx, env, cfg)
	})
	f := cmd.Flags()
	f.IntSliceVar(&cfg.Steps, "steps", cfg.Steps, "simulated users of each step, ascending")
	f.DurationVar(&cfg.StepDuration, "step-duration", cfg.StepDuration, "how long each step runs")
	f.Float64Var(&cfg.ReadsPerMin, "reads-per-min", cfg.ReadsPerMin, "channel page reads per user and minute")
	f.Float64Var(&cfg.ViewsPerMin, "views-per-min", cfg.ViewsPerMin, "channel views per user and minute")
	f.Float64Var(&cfg.TypingPerMin, "typing-per-min", cfg.TypingPerMin, "typing events per user and minute")
	f.Float64Var(&cfg.PostsPerMin, "posts-per-min", cfg.PostsPerMin, "posts per user and minute")
	f.Float64Var(&cfg.ReactsPerMin, "reacts-per-min", cfg.ReactsPerMin, "reactions per user and minute")
	f.DurationVar(&cfg.ReadLimit, "read-p99", cfg.ReadLimit, "p99 limit for reads")
	f.DurationVar(&cfg.WriteLimit, "write-p99", cfg.WriteLimit, "p99 limit for posts, views and reactions")
	f.DurationVar(&cfg.DeliveryLimit, "delivery-p99", cfg.DeliveryLimit, "p99 limit for delivery of posted events")
	f.IntVar(&cfg.MeasureEvery, "measure-every", cfg.MeasureEvery, "one connection in this many times deliveries")
	return cmd
}

func searchCmd() *cobra.Command {
	var cfg loadtest.SearchConfig
	cmd := scenario(&cobra.Command{
		Use:     "search",
		Short:   "Fill a channel, then run two-word searches concurrently",
		Example: "  parley-load search --posts 20000 --concurrency 4 --duration 20s",
	}, func(ctx context.Context, cmd *cobra.Command, env *loadtest.Env, pid int) (*loadtest.Summary, error) {
		cfg.PID = pid
		return loadtest.Search(ctx, env, cfg)
	})
	cmd.Flags().IntVar(&cfg.Posts, "posts", 2000, "posts the searched channel should hold")
	cmd.Flags().IntVar(&cfg.Concurrency, "concurrency", 4, "concurrent searchers")
	cmd.Flags().DurationVar(&cfg.Duration, "duration", 10*time.Second, "how long to search")
	cmd.Flags().IntVar(&cfg.Channel, "channel", 1, "which lt-channel to use")
	return cmd
}

func idleWSCmd() *cobra.Command {
	var cfg loadtest.IdleWSConfig
	cmd := scenario(&cobra.Command{
		Use:     "idle-ws",
		Short:   "Hold many authenticated idle WebSockets and report the server's memory per connection",
		Example: "  parley-load idle-ws --conns 10000 --hold 10s --pid $(pidof parley)",
	}, func(ctx context.Context, cmd *cobra.Command, env *loadtest.Env, pid int) (*loadtest.Summary, error) {
		cfg.PID = pid
		return loadtest.IdleWS(ctx, env, cfg)
	})
	cmd.Flags().IntVar(&cfg.Conns, "conns", 1000, "connections to hold")
	cmd.Flags().DurationVar(&cfg.Hold, "hold", 5*time.Second, "how long to hold them before measuring")
	return cmd
}

func startCmd() *cobra.Command {
	var cfg loadtest.StartConfig
	var jsonOut string
	cmd := &cobra.Command{
		Use:     "start",
		Short:   "Time process start to the first successful ping, and measure idle RSS",
		Example: "  parley-load start --binary bin/parley --data /tmp/parley-data --runs 5",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfg.Binary == "" || cfg.DataDir == "" {
				return fmt.Errorf("--binary and --data are required")
			}
			s, err := loadtest.Start(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			return (&common{jsonOut: jsonOut}).report(cmd.OutOrStdout(), s)
		},
	}
	cmd.Flags().StringVar(&cfg.Binary, "binary", "", "server binary to start")
	cmd.Flags().StringVar(&cfg.DataDir, "data", "", "data directory to start on (existing, for a warm start)")
	cmd.Flags().StringSliceVar(&cfg.Args, "arg", nil, "extra server argument (repeatable), e.g. --arg=--database=postgres://…")
	cmd.Flags().IntVar(&cfg.Runs, "runs", 5, "starts to time (the median is reported)")
	cmd.Flags().DurationVar(&cfg.Settle, "settle", 2*time.Second, "wait before reading idle RSS")
	cmd.Flags().StringVar(&jsonOut, "json-out", "", "also write the JSON summary to this file")
	return cmd
}

func ltngCmd() *cobra.Command {
	cfg := loadtest.DefaultLTNG()
	var url, jsonOut string
	cmd := &cobra.Command{
		Use:   "ltng",
		Short: "Mattermost's load-test-ng simulated users and its supported-users definition, reimplemented",
		Long: `Reproduces mattermost-load-test-ng's simulative controller (the webapp's
requests and WebSocket use, its action frequencies and idle times) and its
coordinator: users are added NumUsersInc a second until one of the monitor's
queries (client request average 0.1 s, p99 2 s, 5xx and timeouts 0.025%,
server CPU and memory 85%, TCP retransmissions 0.5%, over 1-minute windows
after the first minute) reaches its threshold, then removed and added again
until the active users settle; supported_users is their average. Defaults are
the tool's; see docs/performance.md for what is left out.`,
		Example: `  parley-load ltng --url http://127.0.0.1:8065 --pid $(pidof parley)
  parley-load ltng --max-users 20000 --inc 40 --duration 10m --samples-range 2m --pid $(pidof parley)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg.Progress = cmd.ErrOrStderr()
			s, err := loadtest.LTNG(cmd.Context(), url, cfg)
			if err != nil {
				return err
			}
			return (&common{jsonOut: jsonOut}).report(cmd.OutOrStdout(), s)
		},
	}
	f := cmd.Flags()
	f.StringVar(&url, "url", "http://127.0.0.1:8065", "server URL")
	f.IntVar(&cfg.PID, "pid", 0, "server process id, for the CPU query and the report")
	f.StringVar(&jsonOut, "json-out", "", "also write the JSON summary to this file")
	f.IntVar(&cfg.MaxUsers, "max-users", cfg.MaxUsers, "bound on active users (MaxActiveUsers)")
	f.StringVar(&cfg.Admin, "admin", "", "username:password of a system admin for the init (default: create ltngadmin, admin on a fresh server)")
	f.IntVar(&cfg.Presign, "presign", 0, "sign up this many users before the run, untimed (as the tool's later runs find them)")
	f.DurationVar(&cfg.Duration, "duration", cfg.Duration, "bound on the whole run")
	f.IntVar(&cfg.Teams, "teams", cfg.Teams, "teams to create (ltagent init)")
	f.IntVar(&cfg.Channels, "channels", cfg.Channels, "public channels per team")
	f.IntVar(&cfg.NumUsersInc, "inc", cfg.NumUsersInc, "users added a second while no query alerts (NumUsersInc)")
	f.IntVar(&cfg.NumUsersDec, "dec", cfg.NumUsersDec, "users removed on an alert (NumUsersDec)")
	f.DurationVar(&cfg.RestTime, "rest", cfg.RestTime, "wait after an alert before adding or removing again (RestTimeSec)")
	f.DurationVar(&cfg.SamplesTimeRange, "samples-range", cfg.SamplesTimeRange, "span of active-user samples that must settle")
	f.DurationVar(&cfg.QueryWindow, "query-window", cfg.QueryWindow, "the queries' rate window")
	f.DurationVar(&cfg.MinInterval, "min-interval", cfg.MinInterval, "time before the queries count (MinIntervalSec)")
	f.IntVar(&cfg.MinIdleTimeMs, "min-idle-ms", cfg.MinIdleTimeMs, "MinIdleTimeMs")
	f.IntVar(&cfg.AvgIdleTimeMs, "avg-idle-ms", cfg.AvgIdleTimeMs, "AvgIdleTimeMs")
	f.Float64Var(&cfg.TimeScale, "time-scale", cfg.TimeScale, "multiplies every wait of the simulation (1: the tool's)")
	return cmd
}
