package app

import (
	"context"
	"errors"
	"strings"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Roles returns the built-in roles with the given names (unknown ones skipped).
func (a *App) Roles(names []string) []*model.Role {
	out := []*model.Role{}
	seen := map[string]bool{}
	for _, n := range names {
		if r, ok := a.roles[n]; ok && !seen[n] {
			seen[n] = true
			out = append(out, r)
		}
	}
	return out
}

// Role returns one role by name or id.
func (a *App) Role(nameOrID string) (*model.Role, error) {
	for _, r := range a.roles {
		if r.Name == nameOrID || r.ID == nameOrID {
			return r, nil
		}
	}
	return nil, model.ErrNotFound("app.role.get.app_error", "role")
}

func (a *App) rolesGrant(roles, perm string) bool {
	for _, r := range strings.Fields(roles) {
		if a.perms[r][perm] {
			return true
		}
	}
	return false
}

// HasPermission reports whether the session's system roles grant perm.
func (a *App) HasPermission(s *model.Session, perm string) bool {
	return a.rolesGrant(s.Roles, perm)
}

// IsAdmin reports whether the session is a system admin.
func (a *App) IsAdmin(s *model.Session) bool { return a.HasPermission(s, model.PermManageSystem) }

// HasTeamPermission checks the system roles, then the caller's team roles.
func (a *App) HasTeamPermission(ctx context.Context, s *model.Session, teamID, perm string) bool {
	if a.HasPermission(s, perm) {
		return true
	}
	m, err := a.store.GetTeamMember(ctx, teamID, s.UserID)
	if err != nil || m.DeleteAt > 0 {
		return false
	}
	return a.rolesGrant(m.Roles, perm)
}

// HasChannelPermission checks system roles, channel member roles, then the team
// roles of the channel's team.
func (a *App) HasChannelPermission(ctx context.Context, s *model.Session, ch *model.Channel, perm string) bool {
	if a.HasPermission(s, perm) {
		return true
	}
	m, err := a.store.GetChannelMember(ctx, ch.ID, s.UserID)
	if err != nil {
		m = nil
	}
	return a.memberHasChannelPermission(ctx, s, ch, m, perm)
}

// memberHasChannelPermission is HasChannelPermission past the system roles,
// for a caller whose membership m was already read (nil: not a member).
func (a *App) memberHasChannelPermission(ctx context.Context, s *model.Session, ch *model.Channel, m *model.ChannelMember, perm string) bool {
	if m != nil && a.rolesGrant(m.Roles, perm) {
		return true
	}
	if ch.TeamID == "" {
		return false
	}
	return a.HasTeamPermission(ctx, s, ch.TeamID, perm)
}

// CanReadChannel: members read any channel; team members read public channels;
// admins read everything.
func (a *App) CanReadChannel(ctx context.Context, s *model.Session, ch *model.Channel) bool {
	if a.IsAdmin(s) {
		return true
	}
	if _, err := a.store.GetChannelMember(ctx, ch.ID, s.UserID); err == nil {
		return true
	} else if !errors.Is(err, store.ErrNotFound) {
		return false
	}
	return ch.Type == model.ChannelOpen && a.HasTeamPermission(ctx, s, ch.TeamID, model.PermReadPublicChannel)
}

// isMember reports whether the session's user belongs to the channel.
func (a *App) isMember(ctx context.Context, channelID, userID string) bool {
	_, err := a.store.GetChannelMember(ctx, channelID, userID)
	return err == nil
}

// IsSelfOr allows the session's own user, or anyone holding perm.
func (a *App) IsSelfOr(s *model.Session, userID, perm string) bool {
	return s.UserID == userID || a.HasPermission(s, perm)
}
