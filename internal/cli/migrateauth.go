package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/app"
)

// userMigrateAuthCmd is mmctl's `user migrate-auth`, for the login methods
// Parley has: email → ldap (matching by email, username or id) and back.
func userMigrateAuthCmd(env *Env) *cobra.Command {
	var force, dryRun bool
	c := &cobra.Command{
		Use:   "migrate-auth [from_auth] [to_auth] [match_field]",
		Short: "Move users from one login method to another",
		Long: "Move users from one login method to another. email ldap FIELD makes every email/password account whose\n" +
			"FIELD (email, username or id) matches exactly one directory entry an LDAP account of that entry; while\n" +
			"an account has no such entry nothing changes, unless --force migrates the others. ldap email makes every\n" +
			"LDAP account an email account without a password: its owner sets one through \"Forgot password?\".",
		Example: "  parley user migrate-auth email ldap email --dryRun\n  parley user migrate-auth email ldap username --force\n  parley user migrate-auth ldap email",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 || len(args) > 3 {
				return errors.New("Expected from_auth, to_auth and, from email to ldap, the match field. See help text for details.")
			}
			return nil
		},
		RunE: env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
			var plan []app.AuthMigration
			var err error
			switch from, to := args[0], args[1]; {
			case from == "email" && to == "ldap":
				if len(args) != 3 {
					return errors.New("From email to ldap needs the match field: email, username or id.")
				}
				plan, err = a.MigrateAuthToLdap(ctx, args[2], force, dryRun)
			case from == "ldap" && to == "email" && len(args) == 2:
				plan, err = a.MigrateAuthToEmail(ctx, app.AuthServiceLDAP, dryRun)
			default:
				return errors.New("Parley migrates email to ldap and ldap to email; " + from + " to " + to + " is not supported.")
			}
			if err != nil {
				return errors.New("Unable to migrate. Error: " + msg(err))
			}
			problems := 0
			for _, m := range plan {
				if m.Problem != "" {
					problems++
					warn(cmd, "%s: %s", m.Username, m.Problem)
				}
			}
			done := len(plan) - problems
			switch {
			case dryRun:
				out(cmd, "Dry run: %d users would be migrated from %s to %s, %d could not be", done, args[0], args[1], problems)
			case problems > 0 && !force && args[1] == "ldap":
				return errors.New("No user was migrated: fix the accounts above or run again with --force")
			default:
				out(cmd, "Migrated %d users from %s to %s", done, args[0], args[1])
			}
			if problems > 0 && !dryRun {
				return errItems(problems)
			}
			return nil
		}),
	}
	c.Flags().BoolVar(&force, "force", false, "migrate the users that can be even when others cannot")
	c.Flags().BoolVar(&dryRun, "dryRun", false, "report what would change and change nothing")
	return c
}
