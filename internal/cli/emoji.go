package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
)

func emojiCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "emoji", Short: "Manage custom emoji",
		Long: "Manage custom emoji. Names are 1 to 64 lowercase letters, digits, '_', '-' or '+', and not a standard emoji's name."}
	c.AddCommand(emojiAddCmd(env), emojiListCmd(env), emojiDeleteCmd(env))
	return c
}

func emojiAddCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:     "add NAME FILE",
		Short:   "Add a custom emoji from a GIF, PNG or JPEG image (at most 1 MB; scaled to 128 px, animation kept)",
		Example: "  parley emoji add party_parrot parrot.gif",
		Args:    cobra.ExactArgs(2),
		RunE: env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
			f, err := os.Open(args[1])
			if err != nil {
				return err
			}
			defer f.Close()
			img, err := io.ReadAll(io.LimitReader(f, app.MaxEmojiBytes+1))
			if err != nil {
				return err
			}
			e, err := a.CreateEmoji(ctx, session(), &model.Emoji{Name: args[0]}, img)
			if err != nil {
				return errors.New("Unable to add emoji '" + args[0] + "': " + msg(err))
			}
			out(cmd, "Added emoji '%s' (%s)", e.Name, e.ID)
			return nil
		}),
	}
}

func emojiListCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:     "list",
		Short:   "List custom emoji by name",
		Example: "  parley emoji list\n  parley emoji list --json",
		Args:    cobra.NoArgs,
	}
	asJSON := c.Flags().Bool("json", false, "print the emoji as a JSON array")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		all := []*model.Emoji{}
		for page := 0; ; page++ {
			es, err := a.ListEmoji(ctx, page, 200, true)
			if err != nil {
				return errors.New(msg(err))
			}
			all = append(all, es...)
			if len(es) < 200 {
				break
			}
		}
		if *asJSON {
			return printJSON(cmd, all)
		}
		for _, e := range all {
			out(cmd, "%s", emojiLine(e))
		}
		return nil
	})
	return c
}

func emojiLine(e *model.Emoji) string {
	return fmt.Sprintf("%s (id %s)", e.Name, e.ID)
}

func emojiDeleteCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:     "delete NAME...",
		Short:   "Delete custom emoji and their images",
		Example: "  parley emoji delete party_parrot\n  parley emoji delete old_logo --confirm",
		Args:    cobra.MinimumNArgs(1),
	}
	c.Flags().Bool("confirm", false, "do not ask for confirmation")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		emojis := make([]*model.Emoji, 0, len(args))
		for _, name := range args {
			e, err := a.GetEmojiByName(ctx, name)
			if err != nil {
				return errors.New("Unable to find emoji '" + name + "': " + msg(err))
			}
			emojis = append(emojis, e)
		}
		if err := env.confirm(cmd, "Are you sure you want to delete the emoji specified? (YES/NO): "); err != nil {
			return err
		}
		return eachItem(cmd, emojis, func(_ int, e *model.Emoji) error {
			if err := a.DeleteEmoji(ctx, session(), e.ID); err != nil {
				return fmt.Errorf("Unable to delete emoji '%s' error: %s", e.Name, msg(err))
			}
			out(cmd, "Deleted emoji '%s'", e.Name)
			return nil
		})
	})
	return c
}
