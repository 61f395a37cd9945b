package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Email invitations, as Mattermost's: each address gets a single-use token
// (type team_invitation, valid 48 hours) in a link to
// /signup_user_complete/?d=<team>&t=<token>. Signing up with the token
// (POST /users?t=) creates a verified account with the invited address and
// joins the team; a member who already has an account joins with
// POST /teams/members/invite?token=.

// MaxInvitesPerHour is how many invitations one member may send in an hour,
// Mattermost's per-hour email limit (20, burst 20). Parley counts the
// invitation tokens the member made in the last hour, so every node agrees.
const MaxInvitesPerHour = 20

// EmailInviteResult is one address of a graceful invitation, as Mattermost's
// EmailInviteWithError: Error is null when the mail was queued.
type EmailInviteResult struct {
	Email string          `json:"email"`
	Error *model.AppError `json:"error"`
}

func errInvalidInviteEmail(addresses string) *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "api.team.invite_members.invalid_email.app_error",
		"The following email addresses do not belong to an accepted domain: "+addresses+
			". Please contact your System Administrator for details.")
}

func errSignupLinkInvalid() *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "api.user.create_user.signup_link_invalid.app_error",
		"The signup link does not appear to be valid.")
}

func errSignupLinkExpired() *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "api.user.create_user.signup_link_expired.app_error",
		"The signup link has expired.")
}

// domainsAllow reports whether email passes every non-empty domain list, as
// Mattermost's IsEmailAddressAllowed.
func domainsAllow(email string, lists ...string) bool {
	for _, l := range lists {
		if strings.TrimSpace(l) != "" && !emailInDomains(email, l) {
			return false
		}
	}
	return true
}

// inviteDomains are the lists an invitation from sender must pass: the
// team's allowed domains, and the server's unless the sender is a system
// admin (Mattermost's GetAllowedDomains).
func (a *App) inviteDomains(s *model.Session, t *model.Team) []string {
	if a.IsAdmin(s) {
		return []string{t.AllowedDomains}
	}
	return []string{t.AllowedDomains, a.Config().RestrictCreationToDomains}
}

// InviteByEmail mails an invitation to the team to each address. Without
// graceful, one refused address refuses them all; with it, every address
// gets its own result and the good ones are sent.
func (a *App) InviteByEmail(ctx context.Context, s *model.Session, teamID string, emails []string, siteURL string, graceful bool) ([]EmailInviteResult, error) {
	cfg := a.Config()
	// Mattermost asks for both, and names invite_user when either is missing.
	if !a.HasTeamPermission(ctx, s, teamID, model.PermInviteUser) || !a.HasTeamPermission(ctx, s, teamID, model.PermAddUserToTeam) {
		return nil, model.ErrForbidden()
	}
	if !cfg.EnableEmailInvitations {
		return nil, model.NewAppError(http.StatusNotImplemented, "api.team.invite_members.disabled.app_error",
			"Email invitations are disabled.")
	}
	if len(emails) == 0 {
		return nil, model.ErrInvalidBody("user_email")
	}
	t, err := a.store.GetTeam(ctx, teamID)
	if err != nil {
		return nil, storeErr(err, model.ErrNotFound("app.team.get_by_invite_id.finding.app_error", "team"))
	}
	sender, err := a.store.GetUser(ctx, s.UserID)
	if err != nil {
		return nil, storeErr(err, errUserNotFound())
	}
	domains := a.inviteDomains(s, t)
	results := make([]EmailInviteResult, 0, len(emails))
	var good, bad []string
	for _, e := range emails {
		e = strings.ToLower(strings.TrimSpace(e))
		r := EmailInviteResult{Email: e}
		if !model.IsValidEmail(e) || !domainsAllow(e, domains...) {
			r.Error = errInvalidInviteEmail(e)
			bad = append(bad, e)
		} else {
			good = append(good, e)
		}
		results = append(results, r)
	}
	if len(bad) > 0 && !graceful {
		return nil, errInvalidInviteEmail(strings.Join(bad, ", "))
	}
	if len(good) == 0 {
		return results, nil
	}
	if !cfg.MailEnabled() {
		if !graceful {
			return nil, errMailNotConfigured("api.team.invite_members.unable_to_send_email.app_error")
		}
		for i := range results {
			if results[i].Error == nil {
				results[i].Error = errMailNotConfigured("api.team.invite_members.unable_to_send_email.app_error")
			}
		}
		return results, nil
	}
	sent, err := a.store.CountUserTokensSince(ctx, s.UserID, model.TokenTypeTeamInvitation, model.Now()-60*60*1000)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	if sent+len(good) > MaxInvitesPerHour {
		return nil, model.NewAppError(http.StatusRequestEntityTooLarge, "app.email.rate_limit_exceeded.app_error",
			fmt.Sprintf("Invite emails rate limit exceeded: at most %d invitations an hour.", MaxInvitesPerHour))
	}
	senderName := sender.Username
	err = a.store.Tx(ctx, func(tx store.Store) error {
		for _, e := range good {
			// What the sign-up page shows before it is used, as Mattermost's.
			d, _ := json.Marshal(map[string]string{"email": e, "display_name": t.DisplayName, "name": t.Name})
			raw, hash := newToken()
			if err := tx.SaveToken(ctx, &model.Token{Hash: hash, Type: model.TokenTypeTeamInvitation, CreateAt: model.Now(),
				UserID: s.UserID, Email: e, TeamID: t.ID}); err != nil {
				return model.ErrInternal(err)
			}
			href := link(siteURL, "/signup_user_complete/", url.Values{"d": {string(d)}, "t": {raw}})
			text, body := a.mailBody("Hello,",
				"@"+senderName+" invited you to join the "+t.DisplayName+" team on "+cfg.SiteName+
					". The link works once, within 48 hours.",
				"Join team", href, "If you do not know "+senderName+", ignore this mail.")
			subject := fmt.Sprintf("[%s] %s invited you to join %s Team", cfg.SiteName, senderName, t.DisplayName)
			if err := a.enqueueMail(ctx, tx, e, subject, text, body); err != nil {
				return model.ErrInternal(err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// InvalidateEmailInvites voids every pending email invitation.
func (a *App) InvalidateEmailInvites(ctx context.Context, s *model.Session) error {
	if !a.IsAdmin(s) {
		return model.ErrForbidden()
	}
	return storeErr(a.store.DeleteTokensOfType(ctx, model.TokenTypeTeamInvitation), nil)
}

// invitation looks up the live invitation of a raw token from a link.
func (a *App) invitation(ctx context.Context, raw string) (*model.Token, *model.Team, error) {
	if len(raw) != model.TokenSize {
		return nil, nil, errSignupLinkInvalid()
	}
	tok, err := a.store.GetToken(ctx, hashToken(raw), model.TokenTypeTeamInvitation)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, errSignupLinkInvalid()
	}
	if err != nil {
		return nil, nil, model.ErrInternal(err)
	}
	if model.Now()-tok.CreateAt >= model.InvitationExpiryTime {
		return nil, nil, errSignupLinkExpired()
	}
	t, err := a.store.GetTeam(ctx, tok.TeamID)
	if err != nil {
		return nil, nil, storeErr(err, errSignupLinkInvalid())
	}
	return tok, t, nil
}

// JoinTeamByToken joins the caller to the team of an email invitation and
// uses the invitation up.
func (a *App) JoinTeamByToken(ctx context.Context, s *model.Session, raw string) (*model.TeamMember, error) {
	tok, t, err := a.invitation(ctx, raw)
	if err != nil {
		return nil, err
	}
	u, err := a.store.GetUser(ctx, s.UserID)
	if err != nil {
		return nil, storeErr(err, errUserNotFound())
	}
	if u.IsGuest() {
		return nil, model.NewAppError(http.StatusBadRequest, "api.user.create_user.invalid_invitation_type.app_error",
			"This invitation is not for a guest account.")
	}
	if t.DeleteAt > 0 {
		return nil, model.NewAppError(http.StatusBadRequest, "app.team.join_user_to_team.archived.app_error", "The team is archived.")
	}
	var m *model.TeamMember
	err = a.store.Tx(ctx, func(tx store.Store) error {
		if _, err := tx.TakeToken(ctx, tok.Hash, model.TokenTypeTeamInvitation); err != nil {
			return storeErr(err, errSignupLinkInvalid())
		}
		m, _, err = a.joinTeam(ctx, tx, t, u, joining{})
		return err
	})
	if err != nil {
		return nil, err
	}
	a.audit(ctx, s, model.AuditTeamMemberAdd, "user", u.ID, true, "team_id="+t.ID)
	return m, nil
}
