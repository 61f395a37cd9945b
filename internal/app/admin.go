package app

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Operator actions: what the command line (and the admin API) may do beyond
// what members can. Each checks for a system admin and is audited.

func errDeletionDisabled(what string) *model.AppError {
	return model.NewAppError(http.StatusUnauthorized, "api.user.delete_"+what+".not_enabled.app_error",
		"Permanent "+what+" deletion feature is not enabled. Please contact your System Administrator.")
}

// canDeletePermanently: system admins, through the API only when enable_api_deletion is on.
func (a *App) canDeletePermanently(s *model.Session, what string) error {
	if !a.IsAdmin(s) {
		return model.ErrForbidden()
	}
	if !s.Local && !a.Config().EnableAPIDeletion {
		return errDeletionDisabled(what)
	}
	return nil
}

// AllTeams lists every team, archived ones included (system admins only).
func (a *App) AllTeams(ctx context.Context, s *model.Session) ([]*model.Team, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	ts, err := a.store.ListAllTeams(ctx)
	return ts, storeErr(err, nil)
}

// AllTeamChannels lists a team's public and private channels, archived ones
// included (system admins only).
func (a *App) AllTeamChannels(ctx context.Context, s *model.Session, teamID string) ([]*model.Channel, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	cs, err := a.store.ListTeamChannels(ctx, teamID)
	return cs, storeErr(err, nil)
}

// PermanentDeleteChannel removes a channel for good: its posts, reactions,
// memberships and the preferences that name it. Members' clients drop it.
func (a *App) PermanentDeleteChannel(ctx context.Context, s *model.Session, id string) error {
	if err := a.canDeletePermanently(s, "channel"); err != nil {
		return err
	}
	ch, err := a.store.GetChannel(ctx, id)
	if err != nil {
		return storeErr(err, errChannelNotFound())
	}
	if ch.Name == model.DefaultChannel && ch.TeamID != "" {
		return model.NewAppError(http.StatusBadRequest, "api.channel.delete_channel.cannot.app_error",
			"Unable to delete the default channel.")
	}
	if err := a.refuseHeldChannels(ctx, "channel", []string{ch.ID}); err != nil {
		return err
	}
	err = a.DeleteChannelPermanently(ctx, ch)
	a.audit(ctx, s, model.AuditChannelDelete, "channel", ch.ID, err == nil, "team_id="+ch.TeamID+" name="+ch.Name)
	return err
}

// PermanentDeleteTeam removes a team with all its channels and memberships.
func (a *App) PermanentDeleteTeam(ctx context.Context, s *model.Session, id string) error {
	if err := a.canDeletePermanently(s, "team"); err != nil {
		return err
	}
	t, err := a.store.GetTeam(ctx, id)
	if err != nil {
		return storeErr(err, errTeamNotFound())
	}
	members, err := a.store.ListTeamMembers(ctx, id, store.Page{}, false, false)
	if err != nil {
		return model.ErrInternal(err)
	}
	channels, err := a.store.ListTeamChannels(ctx, id)
	if err != nil {
		return model.ErrInternal(err)
	}
	ids := make([]string, 0, len(channels))
	for _, c := range channels {
		ids = append(ids, c.ID)
	}
	if err := a.refuseHeldChannels(ctx, "team", ids); err != nil {
		return err
	}
	err = a.store.DeleteTeamPermanently(ctx, id)
	a.audit(ctx, s, model.AuditTeamDelete, "team", id, err == nil, "name="+t.Name)
	if err != nil {
		return storeErr(err, errTeamNotFound())
	}
	a.drainPurges(ctx)
	data := map[string]any{"team": model.JSONString(publicTeam(t))}
	for _, m := range members {
		a.publish(ctx, model.NewEvent(model.EventDeleteTeam, model.Broadcast{UserID: m.UserID}, data))
	}
	return nil
}

// RemoveAllChannelMembers empties a channel.
func (a *App) RemoveAllChannelMembers(ctx context.Context, s *model.Session, channelID string) error {
	if !a.IsAdmin(s) {
		return model.ErrForbidden()
	}
	members, err := a.store.ChannelMemberIDs(ctx, channelID)
	if err != nil {
		return model.ErrInternal(err)
	}
	if err := a.store.DeleteChannelMembers(ctx, channelID); err != nil {
		return model.ErrInternal(err)
	}
	a.audit(ctx, s, model.AuditChannelMemberRemove, "channel", channelID, true, "all members")
	for _, uid := range members {
		a.publish(ctx, model.NewEvent(model.EventUserRemoved, model.Broadcast{UserID: uid},
			map[string]any{"remover_id": s.UserID, "channel_id": channelID}))
	}
	return nil
}

// MoveChannel moves a channel to another team. Every active member must belong
// to that team; with force, those who do not are removed from the channel.
// Deactivated members are always removed.
func (a *App) MoveChannel(ctx context.Context, s *model.Session, channelID, teamID string, force bool) (*model.Channel, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	ch, err := a.store.GetChannel(ctx, channelID)
	if err != nil {
		return nil, storeErr(err, errChannelNotFound())
	}
	if ch.IsGroupOrDirect() || ch.Name == model.DefaultChannel {
		return nil, model.NewAppError(http.StatusBadRequest, "app.channel.move_channel.type.app_error",
			"Only public and private channels other than the default channel can move.")
	}
	t, err := a.store.GetTeam(ctx, teamID)
	if err != nil {
		return nil, storeErr(err, errTeamNotFound())
	}
	if t.ID == ch.TeamID {
		return ch, nil
	}
	ids, err := a.store.ChannelMemberIDs(ctx, ch.ID)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	users, err := a.store.GetUsersByIDs(ctx, ids, 0)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	var drop, outsiders []string
	for _, u := range users {
		if u.DeleteAt > 0 {
			drop = append(drop, u.ID)
			continue
		}
		m, err := a.store.GetTeamMember(ctx, t.ID, u.ID)
		if err != nil || m.DeleteAt > 0 {
			outsiders = append(outsiders, u.Username)
			drop = append(drop, u.ID)
		}
	}
	if len(outsiders) > 0 && !force {
		return nil, model.NewAppError(http.StatusBadRequest, "app.channel.move_channel.members_do_not_match.error",
			"Members of the channel are not members of the destination team: "+strings.Join(outsiders, ", "))
	}
	from := ch.TeamID
	err = a.store.Tx(ctx, func(tx store.Store) error {
		for _, uid := range drop {
			if err := tx.DeleteChannelMember(ctx, ch.ID, uid); err != nil {
				return model.ErrInternal(err)
			}
		}
		ch.TeamID, ch.UpdateAt = t.ID, model.Now()
		return storeErr(tx.UpdateChannel(ctx, ch), errChannelNotFound(), model.NewAppError(http.StatusBadRequest,
			"store.sql_channel.update.exists.app_error", "A channel with that name already exists on the same team."))
	})
	a.audit(ctx, s, model.AuditChannelMove, "channel", ch.ID, err == nil, "from="+from+" to="+t.ID)
	if err != nil {
		return nil, err
	}
	for _, uid := range drop {
		a.publish(ctx, model.NewEvent(model.EventUserRemoved, model.Broadcast{UserID: uid},
			map[string]any{"remover_id": s.UserID, "channel_id": ch.ID}))
	}
	a.publish(ctx, model.NewEvent(model.EventChannelUpdated, model.Broadcast{ChannelID: ch.ID},
		map[string]any{"channel": model.JSONString(ch)}))
	return ch, nil
}

// RenameTeam changes a team's name (its URL) and, when given, its display name.
func (a *App) RenameTeam(ctx context.Context, s *model.Session, id, name, displayName string) (*model.Team, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	t, err := a.store.GetTeam(ctx, id)
	if err != nil {
		return nil, storeErr(err, errTeamNotFound())
	}
	old := t.Name
	t.Name = strings.ToLower(strings.TrimSpace(name))
	if displayName != "" {
		t.DisplayName = displayName
	}
	if appErr := t.IsValid(); appErr != nil {
		return nil, appErr
	}
	t.UpdateAt = model.Now()
	err = a.store.UpdateTeam(ctx, t)
	a.audit(ctx, s, model.AuditTeamUpdate, "team", t.ID, err == nil, "name "+old+" -> "+t.Name)
	if err != nil {
		return nil, storeErr(err, errTeamNotFound(), model.NewAppError(http.StatusBadRequest,
			"app.team.save.existing.app_error", "A team with that name already exists."))
	}
	a.publish(ctx, model.NewEvent(model.EventUpdateTeam, model.Broadcast{TeamID: t.ID},
		map[string]any{"team": model.JSONString(publicTeam(t))}))
	return t, nil
}

// ConvertUserToBot turns an account into a bot: it can no longer log in, and
// its sessions end.
func (a *App) ConvertUserToBot(ctx context.Context, s *model.Session, userID string) (*model.User, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	u, err := a.store.GetUser(ctx, userID)
	if err != nil {
		return nil, storeErr(err, errUserNotFound())
	}
	if u.IsBot {
		return u, nil
	}
	u.IsBot, u.UpdateAt = true, model.Now()
	err = a.store.Tx(ctx, func(tx store.Store) error {
		if err := tx.UpdateUser(ctx, u); err != nil {
			return model.ErrInternal(err)
		}
		if err := a.ensureBotRow(ctx, tx, u, s.UserID); err != nil {
			return err
		}
		return a.endSessions(ctx, tx, userID)
	})
	a.audit(ctx, s, model.AuditUserUpdate, "user", userID, err == nil, "converted to bot")
	if err != nil {
		return nil, err
	}
	a.publishUserUpdated(ctx, u)
	return u, nil
}

// SetSystemAdmin grants or takes away the system admin role, keeping the others.
func (a *App) SetSystemAdmin(ctx context.Context, s *model.Session, userID string, admin bool) error {
	u, err := a.store.GetUser(ctx, userID)
	if err != nil {
		return storeErr(err, errUserNotFound())
	}
	// A guest role left from elsewhere goes: the user becomes a member.
	roles := slices.DeleteFunc(strings.Fields(u.Roles), func(r string) bool {
		return r == model.RoleSystemAdmin || r == model.RoleSystemUser || r == model.RoleSystemGuest
	})
	roles = append([]string{model.RoleSystemUser}, roles...)
	if admin {
		roles = append(roles, model.RoleSystemAdmin)
	}
	return a.UpdateUserRoles(ctx, s, userID, strings.Join(roles, " "))
}
