package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/parley-chat/parley/internal/model"
)

func (h *Handler) teamRoutes() {
	h.post("/teams", h.createTeam)
	h.get("/teams", h.listTeams)
	h.post("/teams/search", h.searchTeams)
	h.get("/teams/name/{team_name:name}", h.teamByName)
	h.get("/teams/name/{team_name:name}/exists", h.teamExists)
	h.get("/teams/invite/{invite_id}", h.inviteInfo, authOptional)
	h.post("/teams/members/invite", h.joinByInvite)
	h.get("/teams/{team_id}", h.getTeam)
	h.put("/teams/{team_id}", h.updateTeam)
	h.delete("/teams/{team_id}", h.deleteTeam)
	h.put("/teams/{team_id}/patch", h.patchTeam)
	h.put("/teams/{team_id}/privacy", h.teamPrivacy)
	h.post("/teams/{team_id}/regenerate_invite_id", h.regenerateInvite)
	h.post("/teams/{team_id}/invite/email", h.inviteByEmail)
	h.delete("/teams/invites/email", h.invalidateEmailInvites)
	h.post("/teams/{team_id}/restore", h.restoreTeam)
	h.get("/teams/{team_id}/stats", h.teamStats)
	h.get("/teams/{team_id}/members", h.teamMembers)
	h.post("/teams/{team_id}/members", h.addTeamMember)
	h.post("/teams/{team_id}/members/batch", h.addTeamMembers)
	h.post("/teams/{team_id}/members/ids", h.teamMembersByIDs)
	h.get("/teams/{team_id}/members/{user_id}", h.teamMember)
	h.delete("/teams/{team_id}/members/{user_id}", h.removeTeamMember)
	h.put("/teams/{team_id}/members/{user_id}/roles", h.teamMemberRoles)
	h.put("/teams/{team_id}/members/{user_id}/schemeRoles", h.teamMemberSchemeRoles)
	h.get("/teams/{team_id}/image", func(c *Context) error {
		return model.ErrNotFound("api.team.get_team_icon.filesettings_no_driver.app_error", "team icon")
	}, authTrusted)

	h.get("/users/{user_id}/teams", h.userTeams)
	h.get("/users/{user_id}/teams/members", h.userTeamMembers)
	h.get("/users/{user_id}/teams/unread", h.userTeamUnreads)
	h.get("/users/{user_id}/teams/{team_id}/unread", h.userTeamUnread)
}

func (h *Handler) createTeam(c *Context) error {
	var t model.Team
	if err := c.decode(&t, "team"); err != nil {
		return err
	}
	out, err := c.app.CreateTeam(c.ctx, c.Session, &t)
	if err != nil {
		return err
	}
	return c.created(out)
}

func (h *Handler) listTeams(c *Context) error {
	page, perPage := c.paging()
	ts, total, err := c.app.ListTeams(c.ctx, c.Session, page, perPage)
	if err != nil {
		return err
	}
	if c.boolQuery("include_total_count") {
		return c.ok(map[string]any{"teams": ts, "total_count": total})
	}
	return c.ok(ts)
}

func (h *Handler) searchTeams(c *Context) error {
	var body struct {
		Term    string `json:"term"`
		Page    *int   `json:"page"`
		PerPage *int   `json:"per_page"`
	}
	if err := c.decode(&body, "term"); err != nil {
		return err
	}
	page, perPage := 0, 100
	paged := body.Page != nil || body.PerPage != nil
	if body.Page != nil && *body.Page > 0 {
		page = *body.Page
	}
	if body.PerPage != nil && *body.PerPage > 0 {
		perPage = min(*body.PerPage, 200)
	}
	ts, err := c.app.SearchTeams(c.ctx, c.Session, body.Term, page, perPage)
	if err != nil {
		return err
	}
	if paged {
		return c.ok(map[string]any{"teams": ts, "total_count": len(ts)})
	}
	return c.ok(ts)
}

func (h *Handler) getTeam(c *Context) error {
	id, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	t, err := c.app.GetTeam(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(t)
}

func (h *Handler) teamByName(c *Context) error {
	t, err := c.app.GetTeamByName(c.ctx, c.Session, c.param("team_name"))
	if err != nil {
		return err
	}
	return c.ok(t)
}

func (h *Handler) teamExists(c *Context) error {
	return c.ok(map[string]bool{"exists": c.app.TeamExists(c.ctx, c.Session, c.param("team_name"))})
}

func (h *Handler) inviteInfo(c *Context) error {
	id, err := c.idParam("invite_id")
	if err != nil {
		return err
	}
	info, err := c.app.InviteInfo(c.ctx, id)
	if err != nil {
		return err
	}
	return c.ok(info)
}

func (h *Handler) joinByInvite(c *Context) error {
	inviteID, token := c.query("invite_id"), c.query("token")
	var m *model.TeamMember
	var err error
	switch {
	case token != "":
		m, err = c.app.JoinTeamByToken(c.ctx, c.Session, token)
	case inviteID != "":
		m, err = c.app.JoinTeamByInvite(c.ctx, c.Session, inviteID)
	default:
		return model.NewAppError(400, "api.team.add_user_to_team.missing_parameter.app_error",
			"Parameter required to add user to team.")
	}
	if err != nil {
		return err
	}
	return c.created(m)
}

func (h *Handler) updateTeam(c *Context) error {
	id, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	var t model.Team
	if err := c.decode(&t, "team"); err != nil {
		return err
	}
	if t.ID != id {
		return model.ErrInvalidBody("id")
	}
	out, err := c.app.UpdateTeam(c.ctx, c.Session, &t)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) patchTeam(c *Context) error {
	id, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	var p model.TeamPatch
	if err := c.decode(&p, "team"); err != nil {
		return err
	}
	out, err := c.app.PatchTeam(c.ctx, c.Session, id, &p)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) teamPrivacy(c *Context) error {
	id, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	var body struct {
		Privacy string `json:"privacy"`
	}
	if err := c.decode(&body, "privacy"); err != nil {
		return err
	}
	out, err := c.app.SetTeamPrivacy(c.ctx, c.Session, id, body.Privacy)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) regenerateInvite(c *Context) error {
	id, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	out, err := c.app.RegenerateInviteID(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) deleteTeam(c *Context) error {
	id, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	if err := c.app.DeleteTeam(c.ctx, c.Session, id, c.boolQuery("permanent")); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) restoreTeam(c *Context) error {
	id, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	out, err := c.app.RestoreTeam(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) teamStats(c *Context) error {
	id, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	st, err := c.app.TeamStats(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(st)
}

func (h *Handler) teamMembers(c *Context) error {
	id, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	page, perPage := c.paging()
	ms, err := c.app.TeamMembers(c.ctx, c.Session, id, page, perPage, c.query("sort") == "Username",
		c.boolQuery("exclude_deleted_users"))
	if err != nil {
		return err
	}
	return c.ok(ms)
}

func (h *Handler) teamMembersByIDs(c *Context) error {
	id, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	ids, err := c.decodeIDs("user_ids", 1000)
	if err != nil {
		return err
	}
	ms, err := c.app.TeamMembersByIDs(c.ctx, c.Session, id, ids)
	if err != nil {
		return err
	}
	return c.ok(ms)
}

func (h *Handler) teamMember(c *Context) error {
	teamID, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	userID, err := c.userParam()
	if err != nil {
		return err
	}
	m, err := c.app.TeamMember(c.ctx, c.Session, teamID, userID)
	if err != nil {
		return err
	}
	return c.ok(m)
}

type teamMemberBody struct {
	TeamID string `json:"team_id"`
	UserID string `json:"user_id"`
}

func (h *Handler) addTeamMember(c *Context) error {
	teamID, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	var body teamMemberBody
	if err := c.decode(&body, "team_member"); err != nil {
		return err
	}
	if body.TeamID != teamID {
		return model.ErrInvalidBody("team_id")
	}
	if !model.IsValidID(body.UserID) {
		return model.ErrInvalidBody("user_id")
	}
	m, err := c.app.AddTeamMember(c.ctx, c.Session, teamID, body.UserID)
	if err != nil {
		return err
	}
	return c.created(m)
}

func (h *Handler) addTeamMembers(c *Context) error {
	teamID, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	var body []teamMemberBody
	if err := c.decode(&body, "team_members"); err != nil {
		return err
	}
	if len(body) == 0 || len(body) > 256 {
		return model.ErrInvalidBody("team_members")
	}
	for _, b := range body {
		if b.TeamID != teamID || !model.IsValidID(b.UserID) {
			return model.ErrInvalidBody("team_members")
		}
	}
	graceful := c.boolQuery("graceful")
	type result struct {
		UserID string            `json:"user_id"`
		Member *model.TeamMember `json:"member"`
		Error  *model.AppError   `json:"error"`
	}
	var members []*model.TeamMember
	var results []result
	for _, b := range body {
		m, err := c.app.AddTeamMember(c.ctx, c.Session, teamID, b.UserID)
		if err != nil {
			if !graceful {
				return err
			}
			var ae *model.AppError
			errors.As(err, &ae)
			results = append(results, result{UserID: b.UserID, Error: ae})
			continue
		}
		members = append(members, m)
		results = append(results, result{UserID: b.UserID, Member: m})
	}
	if graceful {
		return c.created(results)
	}
	return c.created(members)
}

func (h *Handler) removeTeamMember(c *Context) error {
	teamID, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	userID, err := c.userParam()
	if err != nil {
		return err
	}
	if err := c.app.RemoveTeamMember(c.ctx, c.Session, teamID, userID); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) teamMemberRoles(c *Context) error {
	teamID, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	userID, err := c.userParam()
	if err != nil {
		return err
	}
	var body struct {
		Roles string `json:"roles"`
	}
	if err := c.decode(&body, "roles"); err != nil {
		return err
	}
	if err := c.app.UpdateTeamMemberRoles(c.ctx, c.Session, teamID, userID, body.Roles); err != nil {
		return err
	}
	return c.statusOK()
}

type schemeRolesBody struct {
	SchemeAdmin *bool `json:"scheme_admin"`
	SchemeUser  *bool `json:"scheme_user"`
	SchemeGuest *bool `json:"scheme_guest"`
}

func (c *Context) decodeSchemeRoles() (admin, user, guest bool, err error) {
	var body schemeRolesBody
	if err := c.decode(&body, "scheme_roles"); err != nil {
		return false, false, false, err
	}
	if body.SchemeAdmin == nil || body.SchemeUser == nil {
		return false, false, false, model.ErrInvalidBody("scheme_roles")
	}
	if body.SchemeGuest != nil {
		guest = *body.SchemeGuest
	}
	return *body.SchemeAdmin, *body.SchemeUser, guest, nil
}

func (h *Handler) teamMemberSchemeRoles(c *Context) error {
	teamID, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	userID, err := c.userParam()
	if err != nil {
		return err
	}
	admin, user, guest, err := c.decodeSchemeRoles()
	if err != nil {
		return err
	}
	if err := c.app.UpdateTeamMemberSchemeRoles(c.ctx, c.Session, teamID, userID, admin, user, guest); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) userTeams(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	ts, err := c.app.TeamsForUser(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(ts)
}

func (h *Handler) userTeamMembers(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	ms, err := c.app.TeamMembersForUser(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(ms)
}

func (h *Handler) userTeamUnreads(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	exclude := c.query("exclude_team")
	if exclude != "" && !model.IsValidID(exclude) {
		return model.ErrInvalidURLParam("exclude_team")
	}
	us, err := c.app.TeamUnreads(c.ctx, c.Session, id, exclude, c.boolQuery("include_collapsed_threads"))
	if err != nil {
		return err
	}
	return c.ok(us)
}

func (h *Handler) userTeamUnread(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	teamID, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	u, err := c.app.TeamUnread(c.ctx, c.Session, id, teamID)
	if err != nil {
		return err
	}
	return c.ok(u)
}

// inviteByEmail takes Mattermost's MemberInvite: a list of addresses, or an
// object whose emails are the list (channel ids and a message are not used).
func (h *Handler) inviteByEmail(c *Context) error {
	id, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	var raw json.RawMessage
	if err := c.decode(&raw, "user_email"); err != nil {
		var ae *model.AppError
		if errors.As(err, &ae) && ae.StatusCode == http.StatusRequestEntityTooLarge {
			return err
		}
		return model.NewAppError(http.StatusBadRequest, "api.team.invite_members_to_team_and_channels.invalid_body_parsing.app_error",
			"Failed to parse the request body.")
	}
	var emails []string
	if err := json.Unmarshal(raw, &emails); err != nil {
		var obj struct {
			Emails []string `json:"emails"`
		}
		if err := json.Unmarshal(raw, &obj); err != nil {
			return model.NewAppError(http.StatusBadRequest, "api.team.invite_members_to_team_and_channels.invalid_body_parsing.app_error",
				"Failed to parse the request body.")
		}
		emails = obj.Emails
	}
	graceful := c.query("graceful") != ""
	results, err := c.app.InviteByEmail(c.ctx, c.Session, id, emails, c.siteURL(), graceful)
	if err != nil {
		return err
	}
	if graceful {
		return c.ok(results)
	}
	return c.statusOK()
}

func (h *Handler) invalidateEmailInvites(c *Context) error {
	if err := c.app.InvalidateEmailInvites(c.ctx, c.Session); err != nil {
		return err
	}
	return c.statusOK()
}
