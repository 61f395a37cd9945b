// Command parley is the Parley chat server and its operator's command line.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/cli"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/server"
	"github.com/parley-chat/parley/internal/store/sqlstore"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// packagedConfig is where the Debian package installs the configuration.
const packagedConfig = "/etc/parley/config.json"

func main() {
	if err := newRootCmd(os.Stdout, os.Stderr, packagedConfig).Execute(); err != nil {
		os.Exit(1)
	}
}

// options are the flags shared by every command that touches the install.
type options struct {
	configPath string
	// packagedConfig is read when neither --config nor PARLEY_CONFIG names a
	// file and it exists, so that on a packaged install the command line acts
	// on the server's database, not on a new ./data.
	packagedConfig string
	overrides      map[string]*string
}

func newRootCmd(stdout, stderr io.Writer, packagedConfig string) *cobra.Command {
	opts := &options{packagedConfig: packagedConfig, overrides: map[string]*string{}}
	root := &cobra.Command{
		Use:   "parley",
		Short: "Parley: a self-hosted team chat server that speaks the Mattermost API",
		Long: `Parley is a team chat server compatible with Mattermost clients.

Run without a command to start the server: it listens on :8065 and keeps its
SQLite database and files in ./data unless configured otherwise. Without
--config or PARLEY_CONFIG, ` + packagedConfig + ` is read if it exists.`,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runServer(cmd.Context(), opts, stderr)
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	pf := root.PersistentFlags()
	pf.StringVar(&opts.configPath, "config", os.Getenv("PARLEY_CONFIG"), "path to a JSON configuration file (env PARLEY_CONFIG; default "+packagedConfig+" if it exists)")
	for _, f := range []struct{ flag, key, help string }{
		{"listen", "listen", "address to listen on (env PARLEY_LISTEN, default :8065)"},
		{"data", "data_dir", "data directory (env PARLEY_DATA, default ./data)"},
		{"database", "database", "data source: empty for SQLite in the data directory, or a postgres:// URL (env PARLEY_DATABASE)"},
		{"site-url", "site_url", "public URL of the site (env PARLEY_SITE_URL)"},
	} {
		opts.overrides[f.key] = pf.String(f.flag, "", f.help)
	}

	serverCmd := &cobra.Command{
		Use:     "server",
		Short:   "Start the chat server (the default command)",
		Example: "  parley server --listen 127.0.0.1:8065 --data /var/lib/parley",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runServer(cmd.Context(), opts, stderr)
		},
	}
	versionCmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version of Parley and the Mattermost API it speaks",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, args []string) {
			fmt.Fprintf(cmd.OutOrStdout(), "Version: %s\nMattermost API compatibility: %s\n", version, app.MattermostVersion)
		},
	}
	root.AddCommand(serverCmd, versionCmd, newDBCmd(opts))
	root.AddCommand(cli.Commands(&cli.Env{Load: opts.load, ConfigPath: opts.configFile, PackagedConfig: packagedConfig, In: os.Stdin})...)
	root.AddCommand(newManCmd(root))
	return root
}

// configFile is the configuration file in use: the one named, else the
// packaged one if it exists, else none.
func (o *options) configFile() string {
	if o.configPath != "" {
		return o.configPath
	}
	if _, err := os.Stat(o.packagedConfig); err == nil {
		return o.packagedConfig
	}
	return ""
}

// source is where the configuration comes from: file, environment and flags.
func (o *options) source() config.Source {
	flags := map[string]string{}
	for key, v := range o.overrides {
		flags[key] = *v
	}
	return config.Source{Path: o.configFile(), Getenv: config.Getenv, Flags: flags}
}

// load builds the configuration from file, environment and flags.
func (o *options) load() (config.Config, error) { return o.source().Load() }

// newLogger logs at the configured level; the level can change on reload.
func newLogger(w io.Writer, cfg config.Config, level *slog.LevelVar) *slog.Logger {
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func runServer(ctx context.Context, opts *options, stderr io.Writer) error {
	cfg, err := opts.load()
	if err != nil {
		// One line, printed by cobra as the command's error.
		return fmt.Errorf("invalid configuration: %w", err)
	}
	var level slog.LevelVar
	log := newLogger(stderr, cfg, &level)
	for _, name := range config.UnknownMattermostEnv(os.Environ()) {
		log.Warn("environment variable names no Parley setting; it is ignored", "name", name)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	srv, err := server.New(ctx, cfg, log)
	if err != nil {
		return fmt.Errorf("cannot start: %w", err)
	}
	srv.App.BuildNumber = version
	srv.App.SetConfigSource(opts.source(), &level)
	if err := srv.Start(cfg.Listen); err != nil {
		return fmt.Errorf("cannot start: %w", err)
	}
	for reloading := true; reloading; {
		select {
		case <-hup:
			if err := srv.App.ReloadConfig(ctx, app.SystemSession()); err != nil {
				log.Error("configuration not reloaded", "err", err)
			}
		case <-ctx.Done():
			reloading = false
		}
	}
	log.Info("stopping")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), time.Duration(srv.App.Config().ShutdownTimeout)*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.Canceled) {
		log.Error("unclean stop", "err", err)
		return err
	}
	log.Info("stopped")
	return nil
}

func newDBCmd(opts *options) *cobra.Command {
	db := &cobra.Command{Use: "db", Short: "Inspect and migrate the database"}
	connect := func(cmd *cobra.Command) (*sqlstore.SQLStore, error) {
		cfg, err := opts.load()
		if err != nil {
			return nil, err
		}
		return sqlstore.Connect(cmd.Context(), cfg.Database, cfg.DataDir)
	}
	var dryRun bool
	migrate := &cobra.Command{
		Use:   "migrate",
		Short: "Apply pending schema migrations (the server also does this at start)",
		Example: `  parley db migrate
  parley db migrate --dry-run --database postgres://parley@localhost/parley`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := connect(cmd)
			if err != nil {
				return err
			}
			defer s.Close()
			pending, err := s.PendingMigrations(cmd.Context())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if dryRun {
				if len(pending) == 0 {
					fmt.Fprintln(out, "No pending migrations.")
				}
				for _, v := range pending {
					fmt.Fprintf(out, "Would apply migration %05d\n", v)
				}
				return nil
			}
			if err := s.Migrate(cmd.Context(), nil); err != nil {
				return err
			}
			cur, _, err := s.SchemaVersion(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "Applied %d migration(s); schema is at version %d.\n", len(pending), cur)
			return nil
		},
	}
	migrate.Flags().BoolVar(&dryRun, "dry-run", false, "list the migrations that would run, change nothing")
	status := &cobra.Command{
		Use:     "status",
		Short:   "Show the schema version of the database and of this binary",
		Example: "  parley db status",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := connect(cmd)
			if err != nil {
				return err
			}
			defer s.Close()
			cur, known, err := s.SchemaVersion(cmd.Context())
			if err != nil {
				return err
			}
			pending, err := s.PendingMigrations(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Database: %s\nSchema version: %d\nNewest known to this binary: %d\nPending migrations: %d\n",
				s.DriverName(), cur, known, len(pending))
			if cur <= known {
				return nil
			}
			// A newer node of a rolling upgrade migrated it: this binary runs
			// on it if those migrations are all expand steps.
			newer, err := s.NewerMigrations(cmd.Context())
			if err != nil {
				return err
			}
			for _, m := range newer {
				kind := m.Kind
				if kind == "" {
					kind = "kind not recorded"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Newer migration: %s (%s)\n", m, kind)
			}
			return s.RefuseNewer(cmd.Context())
		},
	}
	db.AddCommand(migrate, status)
	return db
}
