package cli

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/app"
)

// userMigrateAuthCmd is mmctl's `user migrate-auth`, for the login methods
// Parley has: email → ldap (matching by email, username or id), email or
// ldap → saml (a file of SAML ids by email, or --auto), and each of them,
// OpenID Connect's included, back to email.
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
			"makes every SAML account an email account without a password. ldap saml FILE|--auto moves LDAP accounts to SAML\n" +
			"the same way. openid, gitlab, google or office365 email makes those OpenID Connect accounts email accounts\n" +
			"without a password; the other way needs no command: a first OpenID sign-in whose provider says the email is\n" +
			"verified takes over the email account of that address.",
		Example: "  parley user migrate-auth email ldap email --dryRun\n  parley user migrate-auth email ldap username --force\n  parley user migrate-auth ldap email\n" +
			"  parley user migrate-auth email saml --auto --confirm\n  parley user migrate-auth email saml ids.json\n  parley user migrate-auth ldap saml --auto --confirm\n" +
			"  parley user migrate-auth gitlab email",
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
			case (from == "email" || from == "ldap") && to == "saml" && auto && len(args) == 2:
				if err := env.confirm(cmd, "You are about to perform an automatic \""+from+" to saml\" migration. This must only be done if your current Parley emails and usernames match those of the identity provider exactly.\n"+
					"Do you want to proceed with automatic migration anyway? (YES/NO): "); err != nil {
					return err
				}
				plan, err = a.MigrateAuthToSaml(ctx, authOf(from), nil, true, dryRun)
			case (from == "email" || from == "ldap") && to == "saml" && !auto && len(args) == 3:
				ids := map[string]string{}
				raw, rerr := os.ReadFile(args[2])
				if rerr == nil {
					rerr = json.Unmarshal(raw, &ids)
				}
				if rerr != nil {
					return errors.New("Unable to read the users file " + args[2] + ": " + rerr.Error())
				}
				plan, err = a.MigrateAuthToSaml(ctx, authOf(from), ids, false, dryRun)
			case slices.Contains([]string{"saml", "openid", "gitlab", "google", "office365"}, from) && to == "email" && len(args) == 2:
				plan, err = a.MigrateAuthToEmail(ctx, from, dryRun)
			default:
				return errors.New("Parley migrates email to ldap, email or ldap to saml (a users file, or --auto), and ldap, saml, openid, gitlab, google or office365 to email; " + from + " to " + to + " is not supported.")
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

// authOf is the auth_service of a migrate-auth method name: email is none.
func authOf(method string) string {
	if method == "email" {
		return ""
	}
	return method
}
