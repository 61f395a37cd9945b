package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/app"
)

// userMFAResetCmd turns MFA off for users who lost their authenticator, as
// mmctl user reset-mfa does; they log in with their password and may set it
// up again (they must, when enforce_mfa is on).
func userMFAResetCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:     "mfa-reset [users]",
		Aliases: []string{"reset-mfa"},
		Short:   "Turn off multi-factor authentication for users",
		Example: "  parley user mfa-reset ann@example.com",
		Args:    cobra.MinimumNArgs(1),
		RunE: env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
			users, err := findUsers(ctx, a, args)
			if err != nil {
				return err
			}
			for _, u := range users {
				if err := a.ResetMFA(ctx, session(), u.ID); err != nil {
					return errors.New("Unable to reset MFA of user " + u.Username + ". Error: " + msg(err))
				}
				out(cmd, "Multi-factor authentication of %s is reset", u.Username)
			}
			return nil
		}),
	}
}
