package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
)

func teamCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "team", Short: "Manage teams", Long: "Manage teams. A team is named by its name (any case) or id."}
	c.AddCommand(teamCreateCmd(env), teamDeleteCmd(env), teamArchiveCmd(env), teamRestoreCmd(env), teamListCmd(env),
		teamAddCmd(env), teamRemoveCmd(env), teamRenameCmd(env), teamSearchCmd(env))
	return c
}

func teamCreateCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "create",
		Short: "Create a team (with its town-square and off-topic channels)",
		Example: `  parley team create --name staff --display_name "Staff"
  parley team create --name board --display_name "Board" --private --email board@example.com`,
		Args: cobra.NoArgs,
	}
	name := c.Flags().String("name", "", "team name, used in URLs (required)")
	display := c.Flags().String("display_name", "", "display name (required)")
	private := c.Flags().Bool("private", false, "make the team invite-only")
	email := c.Flags().String("email", "", "administrator email of the team")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		switch {
		case *name == "":
			return errors.New("Name is required")
		case *display == "":
			return errors.New("Display Name is required")
		}
		t := &model.Team{Name: *name, DisplayName: *display, Email: *email, Type: model.TeamOpen, AllowOpenInvite: true}
		if *private {
			t.Type, t.AllowOpenInvite = model.TeamInvite, false
		}
		created, err := a.CreateTeam(ctx, session(), t)
		if err != nil {
			return errors.New("Team creation failed: " + msg(err))
		}
		out(cmd, "Created team '%s' (%s)", created.Name, created.ID)
		return nil
	})
	return c
}

func teamDeleteCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "delete [teams]",
		Short: "Permanently delete teams with all their channels, posts and memberships",
		Example: `  parley team delete old-team
  parley team delete old-team --confirm`,
		Args: cobra.MinimumNArgs(1),
	}
	c.Flags().Bool("confirm", false, "do not ask for confirmation")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		teams, err := findTeams(ctx, a, args)
		if err != nil {
			return err
		}
		if err := env.confirm(cmd, backupQuestion,
			"Are you sure you want to delete the teams specified?  All data will be permanently deleted? (YES/NO): "); err != nil {
			return err
		}
		return eachItem(cmd, teams, func(_ int, t *model.Team) error {
			if err := a.PermanentDeleteTeam(ctx, session(), t.ID); err != nil {
				return fmt.Errorf("Unable to delete team '%s' error: %s", t.Name, msg(err))
			}
			out(cmd, "Deleted team '%s'", t.Name)
			return nil
		})
	})
	return c
}

func teamArchiveCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:     "archive [teams]",
		Short:   "Archive teams (they can be restored)",
		Example: "  parley team archive old-team",
		Args:    cobra.MinimumNArgs(1),
		RunE: env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
			teams, err := findTeams(ctx, a, args)
			if err != nil {
				return err
			}
			return eachItem(cmd, teams, func(_ int, t *model.Team) error {
				if err := a.DeleteTeam(ctx, session(), t.ID, false); err != nil {
					return fmt.Errorf("Unable to archive team '%s' error: %s", t.Name, msg(err))
				}
				out(cmd, "Archived team '%s'", t.Name)
				return nil
			})
		}),
	}
}

func teamRestoreCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:     "restore [teams]",
		Short:   "Restore archived teams",
		Example: "  parley team restore old-team",
		Args:    cobra.MinimumNArgs(1),
		RunE: env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
			teams, err := findTeams(ctx, a, args)
			if err != nil {
				return err
			}
			return eachItem(cmd, teams, func(_ int, t *model.Team) error {
				if _, err := a.RestoreTeam(ctx, session(), t.ID); err != nil {
					return fmt.Errorf("Unable to restore team '%s' error: %s", t.Name, msg(err))
				}
				out(cmd, "Restored team '%s'", t.Name)
				return nil
			})
		}),
	}
}

func teamLine(t *model.Team) string {
	if t.DeleteAt > 0 {
		return t.Name + " (archived)"
	}
	return t.Name
}

func teamListCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:     "list",
		Short:   "List all teams, archived ones marked",
		Example: "  parley team list\n  parley team list --json",
		Args:    cobra.NoArgs,
	}
	asJSON := c.Flags().Bool("json", false, "print the teams as a JSON array")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		teams, err := a.AllTeams(ctx, session())
		if err != nil {
			return errors.New(msg(err))
		}
		if *asJSON {
			return printJSON(cmd, teams)
		}
		for _, t := range teams {
			out(cmd, "%s", teamLine(t))
		}
		return nil
	})
	return c
}

func teamMembersCmd(env *Env, add bool) *cobra.Command {
	use, short, example := "add [team] [users]", "Add users to a team", "  parley team add staff ann bob@example.com"
	if !add {
		use, short, example = "remove [team] [users]", "Remove users from a team and its channels", "  parley team remove staff ann"
	}
	return &cobra.Command{
		Use:     use,
		Short:   short,
		Example: example,
		Args:    cobra.MinimumNArgs(2),
		RunE: env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
			t, err := findTeam(ctx, a, args[0])
			if err != nil {
				return err
			}
			users, err := findUsers(ctx, a, args[1:])
			if err != nil {
				return err
			}
			return eachItem(cmd, users, func(i int, u *model.User) error {
				if add {
					if _, err := a.AddTeamMember(ctx, session(), t.ID, u.ID); err != nil {
						return fmt.Errorf("Unable to add '%s' to %s. Error: %s", args[i+1], t.Name, msg(err))
					}
					out(cmd, "Added '%s' to team '%s'", u.Username, t.Name)
					return nil
				}
				if err := a.RemoveTeamMember(ctx, session(), t.ID, u.ID); err != nil {
					return fmt.Errorf("Unable to remove '%s' from %s. Error: %s", args[i+1], t.Name, msg(err))
				}
				out(cmd, "Removed '%s' from team '%s'", u.Username, t.Name)
				return nil
			})
		}),
	}
}

func teamAddCmd(env *Env) *cobra.Command    { return teamMembersCmd(env, true) }
func teamRemoveCmd(env *Env) *cobra.Command { return teamMembersCmd(env, false) }

func teamRenameCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "rename [team] [new-name]",
		Short: "Rename a team (its URL name, and optionally its display name)",
		Example: `  parley team rename staff employees
  parley team rename staff staff --display_name "All Staff"`,
		Args: cobra.ExactArgs(2),
	}
	display := c.Flags().String("display_name", "", "new display name")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		t, err := findTeam(ctx, a, args[0])
		if err != nil {
			return err
		}
		renamed, err := a.RenameTeam(ctx, session(), t.ID, args[1], *display)
		if err != nil {
			return errors.New("Unable to rename team to '" + args[1] + "' error: " + msg(err))
		}
		out(cmd, "Renamed team '%s' to '%s' (%s)", t.Name, renamed.Name, renamed.DisplayName)
		return nil
	})
	return c
}

func teamSearchCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:     "search [terms]",
		Short:   "Find teams whose name or display name contains a term",
		Example: "  parley team search staff eng",
		Args:    cobra.MinimumNArgs(1),
	}
	asJSON := c.Flags().Bool("json", false, "print the teams as a JSON array")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		teams, err := a.AllTeams(ctx, session())
		if err != nil {
			return errors.New(msg(err))
		}
		found := []*model.Team{}
		for _, t := range teams {
			if slices.ContainsFunc(args, func(term string) bool {
				term = strings.ToLower(term)
				return strings.Contains(t.Name, term) || strings.Contains(strings.ToLower(t.DisplayName), term)
			}) {
				found = append(found, t)
			}
		}
		if *asJSON {
			return printJSON(cmd, found)
		}
		for _, t := range found {
			line := t.Name + ": " + t.DisplayName + " (" + t.ID + ")"
			if t.DeleteAt > 0 {
				line += " (archived)"
			}
			out(cmd, "%s", line)
		}
		return nil
	})
	return c
}

func rolesCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "roles", Short: "Grant or take away the system admin role"}
	for _, admin := range []bool{true, false} {
		use, short := "system_admin [users]", "Make users system admins"
		if !admin {
			use, short = "member [users]", "Take the system admin role away from users"
		}
		c.AddCommand(&cobra.Command{
			Use:     use,
			Short:   short,
			Example: "  parley roles " + strings.Fields(use)[0] + " ann",
			Args: func(cmd *cobra.Command, args []string) error {
				if len(args) == 0 {
					return errors.New("Enter at least one user.")
				}
				return nil
			},
			RunE: env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
				users, err := findUsers(ctx, a, args)
				if err != nil {
					return err
				}
				return eachItem(cmd, users, func(_ int, u *model.User) error {
					if err := a.SetSystemAdmin(ctx, session(), u.ID, admin); err != nil {
						return errors.New("Unable to update the roles of " + u.Username + ": " + msg(err))
					}
					if admin {
						out(cmd, "User '%s' is now a system admin", u.Username)
					} else {
						out(cmd, "User '%s' is no longer a system admin", u.Username)
					}
					return nil
				})
			}),
		})
	}
	return c
}
