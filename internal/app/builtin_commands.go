package app

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"strings"

	"github.com/parley-chat/parley/internal/model"
)

// builtin is a slash command the server itself answers.
type builtin struct {
	trigger, hint, desc string
	run                 func(a *App, ctx context.Context, cc *commandCall) (*model.CommandResponse, error)
}

// builtins is built per call so no package-level state can be changed.
func builtins() []builtin {
	return []builtin{
		{"away", "", "Set your status away", statusCommand(model.StatusAway)},
		{"dnd", "", "Do not disturb: no desktop or push notifications", statusCommand(model.StatusDND)},
		{"echo", "[message]", "Echo back text from your account", echoCommand},
		{"header", "[text]", "Edit the channel header", channelPatchCommand("header")},
		{"help", "", "Show the available commands", helpCommand},
		{"invite", "@[username] [~channel]", "Invite a user to a channel", inviteCommand},
		{"join", "~[channel]", "Join the open channel", joinCommand},
		{"kick", "@[username]", "Remove a member from the channel", kickCommand},
		{"leave", "", "Leave the current channel", leaveCommand},
		{"me", "[message]", "Do an action", meCommand},
		{"msg", "@[username] [message]", "Send Direct Message to a user", msgCommand},
		{"mute", "", "Turn off notifications for the current channel", muteCommand},
		{"offline", "", "Set your status offline", statusCommand(model.StatusOffline)},
		{"online", "", "Set your status online", statusCommand(model.StatusOnline)},
		{"purpose", "[text]", "Edit the channel purpose", channelPatchCommand("purpose")},
		{"remove", "@[username]", "Remove a member from the channel", kickCommand},
		{"rename", "[text]", "Rename the channel", channelPatchCommand("rename")},
		{"search", "[text]", "Search text in messages", searchCommand},
		{"shrug", "[message]", `Adds ¯\_(ツ)_/¯ to your message`, shrugCommand},
	}
}

func builtinByTrigger(trigger string) (builtin, bool) {
	for _, b := range builtins() {
		if b.trigger == trigger {
			return b, true
		}
	}
	return builtin{}, false
}

// builtinCommands lists the built-ins as Command objects for the API.
func builtinCommands() []*model.Command {
	bs := builtins()
	out := make([]*model.Command, 0, len(bs))
	for _, b := range bs {
		out = append(out, &model.Command{Trigger: b.trigger, AutoComplete: true, AutoCompleteHint: b.hint,
			AutoCompleteDesc: b.desc, DisplayName: b.trigger, Description: b.desc, Method: model.CommandMethodPost})
	}
	return out
}

func ephemeral(text string) *model.CommandResponse {
	return &model.CommandResponse{ResponseType: model.CommandResponseEphemeral, Text: text}
}

func statusCommand(status string) func(*App, context.Context, *commandCall) (*model.CommandResponse, error) {
	return func(a *App, ctx context.Context, cc *commandCall) (*model.CommandResponse, error) {
		if _, err := a.SetStatus(ctx, cc.s, cc.user.ID, status, 0); err != nil {
			return nil, err
		}
		return ephemeral("You are now " + status + "."), nil
	}
}

func echoCommand(_ *App, _ context.Context, cc *commandCall) (*model.CommandResponse, error) {
	msg := strings.TrimSpace(cc.text)
	if msg == "" {
		return ephemeral("Use /echo \"message\" to echo back text."), nil
	}
	// Mattermost's /echo takes the message in quotes, optionally followed by a delay.
	if strings.HasPrefix(msg, `"`) {
		if end := strings.LastIndex(msg, `"`); end > 0 {
			msg = msg[1:end]
		}
	}
	return &model.CommandResponse{ResponseType: model.CommandResponseInChannel, Text: msg}, nil
}

func meCommand(_ *App, _ context.Context, cc *commandCall) (*model.CommandResponse, error) {
	return &model.CommandResponse{ResponseType: model.CommandResponseInChannel, Type: model.PostTypeMe,
		Text: "*" + cc.text + "*", SkipSlackParsing: true}, nil
}

func shrugCommand(_ *App, _ context.Context, cc *commandCall) (*model.CommandResponse, error) {
	text := `¯\\\_(ツ)\_/¯`
	if cc.text != "" {
		text = cc.text + " " + text
	}
	return &model.CommandResponse{ResponseType: model.CommandResponseInChannel, Text: text, SkipSlackParsing: true}, nil
}

func helpCommand(_ *App, _ context.Context, _ *commandCall) (*model.CommandResponse, error) {
	var b strings.Builder
	b.WriteString("Available commands:\n\n")
	bs := builtins()
	sort.Slice(bs, func(i, j int) bool { return bs[i].trigger < bs[j].trigger })
	for _, c := range bs {
		b.WriteString("- `/" + c.trigger)
		if c.hint != "" {
			b.WriteString(" " + c.hint)
		}
		b.WriteString("`: " + c.desc + "\n")
	}
	return ephemeral(b.String()), nil
}

func searchCommand(_ *App, _ context.Context, cc *commandCall) (*model.CommandResponse, error) {
	// The search itself runs in the client's search view; the server only
	// hands the terms back so clients without that view still get an answer.
	if strings.TrimSpace(cc.text) == "" {
		return ephemeral("Use /search [text] to search messages."), nil
	}
	return ephemeral("Search for: " + strings.TrimSpace(cc.text)), nil
}

// teamNameOf returns the name of the command's team, for channel paths.
func (a *App) teamNameOf(ctx context.Context, teamID string) string {
	if t, err := a.store.GetTeam(ctx, teamID); err == nil {
		return t.Name
	}
	return ""
}

func joinCommand(a *App, ctx context.Context, cc *commandCall) (*model.CommandResponse, error) {
	fields := strings.Fields(cc.text)
	if len(fields) == 0 {
		return ephemeral("Use /join ~channel to join a channel."), nil
	}
	name := strings.TrimPrefix(fields[0], "~")
	ch, err := a.store.GetChannelByName(ctx, cc.args.TeamID, name, false)
	if err != nil {
		return ephemeral("We couldn't find the channel " + name + "."), nil
	}
	if _, err := a.AddChannelMember(ctx, cc.s, ch.ID, cc.user.ID); err != nil {
		return ephemeral("An error occurred while joining the channel."), nil
	}
	return &model.CommandResponse{GotoLocation: "/" + a.teamNameOf(ctx, cc.args.TeamID) + "/channels/" + ch.Name}, nil
}

func leaveCommand(a *App, ctx context.Context, cc *commandCall) (*model.CommandResponse, error) {
	if cc.ch.IsGroupOrDirect() || cc.ch.Name == "town-square" {
		return ephemeral("You can't leave this channel."), nil
	}
	if err := a.RemoveChannelMember(ctx, cc.s, cc.ch.ID, cc.user.ID); err != nil {
		return nil, err
	}
	return &model.CommandResponse{GotoLocation: "/" + a.teamNameOf(ctx, cc.args.TeamID) + "/channels/town-square"}, nil
}

// userArg reads "@name" (or "name") at the start of text and returns the user and the rest.
func (a *App) userArg(ctx context.Context, text string) (*model.User, string, error) {
	fields := strings.Fields(text)
	if len(fields) == 0 {
		return nil, "", model.ErrInvalidBody("username")
	}
	u, err := a.store.GetUserByUsername(ctx, strings.TrimPrefix(fields[0], "@"))
	if err != nil || u.DeleteAt > 0 {
		return nil, "", model.ErrInvalidBody("username")
	}
	rest := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(text), fields[0]))
	return u, rest, nil
}

func msgCommand(a *App, ctx context.Context, cc *commandCall) (*model.CommandResponse, error) {
	u, rest, err := a.userArg(ctx, cc.text)
	if err != nil {
		return ephemeral("We couldn't find the user."), nil
	}
	dm, err := a.CreateDirectChannel(ctx, cc.s, []string{cc.user.ID, u.ID})
	if err != nil {
		return nil, err
	}
	if rest != "" {
		if _, err := a.CreatePost(ctx, cc.s, &model.Post{ChannelID: dm.ID, Message: rest}); err != nil {
			return nil, err
		}
	}
	return &model.CommandResponse{GotoLocation: "/" + a.teamNameOf(ctx, cc.args.TeamID) + "/messages/@" + u.Username}, nil
}

func inviteCommand(a *App, ctx context.Context, cc *commandCall) (*model.CommandResponse, error) {
	u, rest, err := a.userArg(ctx, cc.text)
	if err != nil {
		return ephemeral("We couldn't find the user."), nil
	}
	ch := cc.ch
	if name := strings.TrimPrefix(strings.TrimSpace(rest), "~"); name != "" {
		if ch, err = a.store.GetChannelByName(ctx, cc.args.TeamID, name, false); err != nil {
			return ephemeral("We couldn't find the channel " + name + "."), nil
		}
	}
	if _, err := a.AddChannelMember(ctx, cc.s, ch.ID, u.ID); err != nil {
		return ephemeral("@" + u.Username + " could not be added to the channel: " + appMessage(err)), nil
	}
	return ephemeral("@" + u.Username + " added to " + ch.DisplayName + "."), nil
}

func kickCommand(a *App, ctx context.Context, cc *commandCall) (*model.CommandResponse, error) {
	u, _, err := a.userArg(ctx, cc.text)
	if err != nil {
		return ephemeral("We couldn't find the user."), nil
	}
	if err := a.RemoveChannelMember(ctx, cc.s, cc.ch.ID, u.ID); err != nil {
		return ephemeral("@" + u.Username + " could not be removed: " + appMessage(err)), nil
	}
	return ephemeral("@" + u.Username + " removed from the channel."), nil
}

func channelPatchCommand(field string) func(*App, context.Context, *commandCall) (*model.CommandResponse, error) {
	return func(a *App, ctx context.Context, cc *commandCall) (*model.CommandResponse, error) {
		text := strings.TrimSpace(cc.text)
		if text == "" && field == "rename" {
			return ephemeral("Use /rename [text] to rename the channel."), nil
		}
		var patch model.ChannelPatch
		switch field {
		case "header":
			patch.Header = &text
		case "purpose":
			patch.Purpose = &text
		default:
			patch.DisplayName = &text
		}
		if _, err := a.PatchChannel(ctx, cc.s, cc.ch.ID, &patch); err != nil {
			return ephemeral("The channel could not be updated: " + appMessage(err)), nil
		}
		return &model.CommandResponse{}, nil
	}
}

func muteCommand(a *App, ctx context.Context, cc *commandCall) (*model.CommandResponse, error) {
	m, err := a.store.GetChannelMember(ctx, cc.ch.ID, cc.user.ID)
	if err != nil {
		return nil, storeErr(err, errChannelMemberNotFound())
	}
	mark, msg := "mention", "You will not receive notifications for this channel until channel mute is turned off."
	if m.NotifyProps["mark_unread"] == "mention" {
		mark, msg = "all", "Channel is no longer muted."
	}
	if err := a.UpdateChannelMemberNotifyProps(ctx, cc.s, cc.ch.ID, cc.user.ID, model.StringMap{"mark_unread": mark}); err != nil {
		return nil, err
	}
	return ephemeral(msg), nil
}

// appMessage is the user-facing message of an error.
func appMessage(err error) string {
	var ae *model.AppError
	if errors.As(err, &ae) {
		return ae.Message
	}
	return http.StatusText(http.StatusInternalServerError)
}
