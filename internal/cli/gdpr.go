package cli

import (
	"context"
	"errors"
	"fmt"
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
