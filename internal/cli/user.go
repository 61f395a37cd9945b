package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func userCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "user", Short: "Manage users",
		Long: "Manage users. A user is named by email, username or id."}
	c.AddCommand(userCreateCmd(env), userActivateCmd(env, true), userActivateCmd(env, false), userDeleteCmd(env),
		userPasswordCmd(env), userEmailCmd(env), userUsernameCmd(env), userSearchCmd(env), userListCmd(env),
		userConvertToBotCmd(env), userExportCmd(env), userOffboardCmd(env), userMFAResetCmd(env), userMigrateAuthCmd(env))
	return c
}

func printUser(cmd *cobra.Command, u *model.User) {
	out(cmd, "id: %s\nusername: %s\nnickname: %s\nposition: %s\nfirst_name: %s\nlast_name: %s\nemail: %s\nauth_service: %s",
		u.ID, u.Username, u.Nickname, u.Position, u.FirstName, u.LastName, u.Email, u.AuthService)
}

func userCreateCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "create",
		Short: "Create a user",
		Example: `  parley user create --email ann@example.com --username ann --password 'Passw0rd!'
  parley user create --email root@example.com --username root --password 'Passw0rd!' --system_admin`,
		Args: cobra.NoArgs,
	}
	f := c.Flags()
	username := f.String("username", "", "username (required)")
	email := f.String("email", "", "email address (required)")
	password := f.String("password", "", "password (required)")
	nickname := f.String("nickname", "", "nickname")
	first := f.String("firstname", "", "first name")
	last := f.String("lastname", "", "last name")
	locale := f.String("locale", "", "locale, e.g. en")
	admin := f.Bool("system_admin", false, "make the user a system admin")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		switch {
		case *username == "":
			return errors.New("Username is required")
		case *email == "":
			return errors.New("Email is required")
		case *password == "":
			return errors.New("Password is required")
		}
		u, err := a.CreateUser(ctx, session(), &model.User{Username: *username, Email: *email, Password: *password,
			Nickname: *nickname, FirstName: *first, LastName: *last, Locale: *locale}, "")
		if err != nil {
			return errors.New("Unable to create user. Error: " + msg(err))
		}
		// Unlike sign-up, where the first account becomes admin, the command line
		// gives exactly the roles asked for.
		if *admin != u.IsSystemAdmin() {
			if err := a.SetSystemAdmin(ctx, session(), u.ID, *admin); err != nil {
				return errors.New("Unable to set the roles of the new user. Error: " + msg(err))
			}
		}
		printUser(cmd, u)
		return nil
	})
	return c
}

func userActivateCmd(env *Env, active bool) *cobra.Command {
	use, short, verb := "activate [users]", "Activate users", "activate"
	if !active {
		use, short, verb = "deactivate [users]", "Deactivate users (they are logged out of every session)", "deactivate"
	}
	return &cobra.Command{
		Use:     use,
		Short:   short,
		Example: "  parley user " + verb + " ann bob@example.com",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return errors.New("Expected at least one argument. See help text for details.")
			}
			return nil
		},
		RunE: env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
			users, err := findUsers(ctx, a, args)
			if err != nil {
				return err
			}
			return eachItem(cmd, users, func(i int, u *model.User) error {
				if err := a.SetUserActive(ctx, session(), u.ID, active); err != nil {
					return fmt.Errorf("Unable to change activation status of user: %s (%s)", args[i], msg(err))
				}
				out(cmd, "%sd user '%s'", strings.ToUpper(verb[:1])+verb[1:], u.Username)
				return nil
			})
		}),
	}
}

func userDeleteCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "delete [users]",
		Short: "Permanently delete users and everything they made (GDPR erasure)",
		Long: `Permanently delete users: the account, its posts, reactions, files, sessions,
access tokens, preferences and memberships, each user in one transaction.

With --anonymize the user's posts stay so that others' threads keep their
context, but their text is cleared and their author becomes a placeholder
account ("deleted-user"). Asks for confirmation unless --confirm is given.`,
		Example: `  parley user delete ann
  parley user delete ann@example.com --anonymize --confirm`,
		Args: cobra.MinimumNArgs(1),
	}
	c.Flags().Bool("confirm", false, "do not ask for confirmation")
	anonymize := c.Flags().Bool("anonymize", false, "keep the user's posts, emptied and attributed to a placeholder")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		users, err := findUsers(ctx, a, args)
		if err != nil {
			return err
		}
		if err := env.confirm(cmd, backupQuestion,
			"Are you sure you want to permanently delete the specified users? (YES/NO): "); err != nil {
			return err
		}
		return eachItem(cmd, users, func(_ int, u *model.User) error {
			if err := a.PermanentDeleteUser(ctx, session(), u.ID, *anonymize); err != nil {
				return fmt.Errorf("Unable to delete user '%s' error: %s", u.Username, msg(err))
			}
			out(cmd, "Deleted user '%s'", u.Username)
			return nil
		})
	})
	return c
}

func userPasswordCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:     "password [user] [password]",
		Short:   "Set a user's password",
		Example: "  parley user password ann 'N3w-passw0rd'",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return errors.New("Expected two arguments. See help text for details.")
			}
			return nil
		},
		RunE: env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
			u, err := findUser(ctx, a, args[0])
			if err != nil {
				return err
			}
			if err := a.UpdatePassword(ctx, session(), u.ID, "", args[1]); err != nil {
				return errors.New("Unable to update password. Error: " + msg(err))
			}
			out(cmd, "Changed the password of '%s'", u.Username)
			return nil
		}),
	}
}

func userEmailCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:     "email [user] [new-email]",
		Short:   "Change a user's email address",
		Example: "  parley user email ann ann@new.example.com",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return errors.New("Expected two arguments. See help text for details.")
			}
			return nil
		},
		RunE: env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
			u, err := findUser(ctx, a, args[0])
			if err != nil {
				return err
			}
			if !model.IsValidEmail(strings.ToLower(args[1])) {
				return errors.New("Invalid email: '" + args[1] + "'")
			}
			if _, err := a.PatchUser(ctx, session(), u.ID, &model.UserPatch{Email: &args[1]}); err != nil {
				return errors.New("Unable to update email. Error: " + msg(err))
			}
			out(cmd, "Changed the email of '%s' to %s", u.Username, args[1])
			return nil
		}),
	}
}

func userUsernameCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:     "username [user] [new-username]",
		Short:   "Change a user's username",
		Example: "  parley user username ann annie",
		Args:    cobra.ExactArgs(2),
		RunE: env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
			u, err := findUser(ctx, a, args[0])
			if err != nil {
				return err
			}
			if _, err := a.PatchUser(ctx, session(), u.ID, &model.UserPatch{Username: &args[1]}); err != nil {
				return errors.New("Unable to update username. Error: " + msg(err))
			}
			out(cmd, "Changed the username of '%s' to '%s'", u.Username, args[1])
			return nil
		}),
	}
}

func userSearchCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:     "search [users]",
		Short:   "Show users by email, username or id",
		Example: "  parley user search ann bob@example.com",
		Args:    cobra.MinimumNArgs(1),
	}
	asJSON := c.Flags().Bool("json", false, "print the users as a JSON array")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		users, err := findUsers(ctx, a, args)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(cmd, users)
		}
		for i, u := range users {
			if i > 0 {
				out(cmd, "------------------------------")
			}
			printUser(cmd, u)
		}
		return nil
	})
	return c
}

func userListCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "list",
		Short: "List users",
		Example: `  parley user list
  parley user list --team staff --page 2 --per-page 50
  parley user list --all --json`,
		Args: cobra.NoArgs,
	}
	team := c.Flags().String("team", "", "only members of this team")
	pageN := c.Flags().Int("page", 0, "page to show, from 0")
	perPage := c.Flags().Int("per-page", 200, "users per page")
	all := c.Flags().Bool("all", false, "show every user (ignores --page and --per-page)")
	asJSON := c.Flags().Bool("json", false, "print the users as a JSON array")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		if *perPage < 1 || *pageN < 0 {
			return errors.New("--page must be 0 or more and --per-page at least 1")
		}
		f := store.UserFilter{}
		if *team != "" {
			t, err := findTeam(ctx, a, *team)
			if err != nil {
				return err
			}
			f.InTeam = t.ID
		}
		var users []*model.User
		for p := *pageN; ; p++ {
			batch, err := a.ListUsers(ctx, session(), f, p, *perPage)
			if err != nil {
				return errors.New(msg(err))
			}
			users = append(users, batch...)
			if !*all || len(batch) < *perPage {
				break
			}
		}
		if *asJSON {
			if users == nil {
				users = []*model.User{}
			}
			return printJSON(cmd, users)
		}
		for _, u := range users {
			line := u.ID + ": " + u.Username + " (" + u.Email + ")"
			if u.DeleteAt > 0 {
				line += " (deactivated)"
			}
			out(cmd, "%s", line)
		}
		return nil
	})
	return c
}

func userConvertToBotCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:     "convert-to-bot [users]",
		Short:   "Turn user accounts into bots",
		Example: "  parley user convert-to-bot ci-user",
		Args:    cobra.MinimumNArgs(1),
		RunE: env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
			users, err := findUsers(ctx, a, args)
			if err != nil {
				return err
			}
			for _, u := range users {
				if _, err := a.ConvertUserToBot(ctx, session(), u.ID); err != nil {
					return errors.New("Unable to convert user " + u.Username + " to bot. Error: " + msg(err))
				}
				out(cmd, "User %s is converted to bot successfully", u.ID)
			}
			return nil
		}),
	}
}

func userExportCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "export [user] --out FILE.zip",
		Short: "Export everything held about a user (GDPR subject access)",
		Long: `Write a zip with everything Parley holds about one person: profile, sessions,
access tokens, team and channel memberships, every post and reaction they made,
preferences and audit log entries. export.json is for machines; summary.md is a
readable summary.`,
		Example: "  parley user export ann --out ann.zip",
		Args:    cobra.ExactArgs(1),
	}
	path := c.Flags().String("out", "", "zip file to write (required)")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		if *path == "" {
			return errors.New("--out FILE.zip is required")
		}
		u, err := findUser(ctx, a, args[0])
		if err != nil {
			return err
		}
		e, err := a.ExportUser(ctx, session(), u.ID)
		if err != nil {
			return errors.New("Unable to export user. Error: " + msg(err))
		}
		f, err := os.OpenFile(*path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		// An existing file keeps its mode through O_TRUNC; personal data must
		// not stay readable by others because the file was there before.
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			return err
		}
		if err := e.WriteZip(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		out(cmd, "Exported user '%s' to %s", u.Username, *path)
		return nil
	})
	return c
}

func userOffboardCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "offboard [users]",
		Short: "Deactivate users, revoke their sessions and tokens, and remove them from all teams and channels",
		Long: `Offboard users in one step: deactivate the account, revoke every session and
personal access token, and remove it from every team and team channel. Direct
and group messages stay readable to the other people in them.`,
		Example: "  parley user offboard ann bob@example.com",
		Args:    cobra.MinimumNArgs(1),
		RunE: env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
			users, err := findUsers(ctx, a, args)
			if err != nil {
				return err
			}
			for _, u := range users {
				report, err := a.OffboardUser(ctx, session(), u.ID)
				if err != nil {
					return errors.New("Unable to offboard user " + u.Username + ". Error: " + msg(err))
				}
				out(cmd, "Offboarded user '%s'", u.Username)
				for _, i := range report.DisabledIntegrations {
					name := i.DisplayName
					if i.Trigger != "" {
						name = strings.TrimSpace("/" + i.Trigger + " " + name)
					}
					out(cmd, "  disabled %s %s '%s' (team %s)", strings.ReplaceAll(i.Kind, "_", " "), i.ID, name, i.TeamID)
				}
			}
			return nil
		}),
	}
}
