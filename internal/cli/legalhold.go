package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
)

func legalHoldCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "legal-hold", Short: "Place, list, export and release legal holds",
		Long: `A legal hold keeps, from retention and erasure, the posts (with their files)
that its users wrote or that were written in its channels, from --from to
--to (open-ended without --to). Retention skips them; erasing a held user,
or deleting a held channel or its team for good, is refused until the hold
is released. A hold is named by its name or id.`}
	c.AddCommand(holdCreateCmd(env), holdListCmd(env), holdShowCmd(env), holdReleaseCmd(env), holdExportCmd(env))
	return c
}

func holdCreateCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "create NAME",
		Short: "Place a legal hold on users and channels",
		Example: `  parley legal-hold create case-42 --user ann --user bob@example.com --from 2026-01-01
  parley legal-hold create audit-2026 --channel staff:finance --from 2026-01-01 --to 2026-06-30`,
		Args: cobra.ExactArgs(1),
	}
	display := c.Flags().String("display-name", "", "a readable name (default: NAME)")
	desc := c.Flags().String("description", "", "what the hold is for")
	users := c.Flags().StringArray("user", nil, "a user whose posts are held (repeatable)")
	channels := c.Flags().StringArray("channel", nil, "a channel (team:channel) whose posts are held (repeatable)")
	from := c.Flags().String("from", "", "hold posts from this date or RFC 3339 time on (default: all)")
	to := c.Flags().String("to", "", "hold posts until this date or time (default: open-ended)")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		h := &model.LegalHold{Name: args[0], DisplayName: *display, Description: *desc, UserIDs: []string{}, ChannelIDs: []string{}}
		var err error
		if h.StartsAt, err = parseTime(*from); err != nil {
			return err
		}
		if h.EndsAt, err = parseTime(*to); err != nil {
			return err
		}
		for _, u := range *users {
			x, err := findUser(ctx, a, u)
			if err != nil {
				return err
			}
			h.UserIDs = append(h.UserIDs, x.ID)
		}
		_, h.ChannelIDs, err = teamAndChannelIDs(ctx, a, nil, *channels)
		if err != nil {
			return err
		}
		created, err := a.CreateLegalHold(ctx, session(), h)
		if err != nil {
			return errors.New(msg(err))
		}
		printHold(cmd, created)
		return nil
	})
	return c
}

func holdRange(h *model.LegalHold) string {
	at := func(ms int64) string { return time.UnixMilli(ms).UTC().Format(time.RFC3339) }
	end := "open"
	if h.EndsAt > 0 {
		end = at(h.EndsAt)
	}
	return at(h.StartsAt) + " to " + end
}

func printHold(cmd *cobra.Command, h *model.LegalHold) {
	out(cmd, "%s %s (%s): %d users, %d channels, %s", h.ID, h.Name, h.DisplayName, len(h.UserIDs), len(h.ChannelIDs), holdRange(h))
}

func holdListCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "list", Short: "List legal holds", Example: "  parley legal-hold list", Args: cobra.NoArgs}
	asJSON := c.Flags().Bool("json", false, "print the holds as a JSON array")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		hs, err := a.LegalHolds(ctx, session())
		if err != nil {
			return errors.New(msg(err))
		}
		if *asJSON {
			return printJSON(cmd, hs)
		}
		for _, h := range hs {
			printHold(cmd, h)
		}
		return nil
	})
	return c
}

func findHold(ctx context.Context, a *app.App, arg string) (*model.LegalHold, error) {
	h, err := a.LegalHold(ctx, session(), arg)
	if err != nil {
		return nil, fmt.Errorf("Unable to find legal hold '%s'", arg)
	}
	return h, nil
}

func holdShowCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "show HOLD", Short: "Show a legal hold with its users and channels",
		Example: "  parley legal-hold show case-42", Args: cobra.ExactArgs(1)}
	asJSON := c.Flags().Bool("json", false, "print the hold as JSON")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		h, err := findHold(ctx, a, args[0])
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(cmd, h)
		}
		printHold(cmd, h)
		if h.Description != "" {
			out(cmd, "  %s", h.Description)
		}
		for _, id := range h.UserIDs {
			name := id
			if u, err := a.GetUser(ctx, session(), id); err == nil {
				name = u.Username + " (" + id + ")"
			}
			out(cmd, "  user %s", name)
		}
		for _, id := range h.ChannelIDs {
			name := id
			if ch, err := a.GetChannel(ctx, session(), id); err == nil {
				name = ch.Name + " (" + id + ")"
			}
			out(cmd, "  channel %s", name)
		}
		return nil
	})
	return c
}

func holdReleaseCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "release HOLD", Short: "Release (remove) a legal hold",
		Long:    "Release a legal hold: retention and erasure apply again to what it kept, unless another hold keeps it.",
		Example: "  parley legal-hold release case-42", Args: cobra.ExactArgs(1)}
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		h, err := findHold(ctx, a, args[0])
		if err != nil {
			return err
		}
		if err := a.ReleaseLegalHold(ctx, session(), h.ID); err != nil {
			return errors.New(msg(err))
		}
		out(cmd, "Released legal hold %s", h.Name)
		return nil
	})
	return c
}

func holdExportCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "export HOLD", Short: "Export what a legal hold keeps, as JSON lines",
		Long: `Export what a legal hold keeps as JSON lines: the hold, then each post it covers
(deleted ones included, oldest first) with its channel, author and file infos,
then a summary line ({"type":"summary","posts":N,"file_count":M}).`,
		Example: "  parley legal-hold export case-42 --output case-42.jsonl", Args: cobra.ExactArgs(1)}
	output := c.Flags().String("output", "-", "file to write (- for standard output)")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		h, err := findHold(ctx, a, args[0])
		if err != nil {
			return err
		}
		var w io.Writer = cmd.OutOrStdout()
		var f *os.File
		if *output != "-" {
			if f, err = os.OpenFile(*output, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600); err != nil {
				return err
			}
			w = f
		}
		n, err := a.ExportLegalHold(ctx, session(), h.ID, w)
		if f != nil {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			return errors.New(msg(err))
		}
		if f != nil {
			out(cmd, "Exported %d posts of legal hold %s to %s", n, h.Name, *output)
		}
		return nil
	})
	return c
}
