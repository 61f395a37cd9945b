package app

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/parley-chat/parley/internal/filestore"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// GDPR tools: subject access (export), erasure (permanent delete, optionally
// anonymised) and offboarding.

// placeholderKey names, in the systems table, the account anonymised posts are
// attributed to.
const placeholderKey = "AnonymizedPlaceholderUserId"

// PermanentDeleteUser erases an account and its content in one transaction:
// posts, reactions, sessions, tokens, preferences, drafts, memberships and status.
// With anonymize, the user's posts stay for others' thread context, emptied and
// attributed to a placeholder account. Audit entries about the user lose their
// details; the record that an erasure happened stays.
func (a *App) PermanentDeleteUser(ctx context.Context, s *model.Session, userID string, anonymize bool) error {
	if err := a.canDeletePermanently(s, "user"); err != nil {
		return err
	}
	u, err := a.store.GetUser(ctx, userID)
	if err != nil {
		return storeErr(err, errUserNotFound())
	}
	// Anonymising clears the posts too, so a hold refuses both.
	if err := a.refuseHeldUser(ctx, userID); err != nil {
		a.audit(ctx, s, model.AuditUserDelete, "user", userID, false, "legal hold")
		return err
	}
	teams, err := a.store.UserTeamMembers(ctx, userID)
	if err != nil {
		return model.ErrInternal(err)
	}
	channels, err := a.store.UserChannelMembers(ctx, userID)
	if err != nil {
		return model.ErrInternal(err)
	}
	err = a.store.Tx(ctx, func(tx store.Store) error {
		placeholder := ""
		if anonymize {
			p, err := a.placeholderUser(ctx, tx)
			if err != nil {
				return err
			}
			if p == userID {
				return model.ErrInvalid("app.user.delete.placeholder.app_error", "The placeholder of anonymised posts cannot be deleted.")
			}
			placeholder = p
		}
		if err := tx.PurgeUser(ctx, userID, placeholder); err != nil {
			return storeErr(err, errUserNotFound())
		}
		return storeErr(tx.ScrubAudits(ctx, userID), nil)
	})
	action := model.AuditUserDelete
	if anonymize {
		action = model.AuditUserAnonymize
	}
	a.audit(ctx, s, action, "user", userID, err == nil, "")
	if err != nil {
		return err
	}
	a.drainPurges(ctx)
	a.publishRevoked(ctx, Revocation{UserID: userID})
	for _, m := range channels {
		a.publish(ctx, model.NewEvent(model.EventUserRemoved, model.Broadcast{ChannelID: m.ChannelID},
			map[string]any{"user_id": userID, "remover_id": s.UserID, "channel_id": m.ChannelID}))
	}
	for _, m := range teams {
		a.publish(ctx, model.NewEvent(model.EventLeaveTeam, model.Broadcast{TeamID: m.TeamID},
			map[string]any{"team_id": m.TeamID, "user_id": userID}))
	}
	gone := model.User{ID: u.ID, Username: u.Username, DeleteAt: model.Now(), Roles: u.Roles}
	a.publishUserUpdated(ctx, &gone)
	return nil
}

// placeholderUser returns the id of the deactivated account that anonymised
// posts belong to, creating it the first time.
func (a *App) placeholderUser(ctx context.Context, tx store.Store) (string, error) {
	id, err := tx.GetSystem(ctx, placeholderKey)
	if err == nil {
		if _, err := tx.GetUser(ctx, id); err == nil {
			return id, nil
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", model.ErrInternal(err)
	}
	now := model.Now()
	u := &model.User{ID: model.NewID(), CreateAt: now, UpdateAt: now, DeleteAt: now, Username: "deleted-user",
		Nickname: "Deleted user", Roles: model.RoleSystemUser}
	u.Email = u.ID + "@deleted.invalid"
	if taken, err := tx.GetUserByUsername(ctx, u.Username); err == nil && taken != nil {
		u.Username = "deleted-user-" + strings.ToLower(u.ID[:8])
	}
	u.PreSave()
	if err := tx.SaveUser(ctx, u); err != nil {
		return "", model.ErrInternal(err)
	}
	if err := tx.SetSystem(ctx, placeholderKey, u.ID); err != nil {
		return "", model.ErrInternal(err)
	}
	return u.ID, nil
}

// OffboardReport is what offboarding stopped besides the account: the
// webhooks and slash commands the user created, which act as them and so no
// longer fire. Their owners should hand them to someone else or delete them.
type OffboardReport struct {
	DisabledIntegrations []OwnedIntegration `json:"disabled_integrations"`
}

// OffboardUser deactivates an account, revokes every session and access token,
// and removes it from all teams and their channels, in one step.
func (a *App) OffboardUser(ctx context.Context, s *model.Session, userID string) (*OffboardReport, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	u, err := a.store.GetUser(ctx, userID)
	if err != nil {
		return nil, storeErr(err, errUserNotFound())
	}
	teams, err := a.store.UserTeamMembers(ctx, userID)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	channels, err := a.store.UserChannelMembers(ctx, userID)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	owned, err := a.ownedIntegrations(ctx, userID)
	if err != nil {
		return nil, err
	}
	var left []*model.ChannelMember
	now := model.Now()
	err = a.store.Tx(ctx, func(tx store.Store) error {
		if u.DeleteAt == 0 {
			u.DeleteAt = now
		}
		u.UpdateAt = now
		if err := tx.UpdateUser(ctx, u); err != nil {
			return model.ErrInternal(err)
		}
		if err := tx.DeleteUserSessions(ctx, userID); err != nil {
			return model.ErrInternal(err)
		}
		if err := tx.DeleteUserAccessTokens(ctx, userID); err != nil {
			return model.ErrInternal(err)
		}
		for _, m := range channels {
			ch, err := tx.GetChannel(ctx, m.ChannelID)
			if err != nil || ch.IsGroupOrDirect() {
				continue // conversations with one or a few people stay readable to them
			}
			if err := tx.DeleteChannelMember(ctx, m.ChannelID, userID); err != nil {
				return model.ErrInternal(err)
			}
			left = append(left, m)
		}
		for _, m := range teams {
			if m.DeleteAt > 0 {
				continue
			}
			m.DeleteAt = now
			if err := tx.SaveTeamMember(ctx, m); err != nil {
				return model.ErrInternal(err)
			}
		}
		return nil
	})
	a.audit(ctx, s, model.AuditUserOffboard, "user", userID, err == nil, "")
	if err != nil {
		return nil, err
	}
	a.publishRevoked(ctx, Revocation{UserID: userID})
	for _, m := range left {
		a.publish(ctx, model.NewEvent(model.EventUserRemoved, model.Broadcast{ChannelID: m.ChannelID},
			map[string]any{"user_id": userID, "remover_id": s.UserID, "channel_id": m.ChannelID}))
	}
	for _, m := range teams {
		a.publish(ctx, model.NewEvent(model.EventLeaveTeam, model.Broadcast{TeamID: m.TeamID},
			map[string]any{"team_id": m.TeamID, "user_id": userID}))
	}
	a.publishUserUpdated(ctx, u)
	return &OffboardReport{DisabledIntegrations: owned}, nil
}

// UserExport is everything Parley holds about one person.
type UserExport struct {
	ExportedAt int64            `json:"exported_at"`
	Profile    *model.User      `json:"profile"`
	Status     *model.Status    `json:"status,omitempty"`
	Sessions   []*model.Session `json:"sessions"`
	// WebPushSubscriptions are the browsers that get Web Push (endpoints
	// only; the browsers' keys stay out).
	WebPushSubscriptions []*model.WebPushSubscription `json:"web_push_subscriptions"`
	AccessTokens         []*model.UserAccessToken     `json:"access_tokens"`
	TeamMemberships      []ExportedTeamMembership     `json:"team_memberships"`
	ChannelMemberships   []ExportedChannelMembership  `json:"channel_memberships"`
	Posts                []*model.Post                `json:"posts"`
	Reactions            []*model.Reaction            `json:"reactions"`
	Preferences          []model.Preference           `json:"preferences"`
	Drafts               []*model.Draft               `json:"drafts"`
	Groups               []*model.Group               `json:"groups"`
	AuditEntries         []*model.Audit               `json:"audit_entries"`
	// Files lists the user's uploads; WriteZip adds their bytes under files/.
	Files []*model.FileInfo `json:"files"`

	files filestore.Backend
}

// ExportedTeamMembership is a team membership with the team's names.
type ExportedTeamMembership struct {
	TeamID          string `json:"team_id"`
	TeamName        string `json:"team_name"`
	TeamDisplayName string `json:"team_display_name"`
	Roles           string `json:"roles"`
	CreateAt        int64  `json:"create_at"`
	DeleteAt        int64  `json:"delete_at"`
}

// ExportedChannelMembership is a channel membership with the channel's names.
type ExportedChannelMembership struct {
	ChannelID          string          `json:"channel_id"`
	ChannelName        string          `json:"channel_name"`
	ChannelDisplayName string          `json:"channel_display_name"`
	ChannelType        string          `json:"channel_type"`
	TeamID             string          `json:"team_id"`
	Roles              string          `json:"roles"`
	LastViewedAt       int64           `json:"last_viewed_at"`
	NotifyProps        model.StringMap `json:"notify_props"`
}

// ExportUser gathers everything held about a user: for the user themselves or
// a system admin. The password hash, MFA secret and session tokens are left out.
func (a *App) ExportUser(ctx context.Context, s *model.Session, userID string) (*UserExport, error) {
	if !a.IsSelfOr(s, userID, model.PermManageSystem) {
		return nil, model.ErrForbidden()
	}
	u, err := a.store.GetUser(ctx, userID)
	if err != nil {
		return nil, storeErr(err, errUserNotFound())
	}
	u.Password, u.MfaSecret = "", ""
	// The terms of service the user accepted, and when, are data about them too.
	if err := a.addTermsOfService(ctx, u); err != nil {
		return nil, err
	}
	e := &UserExport{ExportedAt: model.Now(), Profile: u}
	if st, err := a.store.GetStatus(ctx, userID); err == nil {
		e.Status = st
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, model.ErrInternal(err)
	}
	if e.Sessions, err = a.store.ListSessions(ctx, userID); err != nil {
		return nil, model.ErrInternal(err)
	}
	for _, ses := range e.Sessions {
		ses.Token = ""
		delete(ses.Props, "csrf")
	}
	if e.WebPushSubscriptions, err = a.store.UserWebPushSubscriptions(ctx, userID); err != nil {
		return nil, model.ErrInternal(err)
	}
	if e.AccessTokens, err = a.store.ListAccessTokens(ctx, userID, store.Page{}); err != nil {
		return nil, model.ErrInternal(err)
	}
	for _, t := range e.AccessTokens {
		t.Token = ""
	}
	tms, err := a.store.UserTeamMembers(ctx, userID)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	e.TeamMemberships = []ExportedTeamMembership{}
	for _, m := range tms {
		x := ExportedTeamMembership{TeamID: m.TeamID, Roles: m.RolesString(), CreateAt: m.CreateAt, DeleteAt: m.DeleteAt}
		if t, err := a.store.GetTeam(ctx, m.TeamID); err == nil {
			x.TeamName, x.TeamDisplayName = t.Name, t.DisplayName
		}
		e.TeamMemberships = append(e.TeamMemberships, x)
	}
	cms, err := a.store.UserChannelMembers(ctx, userID)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	e.ChannelMemberships = []ExportedChannelMembership{}
	for _, m := range cms {
		x := ExportedChannelMembership{ChannelID: m.ChannelID, Roles: m.RolesString(), LastViewedAt: m.LastViewedAt,
			NotifyProps: m.NotifyProps}
		if ch, err := a.store.GetChannel(ctx, m.ChannelID); err == nil {
			x.ChannelName, x.ChannelDisplayName, x.ChannelType, x.TeamID = ch.Name, ch.DisplayName, ch.Type, ch.TeamID
		}
		e.ChannelMemberships = append(e.ChannelMemberships, x)
	}
	if e.Posts, err = a.store.UserPosts(ctx, userID); err != nil {
		return nil, model.ErrInternal(err)
	}
	if e.Reactions, err = a.store.UserReactions(ctx, userID); err != nil {
		return nil, model.ErrInternal(err)
	}
	if e.Preferences, err = a.store.GetPreferences(ctx, userID, ""); err != nil {
		return nil, model.ErrInternal(err)
	}
	if e.Drafts, err = a.store.UserDrafts(ctx, userID); err != nil {
		return nil, model.ErrInternal(err)
	}
	if e.Groups, err = a.store.ListGroups(ctx, store.GroupFilter{HasMember: userID, IncludeArchived: true}, store.Page{}); err != nil {
		return nil, model.ErrInternal(err)
	}
	if e.AuditEntries, err = a.store.ListAudits(ctx, store.AuditFilter{UserID: userID}); err != nil {
		return nil, model.ErrInternal(err)
	}
	if e.Files, err = a.store.UserFiles(ctx, userID); err != nil {
		return nil, model.ErrInternal(err)
	}
	e.files = a.files
	a.audit(ctx, s, model.AuditUserExport, "user", userID, true, "")
	return e, nil
}

// WriteZip writes the export as a zip: export.json for machines and
// summary.md for people.
func (e *UserExport) WriteZip(w io.Writer) error {
	zw := zip.NewWriter(w)
	f, err := zw.Create("export.json")
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	if err := enc.Encode(e); err != nil {
		return err
	}
	f, err = zw.Create("summary.md")
	if err != nil {
		return err
	}
	if err := e.writeSummary(f); err != nil {
		return err
	}
	if err := e.writeFiles(zw); err != nil {
		return err
	}
	return zw.Close()
}

func when(ms int64) string {
	if ms == 0 {
		return "—"
	}
	return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04 UTC")
}

func (e *UserExport) writeSummary(w io.Writer) error {
	p := e.Profile
	var b strings.Builder
	fmt.Fprintf(&b, "# Data held about %s\n\nExported %s. The file export.json holds the same data in full.\n\n", p.Username, when(e.ExportedAt))
	fmt.Fprintf(&b, "## Profile\n\n| Field | Value |\n|---|---|\n")
	for _, r := range [][2]string{
		{"User id", p.ID}, {"Username", p.Username}, {"Email", p.Email}, {"First name", p.FirstName},
		{"Last name", p.LastName}, {"Nickname", p.Nickname}, {"Position", p.Position}, {"Roles", p.Roles},
		{"Locale", p.Locale}, {"Created", when(p.CreateAt)}, {"Last activity", when(p.LastActivityAt)},
		{"Deactivated", when(p.DeleteAt)},
	} {
		fmt.Fprintf(&b, "| %s | %s |\n", r[0], mdCell(r[1]))
	}
	fmt.Fprintf(&b, "\n## Sessions (%d)\n\n", len(e.Sessions))
	for _, s := range e.Sessions {
		fmt.Fprintf(&b, "- created %s, last active %s, %s\n", when(s.CreateAt), when(s.LastActivityAt), mdCell(s.Props["browser"]))
	}
	fmt.Fprintf(&b, "\n## Browsers with Web Push (%d)\n\n", len(e.WebPushSubscriptions))
	for _, w := range e.WebPushSubscriptions {
		fmt.Fprintf(&b, "- since %s, %s\n", when(w.CreateAt), mdCell(w.Endpoint))
	}
	fmt.Fprintf(&b, "\n## Personal access tokens (%d)\n\n", len(e.AccessTokens))
	for _, t := range e.AccessTokens {
		fmt.Fprintf(&b, "- %s (active: %t)\n", mdCell(t.Description), t.IsActive)
	}
	fmt.Fprintf(&b, "\n## Teams (%d)\n\n", len(e.TeamMemberships))
	for _, m := range e.TeamMemberships {
		fmt.Fprintf(&b, "- %s (%s), roles %s\n", mdCell(m.TeamDisplayName), m.TeamName, m.Roles)
	}
	fmt.Fprintf(&b, "\n## Channels (%d)\n\n", len(e.ChannelMemberships))
	for _, m := range e.ChannelMemberships {
		fmt.Fprintf(&b, "- %s (%s, type %s), last viewed %s\n", mdCell(m.ChannelDisplayName), m.ChannelName, m.ChannelType, when(m.LastViewedAt))
	}
	fmt.Fprintf(&b, "\n## Posts (%d)\n\n", len(e.Posts))
	for _, x := range e.Posts {
		state := ""
		if x.DeleteAt > 0 {
			state = " (deleted)"
		}
		fmt.Fprintf(&b, "- %s in %s%s: %s\n", when(x.CreateAt), x.ChannelID, state, mdCell(x.Message))
	}
	fmt.Fprintf(&b, "\n## Reactions (%d)\n\n", len(e.Reactions))
	for _, r := range e.Reactions {
		fmt.Fprintf(&b, "- :%s: on post %s, %s\n", r.EmojiName, r.PostID, when(r.CreateAt))
	}
	fmt.Fprintf(&b, "\n## Preferences (%d)\n\n", len(e.Preferences))
	for _, x := range e.Preferences {
		fmt.Fprintf(&b, "- %s / %s = %s\n", x.Category, x.Name, mdCell(x.Value))
	}
	fmt.Fprintf(&b, "\n## Unsent drafts (%d)\n\n", len(e.Drafts))
	for _, x := range e.Drafts {
		fmt.Fprintf(&b, "- %s in %s: %s\n", when(x.UpdateAt), x.ChannelID, mdCell(x.Message))
	}
	fmt.Fprintf(&b, "\n## User groups (%d)\n\n", len(e.Groups))
	for _, g := range e.Groups {
		fmt.Fprintf(&b, "- @%s (%s)\n", g.Name, mdCell(g.DisplayName))
	}
	fmt.Fprintf(&b, "\n## Audit log entries (%d)\n\n", len(e.AuditEntries))
	for _, x := range e.AuditEntries {
		fmt.Fprintf(&b, "- %s %s (success: %t)\n", when(x.CreateAt), x.Action, x.Success)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdCell keeps text on one Markdown line.
func mdCell(s string) string {
	return strings.NewReplacer("\n", " ", "\r", " ", "|", `\|`).Replace(s)
}

// writeFiles adds the bytes of the user's uploads as files/<id>-<name>; a
// file whose bytes are already gone is listed in export.json only.
func (e *UserExport) writeFiles(zw *zip.Writer) error {
	if e.files == nil {
		return nil
	}
	ctx := context.Background()
	for _, fi := range e.Files {
		obj, err := e.files.Open(ctx, fileKey(fi.ID, "original"))
		if errors.Is(err, filestore.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		w, err := zw.Create("files/" + fi.ID + "-" + fi.Name)
		if err == nil {
			_, err = io.Copy(w, obj)
		}
		obj.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
