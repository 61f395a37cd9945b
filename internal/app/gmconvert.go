package app

import (
	"context"
	"net/http"
	"strings"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// CommonTeams lists the teams every member of a DM or group message belongs
// to: where the group message could become a private channel.
func (a *App) CommonTeams(ctx context.Context, s *model.Session, channelID string) ([]*model.Team, error) {
	ch, err := a.readableChannel(ctx, s, channelID)
	if err != nil {
		return nil, err
	}
	return a.commonTeams(ctx, s, ch)
}

func (a *App) commonTeams(ctx context.Context, s *model.Session, ch *model.Channel) ([]*model.Team, error) {
	if !ch.IsGroupOrDirect() {
		return nil, model.NewAppError(http.StatusBadRequest, "app.channel.get_common_teams.incorrect_channel_type",
			"The channel is not a direct or group message.")
	}
	ids, err := a.store.ChannelMemberIDs(ctx, ch.ID)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	count := map[string]int{}
	var first []*model.Team
	for i, id := range ids {
		ts, err := a.store.ListTeamsForUser(ctx, id)
		if err != nil {
			return nil, model.ErrInternal(err)
		}
		if i == 0 {
			first = ts
		}
		for _, t := range ts {
			count[t.ID]++
		}
	}
	out := []*model.Team{}
	for _, t := range first {
		if count[t.ID] == len(ids) && t.DeleteAt == 0 {
			a.sanitizeTeam(ctx, s, t)
			out = append(out, t)
		}
	}
	return out, nil
}

// ConvertGroupMessage turns a group message into a private channel of a team
// all its members are in, as Mattermost does: same id, members and posts; a
// system post says who did it; the converter becomes its admin.
func (a *App) ConvertGroupMessage(ctx context.Context, s *model.Session, channelID string, req *model.GroupMessageConversion) (*model.Channel, error) {
	if req.ChannelID != channelID {
		return nil, model.ErrInvalidBody("channel_id")
	}
	ch, err := a.readableChannel(ctx, s, channelID)
	if err != nil {
		return nil, err
	}
	teams, err := a.commonTeams(ctx, s, ch)
	if err != nil {
		return nil, err
	}
	var team *model.Team
	for _, t := range teams {
		if t.ID == req.TeamID {
			team = t
		}
	}
	if team == nil {
		return nil, model.NewAppError(http.StatusBadRequest, "app.channel.group_message_conversion.incorrect_team",
			"The team is not one that every member of the group message belongs to.")
	}
	if ch.Type != model.ChannelGroup {
		return nil, model.NewAppError(http.StatusNotFound, "app.channel.group_message_conversion.original_channel_not_gm",
			"The channel is not a group message.")
	}
	if !a.HasTeamPermission(ctx, s, team.ID, model.PermCreatePrivateChannel) {
		return nil, model.ErrForbidden()
	}
	conv := *ch
	conv.Type, conv.TeamID = model.ChannelPrivate, team.ID
	conv.Name, conv.DisplayName = strings.ToLower(strings.TrimSpace(req.Name)), strings.TrimSpace(req.DisplayName)
	if appErr := conv.IsValid(); appErr != nil {
		return nil, appErr
	}
	conv.UpdateAt = model.Now()
	ids, err := a.store.ChannelMemberIDs(ctx, ch.ID)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	users, err := a.store.GetUsersByIDs(ctx, ids, 0)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	var by string
	names := make([]string, 0, len(users))
	for _, u := range users {
		names = append(names, u.Username)
		if u.ID == s.UserID {
			by = u.Username
		}
	}
	err = a.store.Tx(ctx, func(tx store.Store) error {
		if err := tx.UpdateChannel(ctx, &conv); err != nil {
			return storeErr(err, errChannelNotFound(), model.NewAppError(http.StatusBadRequest,
				"store.sql_channel.update.exists.app_error", "A channel with that name already exists on the same team."))
		}
		m, err := tx.GetChannelMember(ctx, ch.ID, s.UserID)
		if err != nil {
			return storeErr(err, errChannelMemberNotFound())
		}
		m.SchemeAdmin, m.LastUpdateAt = true, model.Now()
		if err := tx.SaveChannelMember(ctx, m); err != nil {
			return model.ErrInternal(err)
		}
		msg := by + " created this channel from a group message with " + joinList(names) + "."
		_, err = a.systemMessage(ctx, tx, &conv, s.UserID, model.PostTypeGMConverted, msg,
			map[string]any{"convertedByUserId": s.UserID, "gmMembersDuringConversionIDs": ids})
		return err
	})
	if err != nil {
		return nil, err
	}
	a.publish(ctx, model.NewEvent(model.EventChannelUpdated, model.Broadcast{ChannelID: conv.ID},
		map[string]any{"channel": model.JSONString(&conv)}))
	if m, err := a.store.GetChannelMember(ctx, conv.ID, s.UserID); err == nil {
		m.Roles = m.RolesString()
		a.publish(ctx, model.NewEvent(model.EventChannelMemberUpdated, model.Broadcast{UserID: s.UserID},
			map[string]any{"channelMember": model.JSONString(m)}))
	}
	return &conv, nil
}

// joinList writes "a", "a and b", "a, b and c", as Mattermost's message does.
func joinList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
