package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// parseTime reads an RFC 3339 time or a date (YYYY-MM-DD) as Unix milliseconds.
func parseTime(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixMilli(), nil
		}
	}
	return 0, fmt.Errorf("%q is not a date (YYYY-MM-DD) or RFC 3339 time", s)
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
		f := store.AuditFilter{Action: *action, Limit: *limit}
		var err error
		if f.Since, err = parseTime(*since); err != nil {
			return err
		}
		if f.Until, err = parseTime(*until); err != nil {
			return err
		}
		if *user != "" {
			u, err := findUser(ctx, a, *user)
			if err != nil {
				// An erased user is known by id only.
				if !model.IsValidID(*user) {
					return fmt.Errorf("%w (an erased user is known by id only: give the id, see audit list --action user.delete)", err)
				}
				f.UserID = *user
			} else {
				f.UserID = u.ID
			}
		}
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
	c.AddCommand(list)
	return c
}

func retentionCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "retention", Short: "Manage message retention policies and run them",
		Long: `Retention policies say how many days messages are kept: globally, per team
and per channel; the most specific policy of a channel wins. The server applies
them every hour, deleting expired posts in small batches.`}
	c.AddCommand(retentionRunCmd(env), retentionSetCmd(env), retentionListCmd(env), retentionRemoveCmd(env))
	return c
}

func retentionRunCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:     "run",
		Short:   "Delete expired posts and files now (or, with --dry-run, report what would go)",
		Example: "  parley retention run --dry-run\n  parley retention run",
		Args:    cobra.NoArgs,
	}
	dry := c.Flags().Bool("dry-run", false, "only report what would be deleted")
	batch := c.Flags().Int("batch", app.RetentionBatch, "posts per deletion transaction")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		res, err := a.RunRetention(ctx, session(), *dry, *batch)
		if err != nil {
			return errors.New(msg(err))
		}
		verb := "Deleted"
		if *dry {
			verb = "Would delete"
		}
		for scope, n := range res.ByScope {
			out(cmd, "%s %d posts under the %s policy", verb, n, scope)
		}
		for scope, n := range res.FilesByScope {
			out(cmd, "%s %d files under the %s policy", verb, n, scope)
		}
		out(cmd, "%s %d posts in total", verb, res.Posts)
		if len(res.FilesByScope) > 0 {
			out(cmd, "%s %d files in total", verb, res.Files)
		}
		return nil
	})
	return c
}

// scopeOf turns the --global/--team/--channel flags into a policy scope.
func scopeOf(ctx context.Context, a *app.App, global bool, team, channel string) (string, string, error) {
	n := 0
	for _, set := range []bool{global, team != "", channel != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		return "", "", errors.New("give exactly one of --global, --team TEAM or --channel TEAM:CHANNEL")
	}
	switch {
	case team != "":
		t, err := findTeam(ctx, a, team)
		if err != nil {
			return "", "", err
		}
		return model.RetentionTeam, t.ID, nil
	case channel != "":
		ch, err := findChannel(ctx, a, channel)
		if err != nil {
			return "", "", err
		}
		return model.RetentionChannel, ch.ID, nil
	}
	return model.RetentionGlobal, "", nil
}

func retentionSetCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "set",
		Short: "Set the retention policy of the whole server, a team or a channel",
		Example: `  parley retention set --global --post-days 365 --file-days 90
  parley retention set --team staff --post-days 30
  parley retention set --channel staff:legal --post-days 0   # keep forever`,
		Args: cobra.NoArgs,
	}
	global := c.Flags().Bool("global", false, "the server-wide policy")
	team := c.Flags().String("team", "", "a team's policy")
	channel := c.Flags().String("channel", "", "a channel's policy (team:channel)")
	postDays := c.Flags().Int("post-days", 0, "days messages are kept (0: forever)")
	fileDays := c.Flags().Int("file-days", 0, "days files are kept (0: forever)")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		scope, id, err := scopeOf(ctx, a, *global, *team, *channel)
		if err != nil {
			return err
		}
		if err := a.SetRetentionPolicy(ctx, session(), &model.RetentionPolicy{Scope: scope, TargetID: id,
			PostDays: *postDays, FileDays: *fileDays}); err != nil {
			return errors.New(msg(err))
		}
		out(cmd, "Set the retention policy of %s: posts %s, files %s", scopeName(scope, *team, *channel), days(*postDays), days(*fileDays))
		return nil
	})
	return c
}

func retentionListCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:     "list",
		Short:   "List retention policies",
		Example: "  parley retention list",
		Args:    cobra.NoArgs,
	}
	asJSON := c.Flags().Bool("json", false, "print the policies as a JSON array")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		ps, err := a.RetentionPolicies(ctx, session())
		if err != nil {
			return errors.New(msg(err))
		}
		if *asJSON {
			return printJSON(cmd, ps)
		}
		for _, p := range ps {
			out(cmd, "%s: posts %s, files %s", strings.TrimSuffix(p.Scope+" "+p.TargetID, " "), days(p.PostDays), days(p.FileDays))
		}
		return nil
	})
	return c
}

// scopeName names a policy's scope as the operator gave it.
func scopeName(scope, team, channel string) string {
	switch scope {
	case model.RetentionTeam:
		return "team " + team
	case model.RetentionChannel:
		return "channel " + channel
	}
	return "the server"
}

func days(n int) string {
	if n == 0 {
		return "kept forever"
	}
	return fmt.Sprintf("%d days", n)
}

func retentionRemoveCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:     "remove",
		Short:   "Remove the retention policy of the server, a team or a channel",
		Example: "  parley retention remove --team staff",
		Args:    cobra.NoArgs,
	}
	global := c.Flags().Bool("global", false, "the server-wide policy")
	team := c.Flags().String("team", "", "a team's policy")
	channel := c.Flags().String("channel", "", "a channel's policy (team:channel)")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		scope, id, err := scopeOf(ctx, a, *global, *team, *channel)
		if err != nil {
			return err
		}
		if err := a.RemoveRetentionPolicy(ctx, session(), scope, id); err != nil {
			return errors.New(msg(err))
		}
		out(cmd, "Removed the retention policy of %s", scopeName(scope, *team, *channel))
		return nil
	})
	return c
}
