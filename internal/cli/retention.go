package cli

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
)

func retentionCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "retention", Short: "Manage message retention policies and run them",
		Long: `Retention says how many days messages and files are kept: a global policy,
and granular policies (Mattermost's data retention policies) that name teams
and channels. A channel's policy beats its team's, which beats the global one.
The server applies them every hour, deleting expired posts in small batches;
what a legal hold covers stays (see parley legal-hold).`}
	c.AddCommand(retentionRunCmd(env), retentionSetCmd(env), retentionListCmd(env), retentionRemoveCmd(env),
		retentionPolicyCmd(env))
	return c
}

func retentionRunCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:     "run",
		Short:   "Delete expired posts and files now (or, with --dry-run, report what would go)",
		Example: "  parley retention run --dry-run\n  parley retention run",
		Args:    cobra.NoArgs,
	}
	dry := c.Flags().Bool("dry-run", false, "only report what would be deleted")
	batch := c.Flags().Int("batch", app.RetentionBatch, "posts per deletion transaction")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		res, err := a.RunRetention(ctx, session(), *dry, *batch)
		if err != nil {
			return errors.New(msg(err))
		}
		names := map[string]string{"global": "global"}
		if l, err := a.RetentionPolicies(ctx, session(), 0, 0); err == nil {
			for _, p := range l.Policies {
				names[p.ID] = fmt.Sprintf("%q (%s)", p.DisplayName, p.ID)
			}
		}
		verb := "Deleted"
		if *dry {
			verb = "Would delete"
		}
		for _, scope := range sortedKeys(res.ByScope) {
			out(cmd, "%s %d posts under the %s policy", verb, res.ByScope[scope], names[scope])
		}
		for _, scope := range sortedKeys(res.FilesByScope) {
			out(cmd, "%s %d files under the %s policy", verb, res.FilesByScope[scope], names[scope])
		}
		out(cmd, "%s %d posts in total", verb, res.Posts)
		if len(res.FilesByScope) > 0 {
			out(cmd, "%s %d files in total", verb, res.Files)
		}
		return nil
	})
	return c
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// needGlobal keeps the scope explicit: team and channel periods are granular
// policies now (retention policy).
func needGlobal(global bool) error {
	if !global {
		return errors.New("give --global; teams and channels have granular policies: see parley retention policy --help")
	}
	return nil
}

func retentionSetCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "set",
		Short: "Set the global retention policy",
		Long: `Set the global retention policy: how many days messages and files are kept
where no granular policy (retention policy) applies. 0 keeps them forever.
--preserve-pinned keeps pinned posts under every policy (Mattermost's
DataRetentionSettings.PreservePinnedPosts).`,
		Example: `  parley retention set --global --post-days 365 --file-days 90
  parley retention set --global --post-days 365 --preserve-pinned`,
		Args: cobra.NoArgs,
	}
	global := c.Flags().Bool("global", false, "the server-wide policy")
	postDays := c.Flags().Int("post-days", 0, "days messages are kept (0: forever)")
	fileDays := c.Flags().Int("file-days", 0, "days files are kept (0: forever)")
	pinned := c.Flags().Bool("preserve-pinned", false, "never delete pinned posts")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		if err := needGlobal(*global); err != nil {
			return err
		}
		if err := a.SetGlobalRetention(ctx, session(), &model.GlobalRetention{PostDays: *postDays, FileDays: *fileDays,
			PreservePinnedPosts: *pinned}); err != nil {
			return errors.New(msg(err))
		}
		out(cmd, "Set the global retention policy: posts %s, files %s%s", days(*postDays), days(*fileDays), pinnedNote(*pinned))
		return nil
	})
	return c
}

func pinnedNote(pinned bool) string {
	if pinned {
		return ", pinned posts kept"
	}
	return ""
}

func days(n int) string {
	if n <= 0 {
		return "kept forever"
	}
	return fmt.Sprintf("%d days", n)
}

// duration names a granular policy's period; nil is the global policy's.
func duration(d *int64) string {
	switch {
	case d == nil:
		return "as the global policy"
	case *d < 0:
		return "kept forever"
	}
	return fmt.Sprintf("%d days", *d)
}

func retentionListCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:     "list",
		Short:   "List the global and the granular retention policies",
		Example: "  parley retention list",
		Args:    cobra.NoArgs,
	}
	asJSON := c.Flags().Bool("json", false, "print the policies as JSON")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		g, err := a.GlobalRetention(ctx, session())
		if err != nil {
			return errors.New(msg(err))
		}
		l, err := a.RetentionPolicies(ctx, session(), 0, 0)
		if err != nil {
			return errors.New(msg(err))
		}
		if *asJSON {
			return printJSON(cmd, map[string]any{"global": g, "policies": l.Policies})
		}
		out(cmd, "global: posts %s, files %s%s", days(g.PostDays), days(g.FileDays), pinnedNote(g.PreservePinnedPosts))
		for _, p := range l.Policies {
			printPolicy(cmd, p)
		}
		return nil
	})
	return c
}

func printPolicy(cmd *cobra.Command, p *model.RetentionPolicyWithTeamAndChannelCounts) {
	out(cmd, "%s %q: posts %s, files %s%s; %d teams, %d channels", p.ID, p.DisplayName, duration(p.PostDuration),
		duration(p.FileDuration), pinnedNote(p.PreservePinnedPosts), p.TeamCount, p.ChannelCount)
}

func retentionRemoveCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:     "remove",
		Short:   "Remove the global retention policy (keep what no granular policy deletes)",
		Example: "  parley retention remove --global",
		Args:    cobra.NoArgs,
	}
	global := c.Flags().Bool("global", false, "the server-wide policy")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		if err := needGlobal(*global); err != nil {
			return err
		}
		if err := a.RemoveGlobalRetention(ctx, session()); err != nil {
			return errors.New(msg(err))
		}
		out(cmd, "Removed the global retention policy")
		return nil
	})
	return c
}

func retentionPolicyCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "policy", Short: "Manage granular retention policies of teams and channels",
		Long: `Granular retention policies, as Mattermost's data retention policies: each has
a display name, a post duration in days (-1 keeps forever) and the teams and
channels it applies to. A team or channel belongs to at most one policy. A
policy is named by its id or its display name.`}
	c.AddCommand(policyListCmd(env), policyCreateCmd(env), policyShowCmd(env), policyDeleteCmd(env),
		policyMembersCmd(env, "team", true), policyMembersCmd(env, "team", false),
		policyMembersCmd(env, "channel", true), policyMembersCmd(env, "channel", false))
	return c
}

// findPolicy resolves a policy by id or display name (case-insensitive).
func findPolicy(ctx context.Context, a *app.App, arg string) (*model.RetentionPolicyWithTeamAndChannelCounts, error) {
	if model.IsValidID(arg) {
		if p, err := a.RetentionPolicy(ctx, session(), arg); err == nil {
			return p, nil
		}
	}
	l, err := a.RetentionPolicies(ctx, session(), 0, 0)
	if err != nil {
		return nil, errors.New(msg(err))
	}
	var found *model.RetentionPolicyWithTeamAndChannelCounts
	for _, p := range l.Policies {
		if strings.EqualFold(p.DisplayName, arg) {
			if found != nil {
				return nil, fmt.Errorf("more than one retention policy is named %q: give its id", arg)
			}
			found = p
		}
	}
	if found == nil {
		return nil, fmt.Errorf("Unable to find retention policy '%s'", arg)
	}
	return found, nil
}

func policyListCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "list", Short: "List granular retention policies", Args: cobra.NoArgs,
		Example: "  parley retention policy list"}
	asJSON := c.Flags().Bool("json", false, "print the policies as a JSON array")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		l, err := a.RetentionPolicies(ctx, session(), 0, 0)
		if err != nil {
			return errors.New(msg(err))
		}
		if *asJSON {
			return printJSON(cmd, l.Policies)
		}
		for _, p := range l.Policies {
			printPolicy(cmd, p)
		}
		return nil
	})
	return c
}

// teamAndChannelIDs resolves --team and --channel arguments.
func teamAndChannelIDs(ctx context.Context, a *app.App, teams, channels []string) ([]string, []string, error) {
	var tids, cids []string
	for _, t := range teams {
		x, err := findTeam(ctx, a, t)
		if err != nil {
			return nil, nil, err
		}
		tids = append(tids, x.ID)
	}
	for _, ch := range channels {
		x, err := findChannel(ctx, a, ch)
		if err != nil {
			return nil, nil, err
		}
		cids = append(cids, x.ID)
	}
	return tids, cids, nil
}

func policyCreateCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "create NAME",
		Short: "Create a granular retention policy",
		Example: `  parley retention policy create "Short-lived" --post-days 30 --team staff
  parley retention policy create Legal --post-days -1 --channel staff:legal
  parley retention policy create Ops --post-days 90 --file-days 30 --preserve-pinned --channel staff:ops`,
		Args: cobra.ExactArgs(1),
	}
	postDays := c.Flags().Int64("post-days", 0, "days messages are kept (-1: forever)")
	fileDays := c.Flags().Int64("file-days", 0, "days files are kept (-1: forever; unset: as the global policy)")
	pinned := c.Flags().Bool("preserve-pinned", false, "never delete pinned posts under this policy")
	teams := c.Flags().StringArray("team", nil, "a team the policy applies to (repeatable)")
	channels := c.Flags().StringArray("channel", nil, "a channel (team:channel) the policy applies to (repeatable)")
	_ = c.MarkFlagRequired("post-days")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		tids, cids, err := teamAndChannelIDs(ctx, a, *teams, *channels)
		if err != nil {
			return err
		}
		p := &model.RetentionPolicyWithTeamAndChannelIDs{DisplayName: args[0], PostDuration: postDays,
			PreservePinnedPosts: pinned, TeamIDs: tids, ChannelIDs: cids}
		if cmd.Flags().Changed("file-days") {
			p.FileDuration = fileDays
		}
		created, err := a.CreateRetentionPolicy(ctx, session(), p)
		if err != nil {
			return errors.New(msg(err))
		}
		printPolicy(cmd, created)
		return nil
	})
	return c
}

func policyShowCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "show POLICY", Short: "Show a granular retention policy with its teams and channels",
		Example: "  parley retention policy show Legal", Args: cobra.ExactArgs(1)}
	asJSON := c.Flags().Bool("json", false, "print the policy as JSON")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		p, err := findPolicy(ctx, a, args[0])
		if err != nil {
			return err
		}
		ts, _, err := a.RetentionPolicyTeams(ctx, session(), p.ID, "", 0, 0)
		if err != nil {
			return errors.New(msg(err))
		}
		cs, _, err := a.RetentionPolicyChannels(ctx, session(), p.ID, nil, 0, 0)
		if err != nil {
			return errors.New(msg(err))
		}
		if *asJSON {
			return printJSON(cmd, map[string]any{"policy": p, "teams": ts, "channels": cs})
		}
		printPolicy(cmd, p)
		for _, t := range ts {
			out(cmd, "  team %s (%s)", t.Name, t.ID)
		}
		for _, ch := range cs {
			out(cmd, "  channel %s:%s (%s)", ch.TeamName, ch.Name, ch.ID)
		}
		return nil
	})
	return c
}

func policyDeleteCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "delete POLICY", Short: "Delete a granular retention policy",
		Long:    "Delete a granular retention policy: its teams and channels fall back to their team's policy or the global one.",
		Example: "  parley retention policy delete Legal", Args: cobra.ExactArgs(1)}
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		p, err := findPolicy(ctx, a, args[0])
		if err != nil {
			return err
		}
		if err := a.DeleteRetentionPolicy(ctx, session(), p.ID); err != nil {
			return errors.New(msg(err))
		}
		out(cmd, "Deleted retention policy %q (%s)", p.DisplayName, p.ID)
		return nil
	})
	return c
}

// policyMembersCmd is add-team, remove-team, add-channel or remove-channel.
func policyMembersCmd(env *Env, kind string, add bool) *cobra.Command {
	verb, prep, what := "remove", "from", kind
	if add {
		verb, prep = "add", "to"
	}
	arg, example := "TEAM...", "staff"
	if kind == "channel" {
		arg, example = "TEAM:CHANNEL...", "staff:legal"
	}
	c := &cobra.Command{
		Use:     verb + "-" + kind + " POLICY " + arg,
		Short:   strings.ToUpper(verb[:1]) + verb[1:] + " " + what + "s " + prep + " a granular retention policy",
		Example: "  parley retention policy " + verb + "-" + kind + " Legal " + example,
		Args:    cobra.MinimumNArgs(2),
	}
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		p, err := findPolicy(ctx, a, args[0])
		if err != nil {
			return err
		}
		var ids []string
		if kind == "team" {
			ids, _, err = teamAndChannelIDs(ctx, a, args[1:], nil)
		} else {
			_, ids, err = teamAndChannelIDs(ctx, a, nil, args[1:])
		}
		if err != nil {
			return err
		}
		if err := a.ChangeRetentionPolicyMembers(ctx, session(), p.ID, kind, add, ids); err != nil {
			return errors.New(msg(err))
		}
		done := "Removed"
		if add {
			done = "Added"
		}
		out(cmd, "%s %d %ss %s retention policy %q", done, len(ids), kind, prep, p.DisplayName)
		return nil
	})
	return c
}
