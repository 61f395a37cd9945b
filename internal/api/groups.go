package api

import (
	"net/http"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// groupRoutes serve custom user groups (docs/api.md, Groups).
func (h *Handler) groupRoutes() {
	h.get("/groups", h.listGroups)
	h.post("/groups", h.createUserGroup)
	h.post("/groups/names", h.groupsByNames)
	h.get("/groups/{group_id}", h.getGroup)
	h.put("/groups/{group_id}/patch", h.patchGroup)
	h.delete("/groups/{group_id}", h.archiveGroup)
	h.post("/groups/{group_id}/restore", h.restoreGroup)
	h.get("/groups/{group_id}/stats", h.groupStats)
	h.get("/groups/{group_id}/members", h.groupMembers)
	h.post("/groups/{group_id}/members", h.addGroupMembers)
	h.delete("/groups/{group_id}/members", h.removeGroupMembers)
	h.get("/users/{user_id}/groups", h.userGroups)
	h.get("/channels/{channel_id}/groups", h.channelGroups)
	h.get("/teams/{team_id}/groups", h.teamGroups)
}

func (c *Context) groupOptions() app.GroupOptions {
	return app.GroupOptions{MemberCount: c.boolQuery("include_member_count"), MemberIDs: c.boolQuery("include_member_ids")}
}

func (h *Handler) listGroups(c *Context) error {
	since, err := c.int64Query("since")
	if err != nil {
		return err
	}
	f := store.GroupFilter{Term: c.query("q"), AllowReference: c.boolQuery("filter_allow_reference"),
		IncludeArchived: c.boolQuery("include_archived"), OnlyArchived: c.boolQuery("filter_archived"), Since: since}
	// Mattermost reads group_source as custom, or else ldap.
	if src := c.query("group_source"); src == model.GroupSourceCustom {
		f.Source = model.GroupSourceCustom
	} else if src != "" {
		f.Source = model.GroupSourceLdap
	}
	if m := c.query("filter_has_member"); m != "" {
		if !model.IsValidID(m) {
			return model.ErrInvalidURLParam("filter_has_member")
		}
		f.HasMember = m
	}
	o := c.groupOptions()
	// As Mattermost, a malformed channel id is ignored rather than refused.
	if id := c.query("include_channel_member_count"); model.IsValidID(id) {
		o.ChannelMemberCount = id
	}
	page, perPage := c.paging()
	gs, err := c.app.ListGroups(c.ctx, c.Session, f, o, page, perPage)
	if err != nil {
		return err
	}
	if c.boolQuery("include_total_count") {
		n, err := c.app.CountGroups(c.ctx)
		if err != nil {
			return err
		}
		return c.ok(model.GroupsPage{Groups: gs, TotalCount: n})
	}
	return c.ok(gs)
}

// groupsByNames is POST /groups/names: the live groups of the names given,
// with which the apps render @group mentions in posts.
func (h *Handler) groupsByNames(c *Context) error {
	var names []string
	if err := c.decode(&names, "names"); err != nil {
		return model.NewAppError(http.StatusBadRequest, "api.payload.parse.error", "Unable to parse the payload.").Wrap(err)
	}
	if len(names) == 0 {
		return c.ok([]*model.Group{})
	}
	if len(names) > model.MaxGroupMembersPerRequest {
		return model.ErrInvalidBody("names")
	}
	page, perPage := 0, len(names)
	gs, err := c.app.ListGroups(c.ctx, c.Session, store.GroupFilter{Names: names}, app.GroupOptions{}, page, perPage)
	if err != nil {
		return err
	}
	return c.ok(gs)
}

func (h *Handler) createUserGroup(c *Context) error {
	var in model.GroupWithUserIDs
	if err := c.decode(&in, "group"); err != nil {
		return err
	}
	g, err := c.app.CreateGroup(c.ctx, c.Session, &in)
	if err != nil {
		return err
	}
	return c.created(g)
}

func (h *Handler) getGroup(c *Context) error {
	id, err := c.idParam("group_id")
	if err != nil {
		return err
	}
	g, err := c.app.GetGroup(c.ctx, c.Session, id, c.groupOptions())
	if err != nil {
		return err
	}
	return c.ok(g)
}

func (h *Handler) patchGroup(c *Context) error {
	id, err := c.idParam("group_id")
	if err != nil {
		return err
	}
	var p model.GroupPatch
	if err := c.decode(&p, "group"); err != nil {
		return err
	}
	g, err := c.app.PatchGroup(c.ctx, c.Session, id, &p)
	if err != nil {
		return err
	}
	return c.ok(g)
}

func (h *Handler) archiveGroup(c *Context) error {
	id, err := c.idParam("group_id")
	if err != nil {
		return err
	}
	g, err := c.app.ArchiveGroup(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(g)
}

func (h *Handler) restoreGroup(c *Context) error {
	id, err := c.idParam("group_id")
	if err != nil {
		return err
	}
	g, err := c.app.RestoreGroup(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(g)
}

func (h *Handler) groupStats(c *Context) error {
	id, err := c.idParam("group_id")
	if err != nil {
		return err
	}
	st, err := c.app.GroupStats(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(st)
}

func (h *Handler) groupMembers(c *Context) error {
	id, err := c.idParam("group_id")
	if err != nil {
		return err
	}
	page, perPage := c.paging()
	l, err := c.app.GroupMembers(c.ctx, c.Session, id, page, perPage)
	if err != nil {
		return err
	}
	return c.ok(l)
}

// groupMemberBody reads {"user_ids": [...]}; param is the name Mattermost
// gives the body in its error.
func (c *Context) groupMemberBody(param string) ([]string, error) {
	var body model.GroupModifyMembers
	if err := c.decode(&body, param); err != nil {
		return nil, err
	}
	return body.UserIDs, nil
}

func (h *Handler) addGroupMembers(c *Context) error {
	id, err := c.idParam("group_id")
	if err != nil {
		return err
	}
	ids, err := c.groupMemberBody("addGroupMembers")
	if err != nil {
		return err
	}
	ms, err := c.app.AddGroupMembers(c.ctx, c.Session, id, ids)
	if err != nil {
		return err
	}
	return c.ok(ms)
}

func (h *Handler) removeGroupMembers(c *Context) error {
	id, err := c.idParam("group_id")
	if err != nil {
		return err
	}
	ids, err := c.groupMemberBody("deleteGroupMembers")
	if err != nil {
		return err
	}
	ms, err := c.app.RemoveGroupMembers(c.ctx, c.Session, id, ids)
	if err != nil {
		return err
	}
	return c.ok(ms)
}

func (h *Handler) userGroups(c *Context) error {
	userID, err := c.userParam()
	if err != nil {
		return err
	}
	gs, err := c.app.GroupsForUser(c.ctx, c.Session, userID)
	if err != nil {
		return err
	}
	return c.ok(gs)
}

func (h *Handler) channelGroups(c *Context) error {
	id, err := c.idParam("channel_id")
	if err != nil {
		return err
	}
	gs, err := c.app.GroupsForChannel(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(gs)
}

func (h *Handler) teamGroups(c *Context) error {
	id, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	gs, err := c.app.GroupsForTeam(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(gs)
}
