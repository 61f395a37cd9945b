// Package cli is Parley's operator command line: the classic `mattermost`
// commands (channel, user, team, roles, config, sampledata) plus the GDPR
// tools (user export/delete/offboard, audit, retention).
//
// Commands open the database named by the configuration and run the app layer
// with the system session as actor, so every rule is the server's rule. They
// work whether or not the server runs; when it does, the events of a change
// travel to it over the relay socket (package relay) and reach connected
// clients at once.
package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/relay"
	"github.com/parley-chat/parley/internal/store/sqlstore"
)

// Env is what the commands need from the program that hosts them.
type Env struct {
	// Load builds the effective configuration (file, environment, flags).
	Load func() (config.Config, error)
	// ConfigPath names the configuration file in use, the one `config set`
	// edits ("" if none).
	ConfigPath func() string
	// PackagedConfig is the file read when neither --config nor PARLEY_CONFIG
	// names one and it exists (/etc/parley/config.json), for messages.
	PackagedConfig string
	// In answers confirmation prompts.
	In io.Reader
}

// Commands returns the operator's commands, to be added to the root command.
func Commands(env *Env) []*cobra.Command {
	cmds := []*cobra.Command{
		channelCmd(env), userCmd(env), teamCmd(env), rolesCmd(env), configCmd(env),
		sampledataCmd(env), auditCmd(env), retentionCmd(env), legalHoldCmd(env), backupCmd(env), restoreCmd(env), emojiCmd(env),
		importCmd(env), exportCmd(env), clusterCmd(env),
	}
	for _, c := range cmds {
		normalizeFlags(c)
		usageOnBadArgs(c)
	}
	return cmds
}

// usageOnBadArgs adds the usage line to the error of a command given the wrong
// arguments, so the operator sees what it takes.
func usageOnBadArgs(c *cobra.Command) {
	if check := c.Args; check != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return fmt.Errorf("%w\nUsage: %s", err, cmd.UseLine())
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		usageOnBadArgs(sub)
	}
}

// normalizeFlags makes --display-name and --display_name the same flag, so both
// the classic (underscore) and the mmctl (hyphen) spellings work.
func normalizeFlags(c *cobra.Command) {
	norm := func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		return pflag.NormalizedName(strings.ReplaceAll(name, "_", "-"))
	}
	c.Flags().SetNormalizeFunc(norm)
	c.PersistentFlags().SetNormalizeFunc(norm)
	for _, sub := range c.Commands() {
		normalizeFlags(sub)
	}
}

// session is the actor of every command: a system admin that is no user,
// recorded in the audit log as the operator.
func session() *model.Session { return app.CommandLineSession(operator()) }

// operator names who runs the command and where, "cli:root@host"; under sudo
// also who called it, "cli:parley@host (sudo by alice)". user.Current keeps
// its first answer, so once actAsOwner (which asks first) has given up root's
// privileges it still names root.
func operator() string {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	who := "cli:" + name + "@" + host
	if by := os.Getenv("SUDO_USER"); by != "" && by != name {
		who += " (sudo by " + by + ")"
	}
	return who
}

// open builds the app over the configured database, relaying events to a
// running server. Only with create may the database be new: a management
// command that finds none was pointed at the wrong place, and one it made would
// be a database the server never reads.
func (e *Env) open(cmd *cobra.Command, create bool) (*app.App, func(), error) {
	cfg, err := e.loadAsOwner()
	if err != nil {
		return nil, nil, err
	}
	openStore := sqlstore.OpenExisting
	if create {
		openStore = sqlstore.Open
	}
	st, err := openStore(cmd.Context(), cfg.Database, cfg.DataDir, nil)
	if errors.Is(err, sqlstore.ErrNoDatabase) {
		return nil, nil, fmt.Errorf("%w; %s. Point to the server's configuration with --config FILE or PARLEY_CONFIG (or --data DIR, --database URL), or create the database with \"parley db migrate\"",
			err, e.configSource())
	}
	if err != nil {
		return nil, nil, err
	}
	b := relay.NewBus(relay.SocketPath(cfg.DataDir))
	log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	a := app.New(st, b, cfg, log)
	if err := a.OpenFileStore(cmd.Context()); err != nil {
		_ = b.Close()
		_ = st.Close()
		return nil, nil, err
	}
	return a, func() {
		// The audit entries of the command may still be on their way to syslog.
		a.Close()
		_ = b.Close()
		_ = st.Close()
	}, nil
}

// loadAsOwner reads the configuration (as the caller: root may be the only
// one who can read it), then acts as the owner of the data directory.
func (e *Env) loadAsOwner() (config.Config, error) {
	cfg, err := e.Load()
	if err != nil {
		return cfg, fmt.Errorf("configuration: %w", err)
	}
	return cfg, actAsOwner(cfg.DataDir)
}

// configSource says which configuration file was read, or where none was found.
func (e *Env) configSource() string {
	if p := e.ConfigPath(); p != "" {
		return "configuration file " + p
	}
	if e.PackagedConfig != "" {
		return "no configuration file (no --config, no PARLEY_CONFIG, no " + e.PackagedConfig + ")"
	}
	return "no configuration file (no --config, no PARLEY_CONFIG)"
}

type body func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error

// run wraps a command body that needs the app over an existing database.
func (e *Env) run(fn body) func(*cobra.Command, []string) error { return e.runOn(false, fn) }

// runCreating is run for the one command that may start a new database
// (sampledata, which makes demo installations).
func (e *Env) runCreating(fn body) func(*cobra.Command, []string) error { return e.runOn(true, fn) }

func (e *Env) runOn(create bool, fn body) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		a, closeFn, err := e.open(cmd, create)
		if err != nil {
			return err
		}
		defer closeFn()
		return fn(cmd.Context(), cmd, a, args)
	}
}

// msg is the readable part of an error: an AppError's message, else the error.
func msg(err error) string {
	var ae *model.AppError
	if errors.As(err, &ae) {
		return ae.Message
	}
	return err.Error()
}

// errAborted is what a prompt answered with anything but YES gives.
var errAborted = errors.New("ABORTED: You did not answer YES exactly, in all capitals.")

// confirm asks each question in turn unless --confirm was given; only YES passes.
func (e *Env) confirm(cmd *cobra.Command, questions ...string) error {
	if ok, _ := cmd.Flags().GetBool("confirm"); ok {
		return nil
	}
	in := bufio.NewReader(e.In)
	for _, q := range questions {
		fmt.Fprintln(cmd.OutOrStdout(), strings.TrimRight(q, " "))
		var answer string
		if _, err := fmt.Fscanln(in, &answer); err != nil && answer == "" {
			return errAborted
		}
		if answer != "YES" {
			return errAborted
		}
	}
	return nil
}

const backupQuestion = "Have you performed a database backup? (YES/NO): "

func out(cmd *cobra.Command, format string, a ...any) {
	fmt.Fprintf(cmd.OutOrStdout(), format+"\n", a...)
}
func warn(cmd *cobra.Command, format string, a ...any) {
	fmt.Fprintf(cmd.ErrOrStderr(), format+"\n", a...)
}

// eachItem applies fn to every item in turn, as the classic tool does: a
// failure is reported on stderr, one "Error: " line each, and the rest still
// run; the command fails when any item did, without a further line.
func eachItem[T any](cmd *cobra.Command, items []T, fn func(i int, item T) error) error {
	failed := 0
	for i, it := range items {
		if err := fn(i, it); err != nil {
			warn(cmd, "Error: %s", err)
			failed++
		}
	}
	if failed > 0 {
		cmd.SilenceErrors = true
		return errItems(failed)
	}
	return nil
}

// errItems is the error of a command some items of which failed; each failure
// was already explained on stderr.
func errItems(n int) error {
	if n == 1 {
		return errors.New("1 item failed (see above)")
	}
	return fmt.Errorf("%d items failed (see above)", n)
}
