package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/bulkio"
)

func sampledataCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "sampledata",
		Short: "Fill the database with a realistic demo data set",
		Long: `Generate a demo data set, reproducible from its seed: the sample accounts
(sysadmin / Sys@dmin-sample1, user-1 / SampleUs@r-1, other users SampleUs@r-<n>,
every 5th user a system admin), teams, public and private channels,
memberships, direct and group messages, and posts with threads. Posts are
inserted in large batches, so a million posts for benchmarks take minutes.`,
		Example: `  parley sampledata
  parley sampledata --users 100 --teams 4 --channels-per-team 20 --posts-per-channel 1000
  parley sampledata --teams 2 --channels-per-team 10 --posts-per-channel 50000   # a million posts`,
		Args: cobra.NoArgs,
	}
	f := c.Flags()
	var sp bulkio.SampleSpec
	f.Int64VarP(&sp.Seed, "seed", "s", 1, "random seed")
	f.IntVarP(&sp.Teams, "teams", "t", 2, "teams")
	f.IntVar(&sp.ChannelsPerTeam, "channels-per-team", 10, "channels per team, besides town-square and off-topic")
	f.IntVarP(&sp.Users, "users", "u", 15, "active users")
	f.IntVar(&sp.DeactivatedUsers, "deactivated-users", 0, "deactivated users")
	f.IntVar(&sp.TeamMemberships, "team-memberships", 2, "teams each user joins")
	f.IntVar(&sp.ChannelMemberships, "channel-memberships", 5, "channels each user joins per team, besides the default ones")
	f.IntVar(&sp.PostsPerChannel, "posts-per-channel", 100, "posts per team channel")
	f.IntVar(&sp.DirectChannels, "direct-channels", 30, "direct message channels")
	f.IntVar(&sp.PostsPerDirectChannel, "posts-per-direct-channel", 15, "posts per direct message channel")
	f.IntVar(&sp.GroupChannels, "group-channels", 15, "group message channels")
	f.IntVar(&sp.PostsPerGroupChannel, "posts-per-group-channel", 30, "posts per group message channel")
	c.RunE = env.runCreating(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		if err := sp.Validate(); err != nil {
			return err
		}
		rep, err := bulkio.GenerateSampleData(ctx, a, session(), sp)
		if err != nil {
			return errors.New(msg(err))
		}
		out(cmd, "Created %d users, %d teams, %d channels and %d posts in %s.", rep.Users, rep.Teams, rep.Channels, rep.Posts,
			rep.Took.Round(1e6))
		return nil
	})
	return c
}
