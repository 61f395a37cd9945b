package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
)

// Arguments name things the classic way: a team by name (any case) or id; a
// user by email, username or id; a channel as team:channel (channel name, any
// case, archived ones included, or id) or a bare channel id.

func findTeam(ctx context.Context, a *app.App, arg string) (*model.Team, error) {
	if arg != "" && !strings.Contains(arg, ":") {
		if t, err := a.GetTeamByName(ctx, session(), strings.ToLower(arg)); err == nil {
			return t, nil
		}
		if model.IsValidID(arg) {
			if t, err := a.GetTeam(ctx, session(), arg); err == nil {
				return t, nil
			}
		}
	}
	return nil, fmt.Errorf("Unable to find team '%s'", arg)
}

func findTeams(ctx context.Context, a *app.App, args []string) ([]*model.Team, error) {
	out := make([]*model.Team, 0, len(args))
	for _, arg := range args {
		t, err := findTeam(ctx, a, arg)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func findChannel(ctx context.Context, a *app.App, arg string) (*model.Channel, error) {
	notFound := fmt.Errorf("Unable to find channel '%s'", arg)
	teamPart, name, found := strings.Cut(arg, ":")
	if !found {
		if !model.IsValidID(arg) {
			return nil, fmt.Errorf("Unable to find channel '%s': give team:channel or a channel id", arg)
		}
		ch, err := a.GetChannel(ctx, session(), arg)
		if err != nil {
			return nil, notFound
		}
		return ch, nil
	}
	if teamPart == "" || name == "" || strings.Contains(name, ":") {
		return nil, fmt.Errorf("Unable to find channel '%s': give team:channel, where a channel name has no colon", arg)
	}
	t, err := findTeam(ctx, a, teamPart)
	if err != nil {
		return nil, err
	}
	if ch, err := a.GetChannelByName(ctx, session(), t.ID, strings.ToLower(name), true); err == nil {
		return ch, nil
	}
	if model.IsValidID(name) {
		if ch, err := a.GetChannel(ctx, session(), name); err == nil && ch.TeamID == t.ID {
			return ch, nil
		}
	}
	return nil, notFound
}

func findChannels(ctx context.Context, a *app.App, args []string) ([]*model.Channel, error) {
	out := make([]*model.Channel, 0, len(args))
	for _, arg := range args {
		ch, err := findChannel(ctx, a, arg)
		if err != nil {
			return nil, err
		}
		out = append(out, ch)
	}
	return out, nil
}

func findUser(ctx context.Context, a *app.App, arg string) (*model.User, error) {
	s := session()
	if strings.Contains(arg, "@") {
		if u, err := a.GetUserByEmail(ctx, s, arg); err == nil {
			return u, nil
		}
	}
	if u, err := a.GetUserByUsername(ctx, s, strings.TrimPrefix(arg, "@")); err == nil {
		return u, nil
	}
	if model.IsValidID(arg) {
		if u, err := a.GetUser(ctx, s, arg); err == nil {
			return u, nil
		}
	}
	return nil, fmt.Errorf("Unable to find user '%s'", arg)
}

func findUsers(ctx context.Context, a *app.App, args []string) ([]*model.User, error) {
	out := make([]*model.User, 0, len(args))
	for _, arg := range args {
		u, err := findUser(ctx, a, arg)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}
