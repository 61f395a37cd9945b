package cli

import (
	"context"
	"encoding/json"
	"errors"
	"os"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/app"
)

// userMigrateAuthCmd is mmctl's `user migrate-auth`, for the login methods
// Parley has: email → ldap (matching by email, username or id), email → saml
// (a file of SAML ids by email, or --auto) and back.
func userMigrateAuthCmd(env *Env) *cobra.Command {
	var force, dryRun, auto bool
	c := &cobra.Command{
		Use:   "migrate-auth [from_auth] [to_auth] [match_field]",
		Short: "Move users from one login method to another",
		Long: "Move users from one login method to another. email ldap FIELD makes every email/password account whose\n" +
			"FIELD (email, username or id) matches exactly one directory entry an LDAP account of that entry; while\n" +
			"an account has no such entry nothing changes, unless --force migrates the others. ldap email makes every\n" +
			"LDAP account an email account without a password: its owner sets one through \"Forgot password?\".\n" +
			"email saml FILE moves the accounts whose email is a key of the JSON file FILE ({\"ann@example.com\": \"<SAML id>\"})\n" +
			"to SAML with that id; email saml --auto moves every email account, its SAML id being its email. saml email\n" +
			"makes every SAML account an email account without a password.",
		Example: "  parley user migrate-auth email ldap email --dryRun\n  parley user migrate-auth email ldap username --force\n  parley user migrate-auth ldap email\n" +
			"  parley user migrate-auth email saml --auto --confirm\n  parley user migrate-auth email saml ids.json",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 || len(args) > 3 {
				return errors.New("Expected from_auth, to_auth and, from email to ldap, the match field (to saml, a file or --auto). See help text for details.")
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
			case from == "email" && to == "saml" && auto && len(args) == 2:
				if err := env.confirm(cmd, "You are about to perform an automatic \"email to saml\" migration. This must only be done if your current Parley emails and usernames match those of the identity provider exactly.\n"+
					"Do you want to proceed with automatic migration anyway? (YES/NO): "); err != nil {
					return err
				}
				plan, err = a.MigrateAuthToSaml(ctx, nil, true, dryRun)
			case from == "email" && to == "saml" && !auto && len(args) == 3:
				ids := map[string]string{}
				raw, rerr := os.ReadFile(args[2])
				if rerr == nil {
					rerr = json.Unmarshal(raw, &ids)
				}
				if rerr != nil {
					return errors.New("Unable to read the users file " + args[2] + ": " + rerr.Error())
				}
				plan, err = a.MigrateAuthToSaml(ctx, ids, false, dryRun)
			case from == "saml" && to == "email" && len(args) == 2:
				plan, err = a.MigrateAuthToEmail(ctx, app.AuthServiceSAML, dryRun)
			default:
				return errors.New("Parley migrates email to ldap or saml and back (to saml: a users file, or --auto); " + from + " to " + to + " is not supported.")
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
	c.Flags().BoolVar(&auto, "auto", false, "email to saml: every email account, its SAML id being its email")
	c.Flags().Bool("confirm", false, "do not ask for confirmation (--auto)")
	return c
}
