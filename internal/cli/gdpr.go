package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// parseTime reads Unix milliseconds, an RFC 3339 time or a date
// (YYYY-MM-DD, UTC) as Unix milliseconds.
func parseTime(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil && ms >= 0 {
		return ms, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixMilli(), nil
		}
	}
	return 0, fmt.Errorf("%q is not Unix milliseconds, a date (YYYY-MM-DD) or an RFC 3339 time", s)
}

// auditFilter reads the filters audit list and audit export share.
func auditFilter(ctx context.Context, a *app.App, user, action, since, until string) (store.AuditFilter, error) {
	f := store.AuditFilter{Action: action}
	var err error
	if f.Since, err = parseTime(since); err != nil {
		return f, fmt.Errorf("--since: %w", err)
	}
	if f.Until, err = parseTime(until); err != nil {
		return f, fmt.Errorf("--until: %w", err)
	}
	if user != "" {
		u, err := findUser(ctx, a, user)
		if err != nil {
			// An erased user is known by id only.
			if !model.IsValidID(user) {
				return f, fmt.Errorf("%w (an erased user is known by id only: give the id, see audit list --action user.delete)", err)
			}
			f.UserID = user
		} else {
			f.UserID = u.ID
		}
	}
	return f, nil
}

func auditCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "audit", Short: "Read the audit log"}
	list := &cobra.Command{
		Use:   "list",
		Short: "List audit log entries, newest first",
		Long: `List audit log entries, newest first: logins (also failed ones), admin
actions, exports, deletions and role changes.`,
		Example: `  parley audit list --user ann --since 2025-01-01
  parley audit list --action 'user.*' --limit 50 --json`,
		Args: cobra.NoArgs,
	}
	user := list.Flags().String("user", "", "entries by or about this user (email, username or id)")
	action := list.Flags().String("action", "", "exact action, or a prefix ending in * (e.g. user.*)")
	since := list.Flags().String("since", "", "entries from this date or time on")
	until := list.Flags().String("until", "", "entries before this date or time")
	limit := list.Flags().Int("limit", 100, "most entries to show")
	asJSON := list.Flags().Bool("json", false, "print the entries as a JSON array")
	list.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		f, err := auditFilter(ctx, a, *user, *action, *since, *until)
		if err != nil {
			return err
		}
		f.Limit = *limit
		entries, err := a.Audits(ctx, session(), f)
		if err != nil {
			return errors.New(msg(err))
		}
		if *asJSON {
			return printJSON(cmd, entries)
		}
		for _, e := range entries {
			actor := e.ActorID
			if actor == "" {
				actor = "system"
			}
			status := "ok"
			if !e.Success {
				status = "failed"
			}
			line := fmt.Sprintf("%s %s %s by %s", time.UnixMilli(e.CreateAt).UTC().Format(time.RFC3339), e.Action, status, actor)
			if e.TargetID != "" {
				line += " on " + e.TargetType + " " + e.TargetID
			}
			if e.IPAddress != "" {
				line += " from " + e.IPAddress
			}
			if e.Details != "" {
				line += " (" + e.Details + ")"
			}
			out(cmd, "%s", line)
		}
		return nil
	})
	c.AddCommand(list, auditExportCmd(env))
	return c
}

func auditExportCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "export --output FILE|- [--since TIME] [--until TIME] [--user USER] [--action ACTION]",
		Short: "Write audit log entries as JSON lines, oldest first",
		Long: `Write audit log entries as JSON lines: one JSON object a line, oldest first,
with the fields id, create_at (Unix milliseconds), actor_id, action,
target_type, target_id, ip_address, session_id, success and details (see
docs/gdpr.md#audit-log). The log is read a batch at a time, so an export of
any size runs in bounded memory. Without --until the export ends when it
starts. TIME is Unix milliseconds, an RFC 3339 time or a date (YYYY-MM-DD,
UTC); --since is inclusive, --until exclusive. The file is created with mode
0600; with --output - the entries go to standard output. The export is itself
recorded in the audit log (audit.export).`,
		Example: `  parley audit export --since 2026-01-01 --until 2026-02-01 --output audit-2026-01.jsonl
  parley audit export --since 1767225600000 --user ann --output - | jq .action`,
		Args: cobra.NoArgs,
	}
	output := c.Flags().String("output", "", "file to write, or - for standard output")
	user := c.Flags().String("user", "", "entries by or about this user (id, email or username)")
	action := c.Flags().String("action", "", "exact action, or a prefix ending in * (e.g. user.*)")
	since := c.Flags().String("since", "", "entries from this time on")
	until := c.Flags().String("until", "", "entries before this time")
	batch := c.Flags().Int("batch", app.AuditExportBatch, "entries read from the database at a time")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, _ []string) error {
		if *output == "" {
			return errors.New("--output is required: the file to write, or - for standard output")
		}
		if *batch < 1 {
			return errors.New("--batch must be at least 1")
		}
		f, err := auditFilter(ctx, a, *user, *action, *since, *until)
		if err != nil {
			return err
		}
		w, report := cmd.OutOrStdout(), cmd.OutOrStdout()
		var fh *os.File
		if *output != "-" {
			if fh, err = os.OpenFile(*output, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600); err != nil {
				return err
			}
			w = fh
		} else {
			report = cmd.ErrOrStderr() // standard output holds the entries alone
		}
		var progress func(int64)
		if isTerminal(cmd.ErrOrStderr()) {
			progress = func(n int64) { fmt.Fprintf(cmd.ErrOrStderr(), "\r\033[K%d entries", n) }
		}
		n, err := a.ExportAudits(ctx, session(), f, w, *batch, progress)
		clearProgress(cmd.ErrOrStderr())
		if fh != nil {
			if cerr := fh.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(*output)
			}
		}
		if err != nil {
			return errors.New("Unable to export the audit log: " + msg(err))
		}
		where := *output
		if where == "-" {
			where = "standard output"
		}
		fmt.Fprintf(report, "Exported %d audit log entries to %s.\n", n, where)
		return nil
	})
	return c
}
