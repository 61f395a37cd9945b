package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
)

func channelCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "channel", Short: "Manage channels",
		Long: "Manage channels. A channel is named team:channel (team name or id, channel name, matched without regard to case) or by its id."}
	c.AddCommand(channelListCmd(env), channelCreateCmd(env), channelArchiveCmd(env), channelRestoreCmd(env),
		channelDeleteCmd(env), channelRenameCmd(env), channelMoveCmd(env), channelAddCmd(env), channelRemoveCmd(env),
		channelSearchCmd(env), channelModifyCmd(env), channelMakePrivateCmd(env))
	return c
}

// channelLine is a channel as `channel list` prints it.
func channelLine(ch *model.Channel) string {
	line := ch.Name
	if ch.DeleteAt > 0 {
		line += " (archived)"
	}
	if ch.Type == model.ChannelPrivate {
		line += " (private)"
	}
	return line
}

func printJSON(cmd *cobra.Command, v any) error {
	enc := json.NewEncoder(cmd.OutOrStdout())
	enc.SetIndent("", "    ")
	return enc.Encode(v)
}

func channelListCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "list [teams]",
		Short: "List all channels of the given teams",
		Long:  "Print one channel name per line: public, private and archived channels of each team (not direct or group messages), marked (archived) and (private).",
		Example: `  parley channel list Staff
  parley channel list staff engineering --json`,
		Args: cobra.MinimumNArgs(1),
	}
	asJSON := c.Flags().Bool("json", false, "print the channels as a JSON array")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		teams, err := findTeams(ctx, a, args)
		if err != nil {
			return err
		}
		all := []*model.Channel{}
		for _, t := range teams {
			chans, err := a.AllTeamChannels(ctx, session(), t.ID)
			if err != nil {
				return errors.New(msg(err))
			}
			if !*asJSON {
				for _, ch := range chans {
					out(cmd, "%s", channelLine(ch))
				}
			}
			all = append(all, chans...)
		}
		if *asJSON {
			return printJSON(cmd, all)
		}
		return nil
	})
	return c
}

func channelCreateCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "create",
		Short: "Create a channel",
		Example: `  parley channel create --team staff --name releases --display_name "Releases"
  parley channel create --team staff --name hr --display_name "HR" --private`,
		Args: cobra.NoArgs,
	}
	f := c.Flags()
	team := f.String("team", "", "team name or id (required)")
	name := f.String("name", "", "channel name, e.g. releases (required)")
	display := f.String("display_name", "", "display name (required)")
	header := f.String("header", "", "channel header")
	purpose := f.String("purpose", "", "channel purpose")
	private := f.Bool("private", false, "create a private channel")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		switch {
		case *name == "":
			return errors.New("Name is required")
		case *display == "":
			return errors.New("Display Name is required")
		case *team == "":
			return errors.New("Team is required")
		}
		t, err := findTeam(ctx, a, *team)
		if err != nil {
			return errors.New("Unable to find team: " + *team)
		}
		typ := model.ChannelOpen
		if *private {
			typ = model.ChannelPrivate
		}
		ch, err := a.CreateChannel(ctx, session(), &model.Channel{TeamID: t.ID, Name: *name, DisplayName: *display,
			Header: *header, Purpose: *purpose, Type: typ})
		if err != nil {
			return errors.New("Unable to create channel. Error: " + msg(err))
		}
		out(cmd, "Id: %s\nName: %s\nDisplay Name: %s", ch.ID, ch.Name, ch.DisplayName)
		return nil
	})
	return c
}

func channelArchiveCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:     "archive [channels]",
		Short:   "Archive channels (they stay readable and can be restored)",
		Example: "  parley channel archive staff:old-stuff 4xp9fdt77pncbef59f4k1qe83o",
		Args:    cobra.MinimumNArgs(1),
	}
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		chans, err := findChannels(ctx, a, args)
		if err != nil {
			return err
		}
		return eachItem(cmd, chans, func(_ int, ch *model.Channel) error {
			if err := a.ArchiveChannel(ctx, session(), ch.ID, false); err != nil {
				return fmt.Errorf("Unable to archive channel '%s' error: %s", ch.Name, msg(err))
			}
			out(cmd, "Archived channel '%s'", ch.Name)
			return nil
		})
	})
	return c
}

func channelRestoreCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:     "restore [channels]",
		Aliases: []string{"unarchive"},
		Short:   "Restore archived channels",
		Example: "  parley channel restore staff:old-stuff",
		Args:    cobra.MinimumNArgs(1),
	}
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		chans, err := findChannels(ctx, a, args)
		if err != nil {
			return err
		}
		if err := eachItem(cmd, chans, func(_ int, ch *model.Channel) error {
			if _, err := a.RestoreChannel(ctx, session(), ch.ID); err != nil {
				return fmt.Errorf("Unable to restore channel '%s' error: %s", ch.Name, msg(err))
			}
			return nil
		}); err != nil {
			return err
		}
		if len(chans) > 1 {
			out(cmd, "Successfully restored channels")
		} else {
			out(cmd, "Successfully restored channel")
		}
		return nil
	})
	return c
}

func channelDeleteCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "delete [channels]",
		Short: "Permanently delete channels with their posts, reactions, files, memberships and preferences",
		Long: `Permanently delete channels: the channel, its posts, their reactions and files,
its memberships and the preferences that refer to it. This cannot be undone; it
asks for confirmation unless --confirm is given.`,
		Example: `  parley channel delete Staff:old-project
  parley channel delete staff:old-project staff:tmp --confirm`,
		Args: cobra.MinimumNArgs(1),
	}
	c.Flags().Bool("confirm", false, "do not ask for confirmation")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		chans, err := findChannels(ctx, a, args)
		if err != nil {
			return err
		}
		if err := env.confirm(cmd, "Are you sure you want to delete the channels specified?  All data will be permanently deleted? (YES/NO): "); err != nil {
			return err
		}
		return eachItem(cmd, chans, func(_ int, ch *model.Channel) error {
			if err := a.PermanentDeleteChannel(ctx, session(), ch.ID); err != nil {
				return fmt.Errorf("Unable to delete channel '%s' error: %s", ch.Name, msg(err))
			}
			out(cmd, "Deleted channel '%s'", ch.Name)
			return nil
		})
	})
	return c
}

func channelRenameCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "rename [channel] [new-name]",
		Short: "Rename a channel (its URL name, and optionally its display name)",
		Example: `  parley channel rename staff:old-name new-name
  parley channel rename staff:old-name new-name --display_name "New Name"`,
		Args: cobra.ExactArgs(2),
	}
	display := c.Flags().String("display_name", "", "new display name")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		ch, err := findChannel(ctx, a, args[0])
		if err != nil {
			return err
		}
		p := &model.ChannelPatch{Name: &args[1]}
		if *display != "" {
			p.DisplayName = display
		}
		if _, err := a.PatchChannel(ctx, session(), ch.ID, p); err != nil {
			return errors.New("Error in updating channel from " + ch.Name + " to " + args[1] + ": " + msg(err))
		}
		out(cmd, "Renamed channel '%s' to '%s'", ch.Name, args[1])
		return nil
	})
	return c
}

func channelMoveCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "move [team] [channels]",
		Short: "Move channels to another team",
		Long: `Move channels to another team. Every active member must belong to the
destination team; --force removes those who do not. Deactivated members are removed.`,
		Example: "  parley channel move engineering staff:releases staff:deploys",
		Args:    cobra.MinimumNArgs(2),
	}
	c.Flags().String("username", "", "accepted for compatibility with older scripts")
	force := c.Flags().Bool("force", false, "remove members who are not in the destination team")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		t, err := findTeam(ctx, a, args[0])
		if err != nil {
			return errors.New("Unable to find destination team '" + args[0] + "'")
		}
		chans, err := findChannels(ctx, a, args[1:])
		if err != nil {
			return err
		}
		return eachItem(cmd, chans, func(_ int, ch *model.Channel) error {
			from := ch.TeamID
			if _, err := a.MoveChannel(ctx, session(), ch.ID, t.ID, *force); err != nil {
				return fmt.Errorf("Unable to move channel '%s' error: %s", ch.Name, msg(err))
			}
			out(cmd, "Moved channel '%s' to %s(%s) from %s.", ch.Name, t.Name, t.ID, from)
			return nil
		})
	})
	return c
}

func channelAddCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:     "add [channel] [users]",
		Short:   "Add users to a channel (they must be members of its team)",
		Example: "  parley channel add staff:releases ann bob@example.com",
		Args:    cobra.MinimumNArgs(2),
	}
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		ch, err := findChannel(ctx, a, args[0])
		if err != nil {
			return err
		}
		users, err := findUsers(ctx, a, args[1:])
		if err != nil {
			return err
		}
		return eachItem(cmd, users, func(i int, u *model.User) error {
			if _, err := a.AddChannelMember(ctx, session(), ch.ID, u.ID); err != nil {
				return fmt.Errorf("Unable to add '%s' to %s. Error: %s", args[i+1], ch.Name, msg(err))
			}
			out(cmd, "Added '%s' to channel '%s'", u.Username, ch.Name)
			return nil
		})
	})
	return c
}

func channelRemoveCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "remove [channel] [users]",
		Short: "Remove users from a channel",
		Example: `  parley channel remove staff:releases ann bob@example.com
  parley channel remove staff:releases --all-users`,
		Args: cobra.MinimumNArgs(1),
	}
	all := c.Flags().Bool("all-users", false, "remove every member")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		if *all && len(args) > 1 {
			return errors.New("individual users must not be specified in conjunction with the --all-users flag")
		}
		if !*all && len(args) < 2 {
			return errors.New("you must specify some users to remove from the channel, or use the --all-users flag to remove them all")
		}
		ch, err := findChannel(ctx, a, args[0])
		if err != nil {
			return err
		}
		if *all {
			if err := a.RemoveAllChannelMembers(ctx, session(), ch.ID); err != nil {
				return errors.New("Unable to remove all users from " + ch.Name + ". Error: " + msg(err))
			}
			out(cmd, "Removed all members from channel '%s'", ch.Name)
			return nil
		}
		users, err := findUsers(ctx, a, args[1:])
		if err != nil {
			return err
		}
		return eachItem(cmd, users, func(i int, u *model.User) error {
			if err := a.RemoveChannelMember(ctx, session(), ch.ID, u.ID); err != nil {
				return fmt.Errorf("Unable to remove '%s' from %s. Error: %s", args[i+1], ch.Name, msg(err))
			}
			out(cmd, "Removed '%s' from channel '%s'", u.Username, ch.Name)
			return nil
		})
	})
	return c
}

func channelSearchCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "search [channel-name]",
		Short: "Find a channel by name, in one team or in all",
		Example: `  parley channel search releases
  parley channel search releases --team staff`,
		Args: cobra.ExactArgs(1),
	}
	team := c.Flags().String("team", "", "team name or id to search in")
	asJSON := c.Flags().Bool("json", false, "print the channel as JSON")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		name := strings.ToLower(args[0])
		var teams []*model.Team
		if *team != "" {
			t, err := findTeam(ctx, a, *team)
			if err != nil {
				return err
			}
			teams = []*model.Team{t}
		} else {
			all, err := a.AllTeams(ctx, session())
			if err != nil {
				return errors.New(msg(err))
			}
			teams = all
		}
		for _, t := range teams {
			ch, err := a.GetChannelByName(ctx, session(), t.ID, name, true)
			if err != nil {
				continue
			}
			if *asJSON {
				return printJSON(cmd, ch)
			}
			line := "Channel Name: " + ch.Name + ", Display Name: " + ch.DisplayName + ", Channel ID: " + ch.ID
			if ch.DeleteAt > 0 {
				line += " (archived)"
			}
			if ch.Type == model.ChannelPrivate {
				line += " (private)"
			}
			out(cmd, "%s", line)
			return nil
		}
		if *team != "" {
			out(cmd, "Channel %s is not found in team %s", args[0], *team)
		} else {
			out(cmd, "Channel %s is not found in any team", args[0])
		}
		return nil
	})
	return c
}

func channelModifyCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "modify [channel]",
		Short: "Make a channel public or private",
		Example: `  parley channel modify staff:releases --private
  parley channel modify staff:releases --public`,
		Args: cobra.ExactArgs(1),
	}
	private := c.Flags().Bool("private", false, "make the channel private")
	public := c.Flags().Bool("public", false, "make the channel public")
	c.Flags().String("username", "", "accepted for compatibility with older scripts")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		if *private == *public {
			return errors.New("You must specify only one of --public or --private")
		}
		typ := model.ChannelOpen
		if *private {
			typ = model.ChannelPrivate
		}
		return setPrivacy(ctx, cmd, a, args[0], typ)
	})
	return c
}

func channelMakePrivateCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:     "make-private [channel]",
		Short:   "Make a public channel private (same as modify --private)",
		Example: "  parley channel make-private staff:releases",
		Args:    cobra.ExactArgs(1),
		RunE: env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
			return setPrivacy(ctx, cmd, a, args[0], model.ChannelPrivate)
		}),
	}
}

func setPrivacy(ctx context.Context, cmd *cobra.Command, a *app.App, arg, typ string) error {
	ch, err := findChannel(ctx, a, arg)
	if err != nil {
		return err
	}
	if ch.Type != model.ChannelOpen && ch.Type != model.ChannelPrivate {
		return errors.New("You can only change the type of public/private channels.")
	}
	if _, err := a.SetChannelPrivacy(ctx, session(), ch.ID, typ); err != nil {
		return errors.New("Failed to update channel ('" + arg + "') privacy: " + msg(err))
	}
	if typ == model.ChannelPrivate {
		out(cmd, "Channel '%s' is now private", ch.Name)
	} else {
		out(cmd, "Channel '%s' is now public", ch.Name)
	}
	return nil
}
