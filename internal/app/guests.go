package app

import (
	"context"
	"net/http"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Guest accounts (GuestAccountsSettings): a guest holds system_guest, and
// team_guest / channel_guest (scheme_guest) in every membership. Those roles
// grant no browsing, joining or creating of channels, so the permission
// checks keep guests to the channels they were added to; direct messages
// are limited here to people who share a channel with the guest.

func errGuestsDisabled(op string) *model.AppError {
	return model.NewAppError(http.StatusNotImplemented, "api.team."+op+".disabled.error",
		"Guest accounts are disabled (GuestAccountsSettings.Enable).")
}

// DemoteUserToGuest is POST /users/{id}/demote.
func (a *App) DemoteUserToGuest(ctx context.Context, s *model.Session, userID string) error {
	return a.setGuest(ctx, s, userID, true)
}

// PromoteGuestToUser is POST /users/{id}/promote.
func (a *App) PromoteGuestToUser(ctx context.Context, s *model.Session, userID string) error {
	return a.setGuest(ctx, s, userID, false)
}

func (a *App) setGuest(ctx context.Context, s *model.Session, userID string, guest bool) error {
	if !a.IsAdmin(s) {
		return model.ErrForbidden()
	}
	op := "demote_user_to_guest"
	if !guest {
		op = "promote_guest_to_user"
	}
	if !a.Config().GuestAccountsEnable {
		return errGuestsDisabled(op)
	}
	u, err := a.store.GetUser(ctx, userID)
	if err != nil {
		return storeErr(err, errUserNotFound())
	}
	if u.IsBot || (guest && u.IsSystemAdmin()) {
		return model.NewAppError(http.StatusBadRequest, "api.user."+op+".invalid_user.app_error",
			"A bot or a system admin cannot be made a guest.")
	}
	if u.IsGuest() == guest {
		return nil
	}
	u.Roles = model.RoleSystemUser
	if guest {
		u.Roles = model.RoleSystemGuest
	}
	u.UpdateAt = model.Now()
	var changed []*model.ChannelMember
	err = a.store.Tx(ctx, func(tx store.Store) error {
		if err := tx.UpdateUser(ctx, u); err != nil {
			return model.ErrInternal(err)
		}
		if err := tx.UpdateSessionRoles(ctx, userID, u.Roles); err != nil {
			return model.ErrInternal(err)
		}
		tms, err := tx.ListTeamMembersForUser(ctx, userID)
		if err != nil {
			return model.ErrInternal(err)
		}
		seen := map[string]bool{}
		teams := []string{""}
		for _, m := range tms {
			m.SchemeGuest, m.SchemeUser, m.SchemeAdmin = guest, !guest, false
			if err := tx.SaveTeamMember(ctx, m); err != nil {
				return model.ErrInternal(err)
			}
			teams = append(teams, m.TeamID)
		}
		for _, teamID := range teams {
			cms, err := tx.ListChannelMembersForUser(ctx, userID, teamID)
			if err != nil {
				return model.ErrInternal(err)
			}
			for _, m := range cms {
				if seen[m.ChannelID] {
					continue
				}
				seen[m.ChannelID] = true
				m.SchemeGuest, m.SchemeUser, m.SchemeAdmin = guest, !guest, false
				m.LastUpdateAt = model.Now()
				if err := tx.SaveChannelMember(ctx, m); err != nil {
					return model.ErrInternal(err)
				}
				changed = append(changed, m)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	a.audit(ctx, s, model.AuditRoleChange, "user", userID, true, "roles="+u.Roles)
	a.publishUserUpdated(ctx, u)
	for _, m := range changed {
		m.Roles = m.RolesString()
		a.publish(ctx, model.NewEvent(model.EventChannelMemberUpdated, model.Broadcast{UserID: m.UserID},
			map[string]any{"channelMember": model.JSONString(m)}))
	}
	return nil
}

// guestMayMessage reports whether every one of others shares a team channel
// with the guest (or the caller is no guest).
func (a *App) guestMayMessage(ctx context.Context, s *model.Session, others []string) (bool, error) {
	if !model.HasRole(s.Roles, model.RoleSystemGuest) {
		return true, nil
	}
	chs, err := a.store.ListAllChannelsForUser(ctx, s.UserID, false, 0)
	if err != nil {
		return false, model.ErrInternal(err)
	}
	for _, other := range others {
		if other == s.UserID {
			continue
		}
		shared := false
		for _, ch := range chs {
			if ch.Type != model.ChannelOpen && ch.Type != model.ChannelPrivate {
				continue
			}
			if a.isMember(ctx, ch.ID, other) {
				shared = true
				break
			}
		}
		if !shared {
			return false, nil
		}
	}
	return true, nil
}
