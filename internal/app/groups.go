package app

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Custom user groups, as Mattermost's (docs/identity.md): every user may
// create one and manage any (create_custom_group, edit_custom_group,
// delete_custom_group, restore_custom_group and manage_custom_group_members
// are system_user permissions by default); an @name mentions the members in
// the channel. Parley has no directory-synced groups, so a channel's or a
// team's group list stays empty.

func errGroupNotFound() *model.AppError {
	return model.NewAppError(http.StatusNotFound, "app.group.no_rows", "No matching group found.")
}

func errGroupNameTaken() *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "app.custom_group.unique_name", "Group name is not unique.")
}

// errNameIsUsername is Mattermost's isUniqueToUsernames refusal: an @name
// must not mean both a user and a group.
func errNameIsUsername(name string) *model.AppError {
	e := model.NewAppError(http.StatusBadRequest, "<untranslated>", "A user already has this name.")
	e.DetailedError = "user name " + name + " exists"
	return e
}

func errNotCustomGroup(status int) *model.AppError {
	return model.NewAppError(status, "app.group.crud_permission", "Unable to perform operation for that source type.")
}

func errMustBeReferenceable() *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "api.custom_groups.must_be_referenceable",
		"Custom groups must be referenceable (allow_reference true).")
}

// customGroupsOn refuses while ServiceSettings.EnableCustomGroups is off.
func (a *App) customGroupsOn() error {
	if !a.Config().EnableCustomGroups {
		return model.ErrCustomGroupsDisabled()
	}
	return nil
}

// GroupOptions asks GetGroup and ListGroups for more than the group rows.
type GroupOptions struct {
	MemberCount bool
	MemberIDs   bool
	// ChannelMemberCount names a channel: each group's channel_member_count
	// is how many of its members are in it.
	ChannelMemberCount string
}

// CreateGroup makes a custom group with its first members.
func (a *App) CreateGroup(ctx context.Context, s *model.Session, in *model.GroupWithUserIDs) (*model.Group, error) {
	if in.Source != model.GroupSourceCustom {
		return nil, errNotCustomGroup(http.StatusBadRequest)
	}
	if err := a.customGroupsOn(); err != nil {
		return nil, err
	}
	if !a.HasPermission(s, model.PermCreateCustomGroup) {
		return nil, model.ErrForbidden()
	}
	if !in.AllowReference {
		return nil, errMustBeReferenceable()
	}
	if in.RemoteID != nil && *in.RemoteID != "" {
		return nil, model.NewAppError(http.StatusBadRequest, "api.custom_groups.no_remote_id",
			"remote_id must be blank for a custom group.")
	}
	if err := a.nameFreeOfUsers(ctx, in.Name); err != nil {
		return nil, err
	}
	now := model.Now()
	g := &model.Group{ID: model.NewID(), Name: in.Name, DisplayName: in.DisplayName, Description: in.Description,
		Source: model.GroupSourceCustom, AllowReference: true, CreateAt: now, UpdateAt: now}
	if err := model.ValidateGroup(g); err != nil {
		return nil, err
	}
	ids, err := a.groupUserIDs(ctx, in.UserIDs)
	if err != nil {
		return nil, err
	}
	if err := a.store.CreateGroup(ctx, g, ids); err != nil {
		return nil, storeErr(err, nil, errGroupNameTaken())
	}
	n := int64(len(ids))
	g.MemberCount = &n
	a.publishGroup(ctx, g)
	return g, nil
}

// nameFreeOfUsers refuses a group name that is some user's username.
func (a *App) nameFreeOfUsers(ctx context.Context, name string) error {
	if name == "" {
		return nil
	}
	_, err := a.store.GetUserByUsername(ctx, name)
	switch {
	case err == nil:
		return errNameIsUsername(name)
	case errors.Is(err, store.ErrNotFound):
		return nil
	}
	return model.ErrInternal(err)
}

// groupUserIDs checks the user_ids of a request: well-formed, of active
// users, at most MaxGroupMembersPerRequest; duplicates are dropped.
func (a *App) groupUserIDs(ctx context.Context, ids []string) ([]string, error) {
	if len(ids) > model.MaxGroupMembersPerRequest {
		return nil, model.ErrInvalidBody("user_ids")
	}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !model.IsValidID(id) {
			return nil, model.ErrInvalidBody("user_ids")
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return out, nil
	}
	users, err := a.store.GetUsersByIDs(ctx, out, 0)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	active := 0
	for _, u := range users {
		if u.DeleteAt == 0 {
			active++
		}
	}
	if active != len(out) {
		return nil, model.ErrInvalidBody("user_ids")
	}
	return out, nil
}

// customGroup loads a group for a change, which only custom groups allow,
// while custom groups are on and the caller holds perm.
func (a *App) customGroup(ctx context.Context, s *model.Session, id, perm string, wrongSource int) (*model.Group, error) {
	g, err := a.store.GetGroup(ctx, id)
	if err != nil {
		return nil, storeErr(err, errGroupNotFound())
	}
	if g.Source != model.GroupSourceCustom {
		return nil, errNotCustomGroup(wrongSource)
	}
	if err := a.customGroupsOn(); err != nil {
		return nil, err
	}
	if !a.HasPermission(s, perm) {
		return nil, model.ErrForbidden()
	}
	return g, nil
}

// GetGroup answers one group.
func (a *App) GetGroup(ctx context.Context, s *model.Session, id string, o GroupOptions) (*model.Group, error) {
	g, err := a.store.GetGroup(ctx, id)
	if err != nil {
		return nil, storeErr(err, errGroupNotFound())
	}
	if !g.AllowReference && !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	if g.Source == model.GroupSourceCustom {
		if err := a.customGroupsOn(); err != nil {
			return nil, err
		}
	}
	if err := a.fillGroups(ctx, []*model.Group{g}, o); err != nil {
		return nil, err
	}
	return g, nil
}

func (a *App) fillGroups(ctx context.Context, gs []*model.Group, o GroupOptions) error {
	for _, g := range gs {
		if o.MemberCount && g.MemberCount == nil {
			n, err := a.store.GroupMemberCount(ctx, g.ID)
			if err != nil {
				return model.ErrInternal(err)
			}
			g.MemberCount = &n
		}
		if o.MemberIDs {
			ids, err := a.store.GroupMemberIDs(ctx, g.ID)
			if err != nil {
				return model.ErrInternal(err)
			}
			g.MemberIDs = ids
		}
	}
	return nil
}

// ListGroups pages the groups matching f. Only admins see groups that cannot
// be mentioned; with custom groups off, only directory groups (of which
// Parley has none) are listed, and asking for custom ones is refused.
func (a *App) ListGroups(ctx context.Context, s *model.Session, f store.GroupFilter, o GroupOptions, p, perPage int) ([]*model.Group, error) {
	if !a.Config().EnableCustomGroups {
		if f.Source == model.GroupSourceCustom {
			return nil, model.ErrCustomGroupsDisabled()
		}
		f.Source = model.GroupSourceLdap
	}
	f.AllowReference = f.AllowReference || !a.IsAdmin(s)
	f.MemberCount = o.MemberCount
	if o.ChannelMemberCount != "" {
		// Mattermost asks for the right to manage the channel's members.
		ch, err := a.store.GetChannel(ctx, o.ChannelMemberCount)
		if err != nil {
			return nil, storeErr(err, errChannelNotFound())
		}
		perm := model.PermManagePublicMembers
		if ch.Type == model.ChannelPrivate {
			perm = model.PermManagePrivateMembers
		}
		if !a.HasChannelPermission(ctx, s, ch, perm) {
			return nil, model.ErrForbidden()
		}
	}
	gs, err := a.store.ListGroups(ctx, f, page(p, perPage))
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	if err := a.fillGroups(ctx, gs, GroupOptions{MemberIDs: o.MemberIDs}); err != nil {
		return nil, err
	}
	if o.ChannelMemberCount != "" {
		ids := make([]string, len(gs))
		for i, g := range gs {
			ids[i] = g.ID
		}
		counts, err := a.store.GroupChannelMemberCounts(ctx, o.ChannelMemberCount, ids)
		if err != nil {
			return nil, model.ErrInternal(err)
		}
		for _, g := range gs {
			n := counts[g.ID]
			g.ChannelMemberCount = &n
		}
	}
	return gs, nil
}

// CountGroups counts the live groups (GET /groups?include_total_count=true).
func (a *App) CountGroups(ctx context.Context) (int64, error) {
	n, err := a.store.CountGroups(ctx)
	return n, storeErr(err, nil)
}

// GroupsForUser answers the groups a user belongs to: the caller's own, or
// anyone's for a system admin.
func (a *App) GroupsForUser(ctx context.Context, s *model.Session, userID string) ([]*model.Group, error) {
	if !a.IsSelfOr(s, userID, model.PermManageSystem) {
		return nil, model.ErrForbidden()
	}
	f := store.GroupFilter{HasMember: userID, AllowReference: !a.IsAdmin(s)}
	if !a.Config().EnableCustomGroups {
		f.Source = model.GroupSourceLdap
	}
	gs, err := a.store.ListGroups(ctx, f, store.Page{})
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	return gs, nil
}

// PatchGroup changes a custom group's name, display name or description.
func (a *App) PatchGroup(ctx context.Context, s *model.Session, id string, p *model.GroupPatch) (*model.Group, error) {
	g, err := a.customGroup(ctx, s, id, model.PermEditCustomGroup, http.StatusBadRequest)
	if err != nil {
		return nil, err
	}
	if p.AllowReference != nil && !*p.AllowReference {
		return nil, errMustBeReferenceable()
	}
	if p.Name != nil && *p.Name != g.Name {
		switch name := *p.Name; {
		case name == "all" || name == "channel" || name == "here":
			return nil, model.NewAppError(http.StatusBadRequest, "api.ldap_groups.existing_reserved_name_error",
				"A group name may not be a reserved word.")
		default:
			if err := a.nameFreeOfUsers(ctx, name); err != nil {
				return nil, model.NewAppError(http.StatusBadRequest, "api.ldap_groups.existing_user_name_error",
					"A user already has this name.").Wrap(err)
			}
		}
		g.Name = *p.Name
	}
	if p.DisplayName != nil {
		g.DisplayName = *p.DisplayName
	}
	if p.Description != nil {
		g.Description = *p.Description
	}
	if err := model.ValidateGroup(g); err != nil {
		return nil, err
	}
	g.UpdateAt = model.Now()
	if err := a.store.UpdateGroup(ctx, g); err != nil {
		return nil, storeErr(err, errGroupNotFound(), errGroupNameTaken())
	}
	if err := a.fillGroups(ctx, []*model.Group{g}, GroupOptions{MemberCount: true}); err != nil {
		return nil, err
	}
	a.publishGroup(ctx, g)
	return g, nil
}

// ArchiveGroup archives a custom group (DELETE /groups/{id}): it is no
// longer listed or mentioned, and keeps its members for a restore.
func (a *App) ArchiveGroup(ctx context.Context, s *model.Session, id string) (*model.Group, error) {
	return a.setGroupArchived(ctx, s, id, model.PermDeleteCustomGroup, true)
}

// RestoreGroup brings an archived custom group back.
func (a *App) RestoreGroup(ctx context.Context, s *model.Session, id string) (*model.Group, error) {
	return a.setGroupArchived(ctx, s, id, model.PermRestoreCustomGroup, false)
}

func (a *App) setGroupArchived(ctx context.Context, s *model.Session, id, perm string, archive bool) (*model.Group, error) {
	wrongSource := http.StatusBadRequest
	if !archive {
		wrongSource = http.StatusNotImplemented // as Mattermost answers a restore
	}
	g, err := a.customGroup(ctx, s, id, perm, wrongSource)
	if err != nil {
		return nil, err
	}
	if (g.DeleteAt > 0) == archive {
		return nil, errGroupNotFound() // already so: Mattermost finds no group to change
	}
	now := model.Now()
	g.UpdateAt, g.DeleteAt = now, 0
	if archive {
		g.DeleteAt = now
	}
	if err := a.store.UpdateGroup(ctx, g); err != nil {
		return nil, storeErr(err, errGroupNotFound())
	}
	a.publishGroup(ctx, g)
	return g, nil
}

// GroupMembers pages a group's active members.
func (a *App) GroupMembers(ctx context.Context, s *model.Session, id string, p, perPage int) (*model.GroupMemberList, error) {
	g, err := a.store.GetGroup(ctx, id)
	if err != nil {
		return nil, storeErr(err, errGroupNotFound())
	}
	if g.Source == model.GroupSourceCustom {
		if err := a.customGroupsOn(); err != nil {
			return nil, err
		}
	} else if !g.AllowReference && !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	users, err := a.store.GroupMembers(ctx, id, page(p, perPage))
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	n, err := a.store.GroupMemberCount(ctx, id)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	return &model.GroupMemberList{Members: a.sanitizeAll(s, users), Count: n}, nil
}

// GroupStats counts a group's members; Mattermost keeps it for those who may
// read the System Console's groups, here the system admins.
func (a *App) GroupStats(ctx context.Context, s *model.Session, id string) (*model.GroupStats, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	if _, err := a.store.GetGroup(ctx, id); err != nil {
		return nil, storeErr(err, errGroupNotFound())
	}
	n, err := a.store.GroupMemberCount(ctx, id)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	return &model.GroupStats{GroupID: id, TotalMemberCount: n}, nil
}

// AddGroupMembers adds users to a custom group and answers the memberships
// made (those already in it are left out); each new member hears of it.
func (a *App) AddGroupMembers(ctx context.Context, s *model.Session, id string, userIDs []string) ([]*model.GroupMember, error) {
	if _, err := a.customGroup(ctx, s, id, model.PermManageCustomGroupMembers, http.StatusBadRequest); err != nil {
		return nil, err
	}
	ids, err := a.groupUserIDs(ctx, userIDs)
	if err != nil {
		return nil, err
	}
	ms, err := a.store.AddGroupMembers(ctx, id, ids, model.Now())
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	a.publishGroupMembers(ctx, model.EventGroupMemberAdd, ms)
	return ms, nil
}

// RemoveGroupMembers takes users out of a custom group and answers the
// memberships removed.
func (a *App) RemoveGroupMembers(ctx context.Context, s *model.Session, id string, userIDs []string) ([]*model.GroupMember, error) {
	if _, err := a.customGroup(ctx, s, id, model.PermManageCustomGroupMembers, http.StatusBadRequest); err != nil {
		return nil, err
	}
	if len(userIDs) > model.MaxGroupMembersPerRequest {
		return nil, model.ErrInvalidBody("user_ids")
	}
	for _, u := range userIDs {
		if !model.IsValidID(u) {
			return nil, model.ErrInvalidBody("user_ids")
		}
	}
	ms, err := a.store.RemoveGroupMembers(ctx, id, userIDs, model.Now())
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	a.publishGroupMembers(ctx, model.EventGroupMemberDeleted, ms)
	return ms, nil
}

// publishGroup tells everyone of a created, changed, archived or restored
// group (received_group), as custom groups are visible to every user.
func (a *App) publishGroup(ctx context.Context, g *model.Group) {
	a.publish(ctx, model.NewEvent(model.EventReceivedGroup, model.Broadcast{},
		map[string]any{"group": model.JSONString(g)}))
}

func (a *App) publishGroupMembers(ctx context.Context, event string, ms []*model.GroupMember) {
	for _, m := range ms {
		a.publish(ctx, model.NewEvent(event, model.Broadcast{UserID: m.UserID},
			map[string]any{"group_member": model.JSONString(m)}))
	}
}

// GroupsForChannel answers a readable channel's synced groups: none.
func (a *App) GroupsForChannel(ctx context.Context, s *model.Session, channelID string) (*model.GroupsWithCount, error) {
	if _, err := a.readableChannel(ctx, s, channelID); err != nil {
		return nil, err
	}
	return &model.GroupsWithCount{Groups: []any{}}, nil
}

// GroupsForTeam answers the synced groups of a team the caller may view: none.
func (a *App) GroupsForTeam(ctx context.Context, s *model.Session, teamID string) (*model.GroupsWithCount, error) {
	if !a.HasTeamPermission(ctx, s, teamID, model.PermViewTeam) {
		return nil, model.ErrForbidden()
	}
	return &model.GroupsWithCount{Groups: []any{}}, nil
}

// groupMentionNames returns the @words that may name a group.
func groupMentionNames(words []string) []string {
	names := mentionedUsernames(words)
	return slices.DeleteFunc(names, func(n string) bool {
		return n == "all" || n == "channel" || n == "here" || strings.ContainsAny(n, "@")
	})
}
