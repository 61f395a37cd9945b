package app

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

func errTeamNotFound() *model.AppError {
	return model.ErrNotFound("app.team.get.find.app_error", "team")
}

func errTeamNameNotFound() *model.AppError {
	return model.ErrNotFound("app.team.get_by_name.missing.app_error", "team")
}

func errTeamMemberNotFound() *model.AppError {
	return model.ErrNotFound("app.team.get_member.missing.app_error", "team member")
}

// sanitizeTeam blanks the contact email and invite id for callers without rights.
func (a *App) sanitizeTeam(ctx context.Context, s *model.Session, t *model.Team) *model.Team {
	if !a.HasTeamPermission(ctx, s, t.ID, model.PermManageTeam) {
		t.Email = ""
	}
	if !a.HasTeamPermission(ctx, s, t.ID, model.PermInviteUser) {
		t.InviteID = ""
	}
	return t
}

// canViewTeam: members, admins, and anyone for an open team.
func (a *App) canViewTeam(ctx context.Context, s *model.Session, t *model.Team) bool {
	return a.HasTeamPermission(ctx, s, t.ID, model.PermViewTeam) || (t.Type == model.TeamOpen && t.AllowOpenInvite)
}

// CreateTeam creates a team with its default channels and makes the caller its admin.
func (a *App) CreateTeam(ctx context.Context, s *model.Session, t *model.Team) (*model.Team, error) {
	if !a.Config().EnableTeamCreation && !a.IsAdmin(s) {
		return nil, model.NewAppError(http.StatusForbidden, "api.team.is_team_creation_allowed.disabled.app_error",
			"Team creation has been disabled. Please ask your System Administrator for details.")
	}
	if !a.HasPermission(s, model.PermCreateTeam) {
		return nil, model.ErrForbidden()
	}
	now := model.Now()
	nt := &model.Team{ID: model.NewID(), CreateAt: now, UpdateAt: now, DisplayName: strings.TrimSpace(t.DisplayName),
		Name: strings.ToLower(t.Name), Description: t.Description, Email: strings.ToLower(t.Email), Type: t.Type,
		CompanyName: t.CompanyName, AllowedDomains: t.AllowedDomains, InviteID: model.NewID(), AllowOpenInvite: t.AllowOpenInvite}
	var creator *model.User
	if s.UserID != "" {
		u, err := a.store.GetUser(ctx, s.UserID)
		if err != nil {
			return nil, storeErr(err, errUserNotFound())
		}
		creator = u
		nt.Email = u.Email // as Mattermost's CreateTeamWithUser: the team's contact is its creator
	}
	err := a.store.Tx(ctx, func(tx store.Store) error {
		_, err := a.createTeam(ctx, tx, nt, creator)
		return err
	})
	if err != nil {
		return nil, err
	}
	a.audit(ctx, s, model.AuditTeamCreate, "team", nt.ID, true, "name="+nt.Name)
	return nt, nil
}

// createTeam stores a new team with its default channels and, given a
// creator, makes them its admin: how a team comes to be for the API, the
// importer and sample data alike. It returns the default channels.
func (a *App) createTeam(ctx context.Context, tx store.Store, t *model.Team, creator *model.User) ([]*model.Channel, error) {
	if appErr := t.IsValid(); appErr != nil {
		return nil, appErr
	}
	if err := tx.SaveTeam(ctx, t); err != nil {
		return nil, storeErr(err, nil, model.NewAppError(http.StatusBadRequest, "app.team.save.existing.app_error",
			"A team with that name already exists."))
	}
	creatorID := ""
	if creator != nil {
		creatorID = creator.ID
	}
	var chans []*model.Channel
	for _, dc := range [...]struct{ name, display string }{{model.DefaultChannel, "Town Square"}, {model.OffTopicChannel, "Off-Topic"}} {
		ch := &model.Channel{ID: model.NewID(), CreateAt: t.CreateAt, UpdateAt: t.CreateAt, TeamID: t.ID, Type: model.ChannelOpen,
			Name: dc.name, DisplayName: dc.display, CreatorID: creatorID}
		// The creator joins them as a team member, below.
		if err := a.createChannel(ctx, tx, t, ch, false); err != nil {
			return nil, err
		}
		chans = append(chans, ch)
	}
	if creator == nil {
		return chans, nil
	}
	m, _, err := a.joinTeam(ctx, tx, t, creator, joining{})
	if err != nil {
		return nil, err
	}
	m.SchemeAdmin = true
	return chans, storeErr(tx.SaveTeamMember(ctx, m), nil)
}

// joining says how a user comes to a team or channel.
type joining struct {
	// actorID is who added them: "" when they joined themselves, or the
	// command line added them.
	actorID string
	// postType is the system message of joining a channel ("" for none).
	postType string
	// fromImport is a bulk path (an import, sample data), as Mattermost's
	// importer joins with FromImport: the file carries the posts, the
	// memberships and what was read, so no system messages, no default
	// channels, nothing marked read; it restores a server's state, so the
	// team's allowed domains do not apply.
	fromImport bool
	// members counts team members for a batch (nil: count at each join).
	members *memberCounts
}

// joinTeam adds (or reactivates) a member and, through the API, joins them to
// the default channels. It reports whether the membership is new.
func (a *App) joinTeam(ctx context.Context, tx store.Store, t *model.Team, u *model.User, j joining) (*model.TeamMember, bool, error) {
	existing, err := tx.GetTeamMember(ctx, t.ID, u.ID)
	if err == nil && existing.DeleteAt == 0 {
		return existing, false, nil
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, false, model.ErrInternal(err)
	}
	if t.DeleteAt > 0 {
		return nil, false, errTeamArchived()
	}
	if !j.fromImport && t.AllowedDomains != "" && !u.IsBot && !emailInDomains(u.Email, t.AllowedDomains) {
		return nil, false, model.NewAppError(http.StatusBadRequest, "api.team.join_user_to_team.allowed_domains.app_error",
			"The user cannot be added as the domain associated with the account is not permitted.")
	}
	count, err := j.members.get(ctx, tx, t.ID)
	if err != nil {
		return nil, false, model.ErrInternal(err)
	}
	if count >= int64(a.Config().MaxUsersPerTeam) {
		return nil, false, model.NewAppError(http.StatusBadRequest, "app.team.join_user_to_team.max_accounts.app_error",
			"This team has reached the maximum number of allowed accounts.")
	}
	m := &model.TeamMember{TeamID: t.ID, UserID: u.ID, SchemeUser: !u.IsGuest(), SchemeGuest: u.IsGuest(), CreateAt: model.Now()}
	if existing != nil {
		m.CreateAt = existing.CreateAt
	}
	if err := tx.SaveTeamMember(ctx, m); err != nil {
		return nil, false, model.ErrInternal(err)
	}
	j.members.joined(t.ID)
	m.Roles = m.RolesString()
	if !j.fromImport {
		postType := model.PostTypeJoinTeam
		if j.actorID != "" && j.actorID != u.ID {
			postType = model.PostTypeAddToTeam
		}
		for _, name := range []string{model.DefaultChannel, model.OffTopicChannel} {
			ch, err := tx.GetChannelByName(ctx, t.ID, name, false)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, false, model.ErrInternal(err)
			}
			cj := joining{actorID: j.actorID}
			if name == model.DefaultChannel {
				cj.postType = postType
			}
			if _, _, err := a.addChannelMember(ctx, tx, ch, u, cj); err != nil {
				return nil, false, err
			}
		}
	}
	a.publishTx(ctx, tx, model.NewEvent(model.EventAddedToTeam, model.Broadcast{UserID: u.ID},
		map[string]any{"team_id": t.ID, "user_id": u.ID}))
	return m, true, nil
}

func errTeamArchived() *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "app.team.join_user_to_team.archived.app_error", "The team is archived.")
}

func emailInDomains(email, domains string) bool {
	_, domain, _ := strings.Cut(email, "@")
	for _, d := range strings.FieldsFunc(domains, func(r rune) bool { return r == ',' || r == ' ' || r == '@' }) {
		if strings.EqualFold(d, domain) {
			return true
		}
	}
	return false
}

// GetTeam returns a team the caller may view.
func (a *App) GetTeam(ctx context.Context, s *model.Session, id string) (*model.Team, error) {
	t, err := a.store.GetTeam(ctx, id)
	if err != nil {
		return nil, storeErr(err, errTeamNotFound())
	}
	if !a.canViewTeam(ctx, s, t) {
		return nil, model.ErrForbidden()
	}
	return a.sanitizeTeam(ctx, s, t), nil
}

// GetTeamByName returns a team by its URL name.
func (a *App) GetTeamByName(ctx context.Context, s *model.Session, name string) (*model.Team, error) {
	t, err := a.store.GetTeamByName(ctx, strings.ToLower(name))
	if err != nil {
		return nil, storeErr(err, errTeamNameNotFound())
	}
	if !a.canViewTeam(ctx, s, t) {
		return nil, model.ErrForbidden()
	}
	return a.sanitizeTeam(ctx, s, t), nil
}

// TeamExists reports whether the caller could find a team of that name.
func (a *App) TeamExists(ctx context.Context, s *model.Session, name string) bool {
	_, err := a.GetTeamByName(ctx, s, name)
	return err == nil
}

// ListTeams lists the teams the caller may see: open ones, and all for admins.
func (a *App) ListTeams(ctx context.Context, s *model.Session, p, perPage int) ([]*model.Team, int64, error) {
	private := a.HasPermission(s, model.PermListPrivateTeams)
	if !private && !a.HasPermission(s, model.PermListPublicTeams) {
		return nil, 0, model.NewAppError(http.StatusForbidden, "api.team.get_all_teams.insufficient_permissions",
			"You don't have the appropriate permissions to list all teams.")
	}
	ts, err := a.store.ListTeams(ctx, !private, page(p, perPage))
	if err != nil {
		return nil, 0, model.ErrInternal(err)
	}
	n, err := a.store.CountTeams(ctx, !private)
	if err != nil {
		return nil, 0, model.ErrInternal(err)
	}
	for _, t := range ts {
		a.sanitizeTeam(ctx, s, t)
	}
	return ts, n, nil
}

// SearchTeams finds teams by name or display name among those the caller may list.
func (a *App) SearchTeams(ctx context.Context, s *model.Session, term string, p, perPage int) ([]*model.Team, error) {
	private := a.HasPermission(s, model.PermListPrivateTeams)
	if !private && !a.HasPermission(s, model.PermListPublicTeams) {
		return nil, model.ErrForbidden()
	}
	ts, err := a.store.SearchTeams(ctx, term, !private, page(p, perPage))
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	for _, t := range ts {
		a.sanitizeTeam(ctx, s, t)
	}
	return ts, nil
}

// TeamsForUser lists the live teams a user belongs to.
func (a *App) TeamsForUser(ctx context.Context, s *model.Session, userID string) ([]*model.Team, error) {
	if !a.IsSelfOr(s, userID, model.PermSysconsoleReadUserMgmt) {
		return nil, model.ErrForbidden()
	}
	ts, err := a.store.ListTeamsForUser(ctx, userID)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	for _, t := range ts {
		a.sanitizeTeam(ctx, s, t)
	}
	return ts, nil
}

// TeamMembersForUser lists a user's active memberships.
func (a *App) TeamMembersForUser(ctx context.Context, s *model.Session, userID string) ([]*model.TeamMember, error) {
	if !a.canReadUserTeams(s, userID) {
		return nil, model.ErrForbidden()
	}
	ms, err := a.store.ListTeamMembersForUser(ctx, userID)
	return ms, storeErr(err, nil)
}

func (a *App) teamForUpdate(ctx context.Context, s *model.Session, id string) (*model.Team, error) {
	t, err := a.store.GetTeam(ctx, id)
	if err != nil {
		return nil, storeErr(err, errTeamNotFound())
	}
	if !a.HasTeamPermission(ctx, s, id, model.PermManageTeam) {
		return nil, model.ErrForbidden()
	}
	return t, nil
}

func (a *App) saveTeam(ctx context.Context, s *model.Session, t *model.Team) (*model.Team, error) {
	if err := a.updateTeam(ctx, a.store, t); err != nil {
		return nil, err
	}
	return a.sanitizeTeam(ctx, s, t), nil
}

// updateTeam stores a team's changed fields, for the API and the importer;
// its members hear update_team once tx commits.
func (a *App) updateTeam(ctx context.Context, tx store.Store, t *model.Team) error {
	if appErr := t.IsValid(); appErr != nil {
		return appErr
	}
	t.UpdateAt = model.Now()
	if err := tx.UpdateTeam(ctx, t); err != nil {
		return storeErr(err, errTeamNotFound())
	}
	a.publishTx(ctx, tx, model.NewEvent(model.EventUpdateTeam, model.Broadcast{TeamID: t.ID},
		map[string]any{"team": model.JSONString(publicTeam(t))}))
	return nil
}

// publicTeam is the team as any member may see it, for events.
func publicTeam(t *model.Team) *model.Team {
	c := *t
	c.Email, c.InviteID = "", ""
	return &c
}

// PatchTeam changes some fields of a team.
func (a *App) PatchTeam(ctx context.Context, s *model.Session, id string, p *model.TeamPatch) (*model.Team, error) {
	t, err := a.teamForUpdate(ctx, s, id)
	if err != nil {
		return nil, err
	}
	if p.DisplayName != nil {
		t.DisplayName = *p.DisplayName
	}
	if p.Description != nil {
		t.Description = *p.Description
	}
	if p.CompanyName != nil {
		t.CompanyName = *p.CompanyName
	}
	if p.AllowedDomains != nil {
		t.AllowedDomains = *p.AllowedDomains
	}
	if p.AllowOpenInvite != nil {
		t.AllowOpenInvite = *p.AllowOpenInvite
	}
	return a.saveTeam(ctx, s, t)
}

// UpdateTeam replaces the editable fields of a team.
func (a *App) UpdateTeam(ctx context.Context, s *model.Session, in *model.Team) (*model.Team, error) {
	t, err := a.teamForUpdate(ctx, s, in.ID)
	if err != nil {
		return nil, err
	}
	t.DisplayName, t.Description, t.CompanyName = in.DisplayName, in.Description, in.CompanyName
	t.AllowedDomains, t.AllowOpenInvite, t.Email = in.AllowedDomains, in.AllowOpenInvite, in.Email
	if in.Type != "" {
		t.Type = in.Type
	}
	return a.saveTeam(ctx, s, t)
}

// SetTeamPrivacy switches a team between open (O) and invite-only (I).
func (a *App) SetTeamPrivacy(ctx context.Context, s *model.Session, id, privacy string) (*model.Team, error) {
	if privacy != model.TeamOpen && privacy != model.TeamInvite {
		return nil, model.ErrInvalidBody("privacy")
	}
	t, err := a.teamForUpdate(ctx, s, id)
	if err != nil {
		return nil, err
	}
	t.Type = privacy
	t.AllowOpenInvite = privacy == model.TeamOpen
	return a.saveTeam(ctx, s, t)
}

// RegenerateInviteID gives a team a new invite id.
func (a *App) RegenerateInviteID(ctx context.Context, s *model.Session, id string) (*model.Team, error) {
	t, err := a.teamForUpdate(ctx, s, id)
	if err != nil {
		return nil, err
	}
	t.InviteID = model.NewID()
	return a.saveTeam(ctx, s, t)
}

// DeleteTeam archives a team, or removes it for good when permanent.
func (a *App) DeleteTeam(ctx context.Context, s *model.Session, id string, permanent bool) error {
	t, err := a.teamForUpdate(ctx, s, id)
	if err != nil {
		return err
	}
	if permanent {
		if !a.Config().EnableAPIDeletion || !a.IsAdmin(s) {
			return model.NewAppError(http.StatusUnauthorized, "api.user.delete_team.not_enabled.app_error",
				"Permanent team deletion feature is not enabled. Please contact your System Administrator.")
		}
		return a.PermanentDeleteTeam(ctx, s, id)
	} else {
		t.DeleteAt = model.Now()
		t.UpdateAt = t.DeleteAt
		if err := a.store.UpdateTeam(ctx, t); err != nil {
			return storeErr(err, errTeamNotFound())
		}
		a.audit(ctx, s, model.AuditTeamArchive, "team", id, true, "name="+t.Name)
	}
	a.publish(ctx, model.NewEvent(model.EventDeleteTeam, model.Broadcast{TeamID: id},
		map[string]any{"team": model.JSONString(publicTeam(t))}))
	return nil
}

// RestoreTeam un-archives a team.
func (a *App) RestoreTeam(ctx context.Context, s *model.Session, id string) (*model.Team, error) {
	t, err := a.teamForUpdate(ctx, s, id)
	if err != nil {
		return nil, err
	}
	t.DeleteAt = 0
	saved, err := a.saveTeam(ctx, s, t)
	if err == nil {
		a.audit(ctx, s, model.AuditTeamRestore, "team", id, true, "name="+t.Name)
	}
	return saved, err
}

// TeamStats counts a team's members.
func (a *App) TeamStats(ctx context.Context, s *model.Session, id string) (*model.TeamStats, error) {
	if _, err := a.GetTeam(ctx, s, id); err != nil {
		return nil, err
	}
	if !a.HasTeamPermission(ctx, s, id, model.PermViewTeam) {
		return nil, model.ErrForbidden()
	}
	st, err := a.store.GetTeamStats(ctx, id)
	return st, storeErr(err, nil)
}

// InviteInfo is what GET /teams/invite/{id} shows before joining.
func (a *App) InviteInfo(ctx context.Context, inviteID string) (map[string]string, error) {
	t, err := a.store.GetTeamByInviteID(ctx, inviteID)
	if err != nil {
		return nil, storeErr(err, model.ErrNotFound("app.team.get_by_invite_id.finding.app_error", "team"))
	}
	if t.Type != model.TeamOpen && !t.AllowOpenInvite {
		return nil, model.NewAppError(http.StatusForbidden, "api.team.get_invite_info.not_open_team",
			"Invite is invalid because this is not an open team.")
	}
	return map[string]string{"id": t.ID, "name": t.Name, "display_name": t.DisplayName, "description": t.Description}, nil
}

// TeamMembers lists a team's active members.
func (a *App) TeamMembers(ctx context.Context, s *model.Session, teamID string, p, perPage int, sortByUsername, excludeDeleted bool) ([]*model.TeamMember, error) {
	if !a.HasTeamPermission(ctx, s, teamID, model.PermViewTeam) {
		return nil, model.ErrForbidden()
	}
	ms, err := a.store.ListTeamMembers(ctx, teamID, page(p, perPage), sortByUsername, excludeDeleted)
	return ms, storeErr(err, nil)
}

// TeamMembersByIDs returns the memberships among userIDs.
func (a *App) TeamMembersByIDs(ctx context.Context, s *model.Session, teamID string, userIDs []string) ([]*model.TeamMember, error) {
	if !a.HasTeamPermission(ctx, s, teamID, model.PermViewTeam) {
		return nil, model.ErrForbidden()
	}
	ms, err := a.store.GetTeamMembersByIDs(ctx, teamID, userIDs)
	return ms, storeErr(err, nil)
}

// TeamMember returns one membership (also a former one).
func (a *App) TeamMember(ctx context.Context, s *model.Session, teamID, userID string) (*model.TeamMember, error) {
	if !a.HasTeamPermission(ctx, s, teamID, model.PermViewTeam) {
		return nil, model.ErrForbidden()
	}
	m, err := a.store.GetTeamMember(ctx, teamID, userID)
	return m, storeErr(err, errTeamMemberNotFound())
}

// AddTeamMember joins userID to the team: by themselves for open teams, or by
// someone allowed to add users.
func (a *App) AddTeamMember(ctx context.Context, s *model.Session, teamID, userID string) (*model.TeamMember, error) {
	t, err := a.store.GetTeam(ctx, teamID)
	if err != nil {
		return nil, storeErr(err, errTeamNotFound())
	}
	if userID == s.UserID {
		open := t.Type == model.TeamOpen && t.AllowOpenInvite
		if !(open && a.HasPermission(s, model.PermJoinPublicTeams)) && !a.HasPermission(s, model.PermJoinPrivateTeams) &&
			!a.HasTeamPermission(ctx, s, teamID, model.PermAddUserToTeam) {
			return nil, model.ErrForbidden()
		}
	} else if !a.HasTeamPermission(ctx, s, teamID, model.PermAddUserToTeam) {
		return nil, model.ErrForbidden()
	}
	return a.addUserToTeam(ctx, s, t, userID)
}

func (a *App) addUserToTeam(ctx context.Context, s *model.Session, t *model.Team, userID string) (*model.TeamMember, error) {
	if t.DeleteAt > 0 {
		return nil, errTeamArchived()
	}
	u, err := a.store.GetUser(ctx, userID)
	if err != nil {
		return nil, storeErr(err, errUserNotFound())
	}
	if u.DeleteAt > 0 {
		return nil, model.NewAppError(http.StatusBadRequest, "api.team.add_user_to_team.deactivated.app_error",
			"The user is deactivated.")
	}
	var m *model.TeamMember
	err = a.store.Tx(ctx, func(tx store.Store) error {
		m, _, err = a.joinTeam(ctx, tx, t, u, joining{actorID: s.UserID})
		return err
	})
	if err == nil {
		// Recorded about the user, so that `audit list --user` finds it.
		a.audit(ctx, s, model.AuditTeamMemberAdd, "user", userID, true, "team_id="+t.ID)
	}
	return m, err
}

// JoinTeamByInvite joins the caller to the team of an invite id.
func (a *App) JoinTeamByInvite(ctx context.Context, s *model.Session, inviteID string) (*model.TeamMember, error) {
	t, err := a.store.GetTeamByInviteID(ctx, inviteID)
	if err != nil {
		return nil, storeErr(err, model.ErrNotFound("app.team.get_by_invite_id.finding.app_error", "team"))
	}
	return a.addUserToTeam(ctx, s, t, s.UserID)
}

// RemoveTeamMember makes the user leave the team and all its channels.
func (a *App) RemoveTeamMember(ctx context.Context, s *model.Session, teamID, userID string) error {
	if userID != s.UserID && !a.HasTeamPermission(ctx, s, teamID, model.PermRemoveUserFromTeam) {
		return model.ErrForbidden()
	}
	m, err := a.store.GetTeamMember(ctx, teamID, userID)
	if err != nil {
		return storeErr(err, errTeamMemberNotFound())
	}
	if m.DeleteAt > 0 {
		return nil
	}
	u, err := a.store.GetUser(ctx, userID)
	if err != nil {
		return storeErr(err, errUserNotFound())
	}
	err = a.store.Tx(ctx, func(tx store.Store) error {
		postType := model.PostTypeLeaveTeam
		if userID != s.UserID {
			postType = model.PostTypeRemoveFromTeam
		}
		if ch, err := tx.GetChannelByName(ctx, teamID, model.DefaultChannel, false); err == nil {
			if _, err := a.systemPost(ctx, tx, ch, userID, postType, map[string]any{"username": u.Username}); err != nil {
				return err
			}
		}
		m.DeleteAt = model.Now()
		if err := tx.SaveTeamMember(ctx, m); err != nil {
			return model.ErrInternal(err)
		}
		return storeErr(tx.DeleteTeamChannelMembers(ctx, teamID, userID), nil)
	})
	if err != nil {
		return err
	}
	a.audit(ctx, s, model.AuditTeamMemberRemove, "user", userID, true, "team_id="+teamID)
	a.publish(ctx, model.NewEvent(model.EventLeaveTeam, model.Broadcast{TeamID: teamID},
		map[string]any{"team_id": teamID, "user_id": userID}))
	return nil
}

// UpdateTeamMemberRoles sets a member's team roles ("team_user", "team_user team_admin").
func (a *App) UpdateTeamMemberRoles(ctx context.Context, s *model.Session, teamID, userID, roles string) error {
	if !a.HasTeamPermission(ctx, s, teamID, model.PermManageTeamRoles) {
		return model.ErrForbidden()
	}
	m, err := a.store.GetTeamMember(ctx, teamID, userID)
	if err != nil {
		return storeErr(err, errTeamMemberNotFound())
	}
	m.SchemeUser, m.SchemeAdmin, m.SchemeGuest, m.ExplicitRoles = false, false, false, ""
	var explicit []string
	for _, r := range strings.Fields(roles) {
		switch r {
		case model.RoleTeamUser:
			m.SchemeUser = true
		case model.RoleTeamAdmin:
			m.SchemeAdmin = true
		case model.RoleTeamGuest:
			return model.ErrGuestRole(r)
		default:
			if _, ok := a.roles[r]; !ok || !strings.HasPrefix(r, "team_") {
				return model.ErrInvalidBody("roles")
			}
			explicit = append(explicit, r)
		}
	}
	m.ExplicitRoles = strings.Join(explicit, " ")
	return a.saveTeamMemberRoles(ctx, a.store, m)
}

// UpdateTeamMemberSchemeRoles sets the scheme flags of a membership.
func (a *App) UpdateTeamMemberSchemeRoles(ctx context.Context, s *model.Session, teamID, userID string, admin, user, guest bool) error {
	if !a.HasTeamPermission(ctx, s, teamID, model.PermManageTeamRoles) {
		return model.ErrForbidden()
	}
	m, err := a.store.GetTeamMember(ctx, teamID, userID)
	if err != nil {
		return storeErr(err, errTeamMemberNotFound())
	}
	if guest {
		return model.ErrGuestRole(model.RoleTeamGuest)
	}
	m.SchemeAdmin, m.SchemeUser, m.SchemeGuest = admin, user, false
	return a.saveTeamMemberRoles(ctx, a.store, m)
}

// saveTeamMemberRoles stores a member's changed roles and tells the member.
func (a *App) saveTeamMemberRoles(ctx context.Context, tx store.Store, m *model.TeamMember) error {
	if err := tx.SaveTeamMember(ctx, m); err != nil {
		return model.ErrInternal(err)
	}
	m.Roles = m.RolesString()
	a.publishTx(ctx, tx, model.NewEvent(model.EventMemberRoleUpdated, model.Broadcast{UserID: m.UserID},
		map[string]any{"member": model.JSONString(m)}))
	return nil
}

// TeamUnreads sums the unread counts of the user's channels per team; with
// threads (include_collapsed_threads), also the unread followed threads of
// the team's channels and their mentions.
func (a *App) TeamUnreads(ctx context.Context, s *model.Session, userID, excludeTeam string, threads bool) ([]*model.TeamUnread, error) {
	if !a.IsSelfOr(s, userID, model.PermManageSystem) {
		return nil, model.ErrForbidden()
	}
	teams, err := a.store.ListTeamsForUser(ctx, userID)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	out := []*model.TeamUnread{}
	for _, t := range teams {
		if t.ID == excludeTeam {
			continue
		}
		u, err := a.teamUnread(ctx, userID, t.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	if threads {
		totals, err := a.store.TeamThreadTotals(ctx, userID)
		if err != nil {
			return nil, model.ErrInternal(err)
		}
		for _, u := range out {
			u.ThreadCount, u.ThreadMentionCount = totals[u.TeamID].TotalUnreadThreads, totals[u.TeamID].TotalUnreadMentions
		}
	}
	return out, nil
}

// TeamUnread is the unread summary of one team.
func (a *App) TeamUnread(ctx context.Context, s *model.Session, userID, teamID string) (*model.TeamUnread, error) {
	if !a.IsSelfOr(s, userID, model.PermEditOtherUsers) || !a.HasTeamPermission(ctx, s, teamID, model.PermViewTeam) {
		return nil, model.ErrForbidden()
	}
	return a.teamUnread(ctx, userID, teamID)
}

func (a *App) teamUnread(ctx context.Context, userID, teamID string) (*model.TeamUnread, error) {
	chans, err := a.store.ListChannelsForUser(ctx, userID, teamID, false, 0)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	members, err := a.store.ListChannelMembersForUser(ctx, userID, teamID)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	byID := make(map[string]*model.ChannelMember, len(members))
	for _, m := range members {
		byID[m.ChannelID] = m
	}
	u := &model.TeamUnread{TeamID: teamID}
	for _, c := range chans {
		m := byID[c.ID]
		if c.TeamID != teamID || m == nil {
			continue
		}
		muted := m.NotifyProps["mark_unread"] == "mention"
		if !muted {
			u.MsgCount += max(c.TotalMsgCount-m.MsgCount, 0)
			u.MsgCountRoot += max(c.TotalMsgCountRoot-m.MsgCountRoot, 0)
		}
		u.MentionCount += m.MentionCount
		u.MentionCountRoot += m.MentionCountRoot
	}
	return u, nil
}
