package app

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func errChannelNotFound() *model.AppError {
	return model.ErrNotFound("app.channel.get.existing.app_error", "channel")
}

func errChannelNameNotFound() *model.AppError {
	return model.ErrNotFound("app.channel.get_by_name.missing.app_error", "channel")
}

func errChannelMemberNotFound() *model.AppError {
	return model.ErrNotFound("app.channel.get_member.missing.app_error", "channel member")
}

// readableChannel loads a channel the caller may read. A private channel the
// caller cannot see answers like a missing one would... except that Mattermost
// answers 403 for ids; we keep its codes: 404 unknown, 403 not readable.
func (a *App) readableChannel(ctx context.Context, s *model.Session, id string) (*model.Channel, error) {
	ch, err := a.store.GetChannel(ctx, id)
	if err != nil {
		return nil, storeErr(err, errChannelNotFound())
	}
	if !a.CanReadChannel(ctx, s, ch) {
		return nil, model.ErrForbidden()
	}
	return ch, nil
}

// GetChannel returns a channel the caller may read.
func (a *App) GetChannel(ctx context.Context, s *model.Session, id string) (*model.Channel, error) {
	return a.readableChannel(ctx, s, id)
}

// GetChannelByName finds a channel by team and name; unreadable ones are not found.
func (a *App) GetChannelByName(ctx context.Context, s *model.Session, teamID, name string, includeDeleted bool) (*model.Channel, error) {
	ch, err := a.store.GetChannelByName(ctx, teamID, strings.ToLower(name), includeDeleted)
	if err != nil {
		return nil, storeErr(err, errChannelNameNotFound())
	}
	if !a.CanReadChannel(ctx, s, ch) {
		return nil, errChannelNameNotFound()
	}
	return ch, nil
}

// GetChannelByTeamNameAndName resolves /teams/name/{team}/channels/name/{channel}.
func (a *App) GetChannelByTeamNameAndName(ctx context.Context, s *model.Session, teamName, name string, includeDeleted bool) (*model.Channel, error) {
	t, err := a.store.GetTeamByName(ctx, strings.ToLower(teamName))
	if err != nil {
		return nil, storeErr(err, errTeamNameNotFound())
	}
	return a.GetChannelByName(ctx, s, t.ID, name, includeDeleted)
}

// CreateChannel creates a public or private channel and joins the creator as its admin.
func (a *App) CreateChannel(ctx context.Context, s *model.Session, in *model.Channel) (*model.Channel, error) {
	switch in.Type {
	case model.ChannelDirect, model.ChannelGroup:
		return nil, model.NewAppError(http.StatusBadRequest, "api.channel.create_channel.direct_channel.app_error",
			"Must use createDirectChannel API service for direct message channel creation.")
	case model.ChannelOpen, model.ChannelPrivate:
	default:
		return nil, model.NewAppError(http.StatusBadRequest, "model.channel.is_valid.type.app_error", "Invalid type.")
	}
	if !model.IsValidID(in.TeamID) {
		return nil, model.ErrInvalidBody("team_id")
	}
	perm := model.PermCreatePublicChannel
	if in.Type == model.ChannelPrivate {
		perm = model.PermCreatePrivateChannel
	}
	if !a.HasTeamPermission(ctx, s, in.TeamID, perm) {
		return nil, model.ErrForbidden()
	}
	t, err := a.store.GetTeam(ctx, in.TeamID)
	if err != nil {
		return nil, storeErr(err, errTeamNotFound())
	}
	if t.DeleteAt > 0 {
		return nil, model.ErrInvalidBody("team_id")
	}
	now := model.Now()
	ch := &model.Channel{ID: model.NewID(), CreateAt: now, UpdateAt: now, TeamID: in.TeamID, Type: in.Type,
		Name: strings.TrimSpace(in.Name), DisplayName: strings.TrimSpace(in.DisplayName),
		Header: in.Header, Purpose: in.Purpose, CreatorID: s.UserID, Props: in.Props}
	err = a.store.Tx(ctx, func(tx store.Store) error { return a.createChannel(ctx, tx, t, ch, true) })
	if err != nil {
		return nil, err
	}
	a.audit(ctx, s, model.AuditChannelCreate, "channel", ch.ID, true, "team_id="+ch.TeamID+" name="+ch.Name)
	return ch, nil
}

// createChannel stores a new public or private channel of team t, for the
// API, the importer and sample data alike: an archived team gets no new
// channels. With creatorJoins, its creator (ch.CreatorID, if any) becomes its
// admin and hears channel_created once tx commits.
func (a *App) createChannel(ctx context.Context, tx store.Store, t *model.Team, ch *model.Channel, creatorJoins bool) error {
	if t.DeleteAt > 0 {
		return model.ErrInvalidBody("team_id")
	}
	if appErr := ch.IsValid(); appErr != nil {
		return appErr
	}
	if err := tx.SaveChannel(ctx, ch); err != nil {
		return storeErr(err, nil, model.NewAppError(http.StatusBadRequest, "store.sql_channel.save_channel.exists.app_error",
			"A channel with that name already exists on the same team."))
	}
	if !creatorJoins || ch.CreatorID == "" {
		return nil
	}
	if err := tx.SaveChannelMember(ctx, &model.ChannelMember{ChannelID: ch.ID, UserID: ch.CreatorID,
		SchemeUser: true, SchemeAdmin: true, NotifyProps: model.DefaultChannelNotifyProps(), LastUpdateAt: ch.CreateAt}); err != nil {
		return model.ErrInternal(err)
	}
	a.publishTx(ctx, tx, model.NewEvent(model.EventChannelCreated, model.Broadcast{UserID: ch.CreatorID},
		map[string]any{"channel_id": ch.ID, "team_id": ch.TeamID}))
	return nil
}

// CreateDirectChannel returns the DM between two users, creating it if needed.
func (a *App) CreateDirectChannel(ctx context.Context, s *model.Session, ids []string) (*model.Channel, error) {
	if len(ids) != 2 || !model.IsValidID(ids[0]) || !model.IsValidID(ids[1]) {
		return nil, model.ErrInvalidBody("user_ids")
	}
	if !slices.Contains(ids, s.UserID) && !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	if !a.HasPermission(s, model.PermCreateDirectChannel) {
		return nil, model.ErrForbidden()
	}
	if ok, err := a.guestMayMessage(ctx, s, ids); err != nil || !ok {
		return nil, cmp.Or(err, error(model.ErrForbidden()))
	}
	users := make([]*model.User, 0, 2)
	for _, id := range ids {
		u, err := a.store.GetUser(ctx, id)
		if err != nil {
			return nil, storeErr(err, model.ErrInvalidBody("user_ids"))
		}
		users = append(users, u)
	}
	name := model.DirectChannelName(ids[0], ids[1])
	if ch, err := a.store.GetChannelByName(ctx, "", name, true); err == nil {
		return ch, nil
	}
	var ch *model.Channel
	err := a.store.Tx(ctx, func(tx store.Store) (err error) {
		ch, _, err = a.openConversation(ctx, tx, users, s.UserID)
		return err
	})
	if errors.Is(err, store.ErrConflict) {
		// Both users opened the DM at once; the other request created it.
		return a.store.GetChannelByName(ctx, "", name, true)
	}
	if err != nil {
		return nil, err
	}
	return ch, nil
}

// CreateGroupChannel returns the group message of 3–8 users (caller included).
func (a *App) CreateGroupChannel(ctx context.Context, s *model.Session, ids []string) (*model.Channel, error) {
	if !slices.Contains(ids, s.UserID) && s.UserID != "" {
		ids = append(ids, s.UserID)
	}
	seen := map[string]bool{}
	var uniq []string
	for _, id := range ids {
		if !model.IsValidID(id) {
			return nil, model.ErrInvalidBody("user_ids")
		}
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	if len(uniq) < 3 || len(uniq) > 8 {
		return nil, model.NewAppError(http.StatusBadRequest, "api.channel.create_group.bad_size.app_error",
			"Group message channels must contain at least 3 and no more than 8 users.")
	}
	if !a.HasPermission(s, model.PermCreateGroupChannel) {
		return nil, model.ErrForbidden()
	}
	if ok, err := a.guestMayMessage(ctx, s, uniq); err != nil || !ok {
		return nil, cmp.Or(err, error(model.ErrForbidden()))
	}
	users, err := a.store.GetUsersByIDs(ctx, uniq, 0)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	if len(users) != len(uniq) {
		return nil, model.ErrInvalidBody("user_ids")
	}
	name := model.GroupChannelName(uniq)
	if ch, err := a.store.GetChannelByName(ctx, "", name, true); err == nil {
		return ch, nil
	}
	// In the order asked for: teammate_ids of group_added.
	slices.SortFunc(users, func(x, y *model.User) int { return slices.Index(uniq, x.ID) - slices.Index(uniq, y.ID) })
	var ch *model.Channel
	err = a.store.Tx(ctx, func(tx store.Store) (err error) {
		ch, _, err = a.openConversation(ctx, tx, users, s.UserID)
		return err
	})
	if err != nil {
		if existing, e2 := a.store.GetChannelByName(ctx, "", name, true); e2 == nil {
			return existing, nil
		}
		return nil, err
	}
	return ch, nil
}

// openConversation finds or creates the conversation of users: the direct
// message of two (the same user twice for one's own), else the group
// message, named by its members' usernames. It stores the channel with its
// members, for the API, the importer and sample data alike, and reports
// whether it created it; then clients hear direct_added or group_added once
// tx commits. creatorID is who opened it ("" for a bulk path).
func (a *App) openConversation(ctx context.Context, tx store.Store, users []*model.User, creatorID string) (*model.Channel, bool, error) {
	ids := make([]string, 0, len(users))
	names := make([]string, 0, len(users))
	var members []*model.User
	for _, u := range users {
		ids = append(ids, u.ID)
		if !slices.ContainsFunc(members, func(m *model.User) bool { return m.ID == u.ID }) {
			members = append(members, u)
			names = append(names, u.Username)
		}
	}
	typ, name := model.ChannelGroup, model.GroupChannelName(ids)
	if len(users) == 2 {
		typ, name = model.ChannelDirect, model.DirectChannelName(ids[0], ids[1])
	}
	ch, err := tx.GetChannelByName(ctx, "", name, true)
	if err == nil {
		return ch, false, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, false, model.ErrInternal(err)
	}
	now := model.Now()
	ch = &model.Channel{ID: model.NewID(), CreateAt: now, UpdateAt: now, Type: typ, Name: name, CreatorID: creatorID}
	if typ == model.ChannelGroup {
		sort.Strings(names)
		ch.DisplayName = strings.Join(names, ", ")
	}
	if err := tx.SaveChannel(ctx, ch); err != nil {
		return nil, false, model.ErrInternal(err)
	}
	for _, u := range members {
		if err := tx.SaveChannelMember(ctx, &model.ChannelMember{ChannelID: ch.ID, UserID: u.ID, SchemeUser: !u.IsGuest(), SchemeGuest: u.IsGuest(),
			NotifyProps: model.DefaultChannelNotifyProps(), LastUpdateAt: now}); err != nil {
			return nil, false, model.ErrInternal(err)
		}
	}
	if typ == model.ChannelDirect {
		// Clients read broadcast.channel_id to fetch the new DM.
		a.publishTx(ctx, tx, model.NewEvent(model.EventDirectAdded, model.Broadcast{ChannelID: ch.ID},
			map[string]any{"teammate_id": model.DirectChannelOtherUser(name, creatorID), "creator_id": creatorID}))
	} else {
		a.publishTx(ctx, tx, model.NewEvent(model.EventGroupAdded, model.Broadcast{ChannelID: ch.ID},
			map[string]any{"teammate_ids": model.JSONString(ids)}))
	}
	return ch, true, nil
}

// TeamPublicChannels lists a team's live (or archived) public channels.
func (a *App) TeamPublicChannels(ctx context.Context, s *model.Session, teamID string, archived bool, p, perPage int) ([]*model.Channel, error) {
	if !a.HasTeamPermission(ctx, s, teamID, model.PermListTeamChannels) {
		return nil, model.ErrForbidden()
	}
	cs, err := a.store.ListPublicChannels(ctx, teamID, archived, page(p, perPage))
	return cs, storeErr(err, nil)
}

// TeamPrivateChannels lists a team's private channels (admins only).
func (a *App) TeamPrivateChannels(ctx context.Context, s *model.Session, teamID string, p, perPage int) ([]*model.Channel, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	cs, err := a.store.ListPrivateChannels(ctx, teamID, page(p, perPage))
	return cs, storeErr(err, nil)
}

// ChannelsByIDs returns the public channels of a team among ids.
func (a *App) ChannelsByIDs(ctx context.Context, s *model.Session, teamID string, ids []string) ([]*model.Channel, error) {
	if !a.HasTeamPermission(ctx, s, teamID, model.PermViewTeam) {
		return nil, model.ErrForbidden()
	}
	out := []*model.Channel{}
	for _, id := range ids {
		ch, err := a.store.GetChannel(ctx, id)
		if err == nil && ch.TeamID == teamID && a.CanReadChannel(ctx, s, ch) {
			out = append(out, ch)
		}
	}
	return out, nil
}

// ChannelsForUser lists the user's channels in a team plus their DMs and GMs.
func (a *App) ChannelsForUser(ctx context.Context, s *model.Session, userID, teamID string, includeDeleted bool, lastDeleteAt int64) ([]*model.Channel, error) {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) || !a.HasTeamPermission(ctx, s, teamID, model.PermViewTeam) {
		return nil, model.ErrForbidden()
	}
	cs, err := a.store.ListChannelsForUser(ctx, userID, teamID, includeDeleted, lastDeleteAt)
	return cs, storeErr(err, nil)
}

// AllChannelsForUser lists the user's channels across all teams, DMs and GMs included.
func (a *App) AllChannelsForUser(ctx context.Context, s *model.Session, userID string, includeDeleted bool, lastDeleteAt int64) ([]*model.Channel, error) {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return nil, model.ErrForbidden()
	}
	cs, err := a.store.ListAllChannelsForUser(ctx, userID, includeDeleted, lastDeleteAt)
	return cs, storeErr(err, nil)
}

// AllChannelMembersForUser pages through the user's memberships in every
// team, each with its team's names; page -1 is all of them.
func (a *App) AllChannelMembersForUser(ctx context.Context, s *model.Session, userID string, page, perPage int) ([]*model.ChannelMemberWithTeamData, error) {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return nil, model.ErrForbidden()
	}
	p := store.Page{Offset: page * perPage, Limit: perPage}
	switch {
	case page == -1:
		p = store.Page{}
	case perPage <= 0:
		return []*model.ChannelMemberWithTeamData{}, nil
	}
	ms, err := a.store.ListChannelMembersWithTeamData(ctx, userID, p)
	return ms, storeErr(err, nil)
}

// ChannelMembersForUser lists the user's memberships in a team, DMs and GMs included.
func (a *App) ChannelMembersForUser(ctx context.Context, s *model.Session, userID, teamID string) ([]*model.ChannelMember, error) {
	if !a.IsSelfOr(s, userID, model.PermManageSystem) || !a.HasTeamPermission(ctx, s, teamID, model.PermViewTeam) {
		return nil, model.ErrForbidden()
	}
	ms, err := a.store.ListChannelMembersForUser(ctx, userID, teamID)
	return ms, storeErr(err, nil)
}

// SearchChannels finds a team's public channels (and the caller's private ones) by name.
func (a *App) SearchChannels(ctx context.Context, s *model.Session, teamID, term string, archived bool) ([]*model.Channel, error) {
	if !a.HasTeamPermission(ctx, s, teamID, model.PermViewTeam) {
		return nil, model.ErrForbidden()
	}
	cs, err := a.store.SearchChannels(ctx, teamID, term, archived, 200)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	out := []*model.Channel{}
	for _, c := range cs {
		if len(out) == 50 {
			break
		}
		if c.Type == model.ChannelOpen || a.isMember(ctx, c.ID, s.UserID) {
			out = append(out, c)
		}
	}
	return out, nil
}

// AutocompleteChannels lists public channels (or, forSearch, the caller's
// channels) whose name starts with prefix.
func (a *App) AutocompleteChannels(ctx context.Context, s *model.Session, teamID, prefix string, forSearch bool) ([]*model.Channel, error) {
	cs, err := a.SearchChannels(ctx, s, teamID, prefix, false)
	if err != nil {
		return nil, err
	}
	out := []*model.Channel{}
	p := strings.ToLower(prefix)
	for _, c := range cs {
		if !strings.HasPrefix(c.Name, p) && !strings.HasPrefix(strings.ToLower(c.DisplayName), p) {
			continue
		}
		if forSearch && !a.isMember(ctx, c.ID, s.UserID) {
			continue
		}
		if !forSearch && c.Type != model.ChannelOpen {
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

// SearchGroupChannels is POST /channels/group/search: the caller's group
// messages with, for every word of term, a member whose username starts
// with it (a group message's display name lists its members' usernames).
func (a *App) SearchGroupChannels(ctx context.Context, s *model.Session, term string) ([]*model.Channel, error) {
	words := strings.Fields(strings.ToLower(term))
	out := []*model.Channel{}
	if len(words) == 0 {
		return out, nil
	}
	cs, err := a.store.ListAllChannelsForUser(ctx, s.UserID, false, 0)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	for _, c := range cs {
		if c.Type != model.ChannelGroup {
			continue
		}
		names := strings.Split(strings.ToLower(c.DisplayName), ", ")
		if !allPrefixMatch(words, names) {
			continue
		}
		out = append(out, c)
		if len(out) == 50 {
			break
		}
	}
	return out, nil
}

// allPrefixMatch reports whether every word starts one of names.
func allPrefixMatch(words, names []string) bool {
	for _, w := range words {
		if !slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, w) }) {
			return false
		}
	}
	return true
}

// AutocompleteChannelsForUser is POST /channels/search?system_console=false,
// the webapp's channel switcher across teams: the public channels of the
// caller's teams and their private channels whose name or display name
// starts with prefix, at most 50, with their team's names (Mattermost's
// App.AutocompleteChannels).
func (a *App) AutocompleteChannelsForUser(ctx context.Context, s *model.Session, prefix string) ([]*model.ChannelWithTeamData, error) {
	teams, err := a.store.ListTeamsForUser(ctx, s.UserID)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	out := []*model.ChannelWithTeamData{}
	for _, t := range teams {
		cs, err := a.AutocompleteChannels(ctx, s, t.ID, prefix, false)
		if err != nil {
			return nil, err
		}
		mine, err := a.AutocompleteChannels(ctx, s, t.ID, prefix, true)
		if err != nil {
			return nil, err
		}
		for _, c := range mine {
			if c.Type == model.ChannelPrivate {
				cs = append(cs, c)
			}
		}
		for _, c := range cs {
			if len(out) == 50 {
				return out, nil
			}
			out = append(out, &model.ChannelWithTeamData{Channel: *c, TeamDisplayName: t.DisplayName, TeamName: t.Name, TeamUpdateAt: t.UpdateAt})
		}
	}
	return out, nil
}

func (a *App) channelForUpdate(ctx context.Context, s *model.Session, id string) (*model.Channel, error) {
	ch, err := a.store.GetChannel(ctx, id)
	if err != nil {
		return nil, storeErr(err, errChannelNotFound())
	}
	switch ch.Type {
	case model.ChannelOpen:
		if !a.HasChannelPermission(ctx, s, ch, model.PermManagePublicProps) {
			return nil, model.ErrForbidden()
		}
	case model.ChannelPrivate:
		if !a.HasChannelPermission(ctx, s, ch, model.PermManagePrivateProps) {
			return nil, model.ErrForbidden()
		}
	default:
		if !a.isMember(ctx, ch.ID, s.UserID) {
			return nil, model.NewAppError(http.StatusForbidden, "api.channel.patch_update_channel.forbidden.app_error",
				"Failed to patch the channel.")
		}
	}
	if ch.DeleteAt > 0 {
		return nil, model.NewAppError(http.StatusBadRequest, "api.channel.update_channel.deleted.app_error",
			"The channel has been archived or deleted.")
	}
	return ch, nil
}

// PatchChannel changes some fields of a channel, posting the usual system messages.
func (a *App) PatchChannel(ctx context.Context, s *model.Session, id string, p *model.ChannelPatch) (*model.Channel, error) {
	ch, err := a.channelForUpdate(ctx, s, id)
	if err != nil {
		return nil, err
	}
	old := *ch
	if p.Name != nil && *p.Name != ch.Name {
		if ch.Name == model.DefaultChannel || ch.IsGroupOrDirect() {
			return nil, model.NewAppError(http.StatusBadRequest, "api.channel.update_channel.tried.app_error",
				"Tried to perform an invalid update of the default channel.")
		}
		ch.Name = *p.Name
	}
	if p.DisplayName != nil {
		ch.DisplayName = *p.DisplayName
	}
	if p.Header != nil {
		ch.Header = *p.Header
	}
	if p.Purpose != nil {
		ch.Purpose = *p.Purpose
	}
	return a.saveChannel(ctx, s, ch, &old)
}

// UpdateChannel replaces the editable fields of a channel.
func (a *App) UpdateChannel(ctx context.Context, s *model.Session, in *model.Channel) (*model.Channel, error) {
	ch, err := a.channelForUpdate(ctx, s, in.ID)
	if err != nil {
		return nil, err
	}
	if in.Type != "" && in.Type != ch.Type {
		return nil, model.NewAppError(http.StatusBadRequest, "api.channel.update_channel.typechange.app_error",
			"Channel type cannot be updated.")
	}
	return a.PatchChannel(ctx, s, in.ID, &model.ChannelPatch{DisplayName: &in.DisplayName, Name: &in.Name,
		Header: &in.Header, Purpose: &in.Purpose})
}

func (a *App) saveChannel(ctx context.Context, s *model.Session, ch, old *model.Channel) (*model.Channel, error) {
	err := a.store.Tx(ctx, func(tx store.Store) error {
		if err := a.updateChannel(ctx, tx, ch); err != nil {
			return err
		}
		if old == nil || s.UserID == "" {
			return nil
		}
		changes := []struct {
			typ, oldV, newV, oldKey, newKey string
		}{
			{model.PostTypeHeaderChange, old.Header, ch.Header, "old_header", "new_header"},
			{model.PostTypePurposeChange, old.Purpose, ch.Purpose, "old_purpose", "new_purpose"},
			{model.PostTypeDisplayName, old.DisplayName, ch.DisplayName, "old_displayname", "new_displayname"},
		}
		for _, c := range changes {
			if c.oldV == c.newV {
				continue
			}
			if _, err := a.systemPost(ctx, tx, ch, s.UserID, c.typ, map[string]any{c.oldKey: c.oldV, c.newKey: c.newV}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ch, nil
}

// updateChannel stores a channel's changed fields, for the API and the
// importer; its members hear channel_updated once tx commits.
func (a *App) updateChannel(ctx context.Context, tx store.Store, ch *model.Channel) error {
	if appErr := ch.IsValid(); appErr != nil {
		return appErr
	}
	ch.UpdateAt = model.Now()
	if err := tx.UpdateChannel(ctx, ch); err != nil {
		return storeErr(err, errChannelNotFound(), model.NewAppError(http.StatusBadRequest,
			"store.sql_channel.update.exists.app_error", "A channel with that name already exists on the same team."))
	}
	a.publishTx(ctx, tx, model.NewEvent(model.EventChannelUpdated, model.Broadcast{ChannelID: ch.ID},
		map[string]any{"channel": model.JSONString(ch)}))
	return nil
}

// SetChannelPrivacy converts a channel between public (O) and private (P).
func (a *App) SetChannelPrivacy(ctx context.Context, s *model.Session, id, privacy string) (*model.Channel, error) {
	ch, err := a.store.GetChannel(ctx, id)
	if err != nil {
		return nil, storeErr(err, errChannelNotFound())
	}
	if ch.IsGroupOrDirect() || (privacy != model.ChannelOpen && privacy != model.ChannelPrivate) {
		return nil, model.ErrInvalidBody("privacy")
	}
	// The permission is checked even when nothing changes, so the answer never
	// hands a private channel to someone who may not convert it.
	perm := model.PermConvertPublicToPrivate
	if privacy == model.ChannelOpen {
		perm = model.PermConvertPrivateToPublic
	}
	if !a.HasTeamPermission(ctx, s, ch.TeamID, perm) {
		return nil, model.ErrForbidden()
	}
	if privacy == ch.Type {
		return ch, nil
	}
	if ch.Name == model.DefaultChannel {
		return nil, model.NewAppError(http.StatusBadRequest, "api.channel.update_channel_privacy.default_channel_error",
			"The default channel cannot be made private.")
	}
	ch.Type = privacy
	out, err := a.saveChannel(ctx, s, ch, nil)
	if err == nil && privacy == model.ChannelPrivate {
		a.publish(ctx, model.NewEvent(model.EventChannelConverted, model.Broadcast{TeamID: ch.TeamID},
			map[string]any{"channel_id": ch.ID}))
	}
	return out, err
}

// ArchiveChannel archives a channel (or deletes it for good when permanent).
func (a *App) ArchiveChannel(ctx context.Context, s *model.Session, id string, permanent bool) error {
	ch, err := a.store.GetChannel(ctx, id)
	if err != nil {
		return storeErr(err, errChannelNotFound())
	}
	if ch.IsGroupOrDirect() {
		return model.NewAppError(http.StatusBadRequest, "api.channel.delete_channel.type.invalid",
			"Cannot delete direct or group message channels.")
	}
	perm := model.PermDeletePublicChannel
	if ch.Type == model.ChannelPrivate {
		perm = model.PermDeletePrivateChannel
	}
	if !a.HasChannelPermission(ctx, s, ch, perm) {
		return model.ErrForbidden()
	}
	if ch.Name == model.DefaultChannel {
		return model.NewAppError(http.StatusBadRequest, "api.channel.delete_channel.cannot.app_error",
			"Unable to delete the default channel.")
	}
	if permanent {
		if !a.Config().EnableAPIDeletion || !a.IsAdmin(s) {
			return model.NewAppError(http.StatusUnauthorized, "api.user.delete_channel.not_enabled.app_error",
				"Permanent channel deletion feature is not enabled. Please contact your System Administrator.")
		}
		return a.PermanentDeleteChannel(ctx, s, ch.ID)
	}
	if ch.DeleteAt > 0 {
		return model.NewAppError(http.StatusBadRequest, "api.channel.delete_channel.deleted.app_error",
			"The channel has been archived or deleted.")
	}
	now := model.Now()
	err = a.store.Tx(ctx, func(tx store.Store) error {
		if s.UserID != "" {
			if _, err := a.systemPost(ctx, tx, ch, s.UserID, model.PostTypeChannelDeleted, nil); err != nil {
				return err
			}
		}
		ch.DeleteAt, ch.UpdateAt = now, now
		return storeErr(tx.UpdateChannel(ctx, ch), errChannelNotFound())
	})
	if err != nil {
		return err
	}
	a.audit(ctx, s, model.AuditChannelArchive, "channel", ch.ID, true, "team_id="+ch.TeamID+" name="+ch.Name)
	a.publish(ctx, model.NewEvent(model.EventChannelDeleted, model.Broadcast{TeamID: ch.TeamID},
		map[string]any{"channel_id": ch.ID, "delete_at": now}))
	return nil
}

// DeleteChannelPermanently removes a channel with its posts, reactions,
// memberships and files (bytes included).
func (a *App) DeleteChannelPermanently(ctx context.Context, ch *model.Channel) error {
	members, err := a.store.ChannelMemberIDs(ctx, ch.ID)
	if err != nil {
		return model.ErrInternal(err)
	}
	if err := a.store.DeleteChannelPermanently(ctx, ch.ID); err != nil {
		return storeErr(err, errChannelNotFound())
	}
	a.drainPurges(ctx)
	for _, uid := range members {
		a.publish(ctx, model.NewEvent(model.EventChannelDeleted, model.Broadcast{UserID: uid},
			map[string]any{"channel_id": ch.ID, "delete_at": model.Now(), "permanent": true}))
	}
	return nil
}

// RestoreChannel un-archives a channel.
func (a *App) RestoreChannel(ctx context.Context, s *model.Session, id string) (*model.Channel, error) {
	ch, err := a.store.GetChannel(ctx, id)
	if err != nil {
		return nil, storeErr(err, errChannelNotFound())
	}
	if ch.TeamID == "" || !a.HasTeamPermission(ctx, s, ch.TeamID, model.PermManageTeam) {
		return nil, model.ErrForbidden()
	}
	if ch.DeleteAt == 0 {
		return nil, model.NewAppError(http.StatusBadRequest, "api.channel.restore_channel.restored.app_error",
			"Unable to unarchive channel. The channel is not archived.")
	}
	err = a.store.Tx(ctx, func(tx store.Store) error {
		ch.DeleteAt, ch.UpdateAt = 0, model.Now()
		if err := tx.UpdateChannel(ctx, ch); err != nil {
			return storeErr(err, errChannelNotFound())
		}
		if s.UserID == "" {
			return nil
		}
		_, err := a.systemPost(ctx, tx, ch, s.UserID, model.PostTypeChannelRestored, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	a.audit(ctx, s, model.AuditChannelRestore, "channel", ch.ID, true, "team_id="+ch.TeamID+" name="+ch.Name)
	a.publish(ctx, model.NewEvent(model.EventChannelRestored, model.Broadcast{TeamID: ch.TeamID},
		map[string]any{"channel_id": ch.ID}))
	return ch, nil
}

// ChannelStats counts a channel's members and pinned posts.
func (a *App) ChannelStats(ctx context.Context, s *model.Session, id string) (*model.ChannelStats, error) {
	if _, err := a.readableChannel(ctx, s, id); err != nil {
		return nil, err
	}
	n, err := a.store.CountChannelMembers(ctx, id)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	pinned, err := a.store.CountPinnedPosts(ctx, id)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	return &model.ChannelStats{ChannelID: id, MemberCount: n, PinnedPostCount: pinned}, nil
}

// ChannelMembers lists a channel's members.
func (a *App) ChannelMembers(ctx context.Context, s *model.Session, id string, p, perPage int) ([]*model.ChannelMember, error) {
	if _, err := a.readableChannel(ctx, s, id); err != nil {
		return nil, err
	}
	ms, err := a.store.ListChannelMembers(ctx, id, page(p, perPage))
	return ms, storeErr(err, nil)
}

// ChannelMembersByIDs returns the memberships among userIDs.
func (a *App) ChannelMembersByIDs(ctx context.Context, s *model.Session, id string, userIDs []string) ([]*model.ChannelMember, error) {
	if _, err := a.readableChannel(ctx, s, id); err != nil {
		return nil, err
	}
	ms, err := a.store.GetChannelMembersByIDs(ctx, id, userIDs)
	return ms, storeErr(err, nil)
}

// ChannelMember returns one membership.
func (a *App) ChannelMember(ctx context.Context, s *model.Session, channelID, userID string) (*model.ChannelMember, error) {
	if _, err := a.readableChannel(ctx, s, channelID); err != nil {
		return nil, err
	}
	m, err := a.store.GetChannelMember(ctx, channelID, userID)
	return m, storeErr(err, errChannelMemberNotFound())
}

// AddChannelMember joins a user to a channel: themselves to a public channel, or
// others with the manage-members permission.
func (a *App) AddChannelMember(ctx context.Context, s *model.Session, channelID, userID string) (*model.ChannelMember, error) {
	ch, err := a.store.GetChannel(ctx, channelID)
	if err != nil {
		return nil, storeErr(err, errChannelNotFound())
	}
	if ch.IsGroupOrDirect() {
		return nil, model.NewAppError(http.StatusBadRequest, "api.channel.add_user_to_channel.type.app_error",
			"Can not add user to this channel type.")
	}
	if ch.DeleteAt > 0 {
		return nil, model.NewAppError(http.StatusBadRequest, "api.channel.add_user.to.channel.failed.deleted.app_error",
			"Failed to add user to channel because the channel has been archived.")
	}
	if m, err := a.store.GetChannelMember(ctx, channelID, userID); err == nil {
		if !a.CanReadChannel(ctx, s, ch) {
			return nil, model.ErrForbidden()
		}
		return m, nil
	}
	switch {
	case userID == s.UserID && ch.Type == model.ChannelOpen:
		if !a.HasTeamPermission(ctx, s, ch.TeamID, model.PermJoinPublicChannels) {
			return nil, model.ErrForbidden()
		}
	case ch.Type == model.ChannelOpen:
		if !a.HasChannelPermission(ctx, s, ch, model.PermManagePublicMembers) {
			return nil, model.ErrForbidden()
		}
	default:
		if !a.HasChannelPermission(ctx, s, ch, model.PermManagePrivateMembers) {
			return nil, model.ErrForbidden()
		}
	}
	u, err := a.store.GetUser(ctx, userID)
	if err != nil {
		return nil, storeErr(err, errUserNotFound())
	}
	tm, err := a.store.GetTeamMember(ctx, ch.TeamID, userID)
	if err != nil {
		return nil, storeErr(err, errTeamMemberNotFound())
	}
	if tm.DeleteAt > 0 || u.DeleteAt > 0 {
		return nil, model.NewAppError(http.StatusBadRequest, "api.channel.add_user.to.channel.failed.deleted.app_error",
			"Failed to add user to channel because they have been removed from the team.")
	}
	postType := model.PostTypeJoinChannel
	if userID != s.UserID {
		postType = model.PostTypeAddToChannel
	}
	err = a.store.Tx(ctx, func(tx store.Store) error {
		_, _, err := a.addChannelMember(ctx, tx, ch, u, joining{actorID: s.UserID, postType: postType})
		return err
	})
	if err != nil {
		return nil, err
	}
	// Recorded about the user, so that `audit list --user` finds it.
	a.audit(ctx, s, model.AuditChannelMemberAdd, "user", userID, true, "channel_id="+ch.ID)
	m, err := a.store.GetChannelMember(ctx, channelID, userID)
	return m, storeErr(err, errChannelMemberNotFound())
}

// addChannelMember stores the membership of a user, posts the join message
// (j.postType, if any) and tells clients. It returns the membership and
// whether it is new; one that was there is returned as it was (the importer
// compares it with the file, without reading it again).
func (a *App) addChannelMember(ctx context.Context, tx store.Store, ch *model.Channel, u *model.User, j joining) (*model.ChannelMember, bool, error) {
	now := model.Now()
	if m, err := tx.GetChannelMember(ctx, ch.ID, u.ID); err == nil {
		return m, false, nil
	}
	m := &model.ChannelMember{ChannelID: ch.ID, UserID: u.ID, SchemeUser: !u.IsGuest(), SchemeGuest: u.IsGuest(), NotifyProps: model.DefaultChannelNotifyProps(),
		LastUpdateAt: now}
	if err := tx.SaveChannelMember(ctx, m); err != nil {
		return nil, false, model.ErrInternal(err)
	}
	if postType := j.postType; postType != "" && !j.fromImport {
		props := map[string]any{"username": u.Username}
		poster := u.ID
		// Added by no one (the command line): a join message, as Mattermost
		// posts when the requestor is empty.
		if j.actorID == "" && postType == model.PostTypeAddToChannel {
			postType = model.PostTypeJoinChannel
		} else if j.actorID == "" && postType == model.PostTypeAddToTeam {
			postType = model.PostTypeJoinTeam
		}
		if postType == model.PostTypeAddToChannel || postType == model.PostTypeAddToTeam {
			actor, err := tx.GetUser(ctx, j.actorID)
			if err != nil {
				return nil, false, storeErr(err, errUserNotFound())
			}
			props = map[string]any{"userId": actor.ID, "username": actor.Username, "addedUserId": u.ID, "addedUsername": u.Username}
			poster = j.actorID
		}
		if _, err := a.systemPost(ctx, tx, ch, poster, postType, props); err != nil {
			return nil, false, err
		}
	}
	if !j.fromImport {
		// The new member has read everything before joining.
		if _, err := tx.ViewChannel(ctx, ch.ID, u.ID, now); err != nil {
			return nil, false, model.ErrInternal(err)
		}
	}
	a.publishTx(ctx, tx, model.NewEvent(model.EventUserAdded, model.Broadcast{ChannelID: ch.ID},
		map[string]any{"user_id": u.ID, "team_id": ch.TeamID}))
	return m, true, nil
}

// RemoveChannelMember makes a user leave a channel, or removes them.
func (a *App) RemoveChannelMember(ctx context.Context, s *model.Session, channelID, userID string) error {
	ch, err := a.store.GetChannel(ctx, channelID)
	if err != nil {
		return storeErr(err, errChannelNotFound())
	}
	if ch.Type == model.ChannelDirect {
		return model.NewAppError(http.StatusBadRequest, "api.channel.remove_channel_member.type.app_error",
			"Cannot remove user from a direct message channel.")
	}
	if userID != s.UserID {
		perm := model.PermManagePublicMembers
		if ch.Type == model.ChannelPrivate {
			perm = model.PermManagePrivateMembers
		}
		if !a.HasChannelPermission(ctx, s, ch, perm) {
			return model.ErrForbidden()
		}
	}
	if ch.Name == model.DefaultChannel {
		return model.NewAppError(http.StatusBadRequest, "api.channel.remove.default.app_error",
			"Unable to remove user from the default channel.")
	}
	if _, err := a.store.GetChannelMember(ctx, channelID, userID); err != nil {
		return storeErr(err, errChannelMemberNotFound())
	}
	u, err := a.store.GetUser(ctx, userID)
	if err != nil {
		return storeErr(err, errUserNotFound())
	}
	err = a.store.Tx(ctx, func(tx store.Store) error {
		if ch.DeleteAt == 0 && ch.Type != model.ChannelGroup {
			typ, props, poster := model.PostTypeLeaveChannel, map[string]any{"username": u.Username}, userID
			if userID != s.UserID {
				typ, props, poster = model.PostTypeRemoveFromChan, map[string]any{"removedUserId": userID, "removedUsername": u.Username}, s.UserID
			}
			if _, err := a.systemPost(ctx, tx, ch, poster, typ, props); err != nil {
				return err
			}
		}
		return storeErr(tx.DeleteChannelMember(ctx, channelID, userID), errChannelMemberNotFound())
	})
	if err != nil {
		return err
	}
	a.audit(ctx, s, model.AuditChannelMemberRemove, "user", userID, true, "channel_id="+channelID)
	a.publish(ctx, model.NewEvent(model.EventUserRemoved, model.Broadcast{ChannelID: channelID},
		map[string]any{"user_id": userID, "remover_id": s.UserID, "channel_id": channelID}))
	a.publish(ctx, model.NewEvent(model.EventUserRemoved, model.Broadcast{UserID: userID},
		map[string]any{"remover_id": s.UserID, "channel_id": channelID}))
	return nil
}

// UpdateChannelMemberRoles sets a member's channel roles.
func (a *App) UpdateChannelMemberRoles(ctx context.Context, s *model.Session, channelID, userID, roles string) error {
	m, err := a.memberForRoles(ctx, s, channelID, userID)
	if err != nil {
		return err
	}
	m.SchemeUser, m.SchemeAdmin, m.SchemeGuest, m.ExplicitRoles = false, false, false, ""
	for _, r := range strings.Fields(roles) {
		switch r {
		case model.RoleChannelUser:
			m.SchemeUser = true
		case model.RoleChannelAdmin:
			m.SchemeAdmin = true
		case model.RoleChannelGuest:
			return model.ErrGuestRole(r)
		default:
			return model.ErrInvalidBody("roles")
		}
	}
	return a.saveChannelMember(ctx, a.store, m)
}

// UpdateChannelMemberSchemeRoles sets the scheme flags of a membership.
func (a *App) UpdateChannelMemberSchemeRoles(ctx context.Context, s *model.Session, channelID, userID string, admin, user, guest bool) error {
	m, err := a.memberForRoles(ctx, s, channelID, userID)
	if err != nil {
		return err
	}
	if guest {
		return model.ErrGuestRole(model.RoleChannelGuest)
	}
	m.SchemeAdmin, m.SchemeUser, m.SchemeGuest = admin, user, false
	return a.saveChannelMember(ctx, a.store, m)
}

func (a *App) memberForRoles(ctx context.Context, s *model.Session, channelID, userID string) (*model.ChannelMember, error) {
	ch, err := a.store.GetChannel(ctx, channelID)
	if err != nil {
		return nil, storeErr(err, errChannelNotFound())
	}
	if !a.HasChannelPermission(ctx, s, ch, model.PermManageChannelRoles) {
		return nil, model.ErrForbidden()
	}
	m, err := a.store.GetChannelMember(ctx, channelID, userID)
	return m, storeErr(err, errChannelMemberNotFound())
}

// saveChannelMember stores a member's changed roles or notify props and tells
// the member.
func (a *App) saveChannelMember(ctx context.Context, tx store.Store, m *model.ChannelMember) error {
	m.LastUpdateAt = model.Now()
	if err := tx.SaveChannelMember(ctx, m); err != nil {
		return model.ErrInternal(err)
	}
	m.Roles = m.RolesString()
	a.publishTx(ctx, tx, model.NewEvent(model.EventChannelMemberUpdated, model.Broadcast{UserID: m.UserID},
		map[string]any{"channelMember": model.JSONString(m)}))
	return nil
}

var validNotifyProps = map[string][]string{
	"desktop":                     {"default", "all", "mention", "none"},
	"push":                        {"default", "all", "mention", "none"},
	"email":                       {"default", "true", "false"},
	"mark_unread":                 {"all", "mention"},
	"ignore_channel_mentions":     {"default", "on", "off"},
	"channel_auto_follow_threads": {"on", "off"},
}

// UpdateChannelMemberNotifyProps merges the given keys into the member's notify props.
func (a *App) UpdateChannelMemberNotifyProps(ctx context.Context, s *model.Session, channelID, userID string, props model.StringMap) error {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return model.ErrForbidden()
	}
	m, err := a.store.GetChannelMember(ctx, channelID, userID)
	if err != nil {
		return storeErr(err, errChannelMemberNotFound())
	}
	for k, v := range props {
		if allowed, ok := validNotifyProps[k]; ok && !slices.Contains(allowed, v) {
			return model.NewAppError(http.StatusBadRequest, "model.channel_member.is_valid.notify_level.app_error",
				"Invalid notify level for "+k+".")
		}
		if len(k) > 64 || len(v) > 256 {
			return model.ErrInvalidBody("notify_props")
		}
		m.NotifyProps[k] = v
	}
	return a.saveChannelMember(ctx, a.store, m)
}

// ViewChannels marks channels read for the user; it returns channel id →
// last_viewed_at. A client that does not show collapsed threads
// (crtSupported false), or a user who has them off, reads the channels'
// threads too.
func (a *App) ViewChannels(ctx context.Context, s *model.Session, userID string, crtSupported bool, ids ...string) (map[string]int64, error) {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return nil, model.ErrForbidden()
	}
	out := map[string]int64{}
	now := model.Now()
	push := a.Config().PushEnabled()
	var cleared []string
	for _, id := range ids {
		if id == "" {
			continue
		}
		if push {
			// Only a channel with mentions put something on the phones.
			if m, err := a.store.GetChannelMember(ctx, id, userID); err == nil && m.MentionCount > 0 {
				cleared = append(cleared, id)
			}
		}
		at, err := a.store.ViewChannel(ctx, id, userID, now)
		if errors.Is(err, store.ErrNotFound) {
			continue // not a member: nothing to mark
		}
		if err != nil {
			return nil, model.ErrInternal(err)
		}
		out[id] = at
		a.publish(ctx, model.NewEvent(model.EventChannelViewed, model.Broadcast{UserID: userID},
			map[string]any{"channel_id": id}))
	}
	a.clearPushes(ctx, userID, s.ID, cleared)
	if len(out) > 0 && (!crtSupported || !a.CRTEnabled(ctx, userID)) {
		a.markChannelThreadsRead(ctx, userID, slices.Collect(maps.Keys(out)), now)
	}
	return out, nil
}

// ChannelUnread is the unread summary of one channel for a user.
func (a *App) ChannelUnread(ctx context.Context, s *model.Session, userID, channelID string) (*model.ChannelUnread, error) {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) {
		return nil, model.ErrForbidden()
	}
	ch, err := a.readableChannel(ctx, s, channelID)
	if err != nil {
		return nil, err
	}
	m, err := a.store.GetChannelMember(ctx, channelID, userID)
	if err != nil {
		return nil, storeErr(err, errChannelMemberNotFound())
	}
	return &model.ChannelUnread{TeamID: ch.TeamID, ChannelID: ch.ID, MsgCount: max(ch.TotalMsgCount-m.MsgCount, 0),
		MentionCount: m.MentionCount, MentionCountRoot: m.MentionCountRoot,
		MsgCountRoot: max(ch.TotalMsgCountRoot-m.MsgCountRoot, 0), UrgentMentionCount: m.UrgentMentionCount}, nil
}
