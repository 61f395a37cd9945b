package api

import (
	"github.com/parley-chat/parley/internal/model"
)

func (h *Handler) channelRoutes() {
	h.post("/channels", h.createChannel)
	h.post("/channels/direct", h.createDirect)
	h.post("/channels/group", h.createGroup)
	h.post("/channels/group/search", h.searchGroupChannels)
	h.get("/channels/{channel_id}", h.getChannel)
	h.put("/channels/{channel_id}", h.updateChannel)
	h.delete("/channels/{channel_id}", h.archiveChannel)
	h.put("/channels/{channel_id}/patch", h.patchChannel)
	h.put("/channels/{channel_id}/privacy", h.channelPrivacy)
	h.post("/channels/{channel_id}/restore", h.restoreChannel)
	h.get("/channels/{channel_id}/common_teams", h.commonTeams)
	h.post("/channels/{channel_id}/convert_to_channel", h.convertGroupMessage)
	h.get("/channels/{channel_id}/stats", h.channelStats)
	h.get("/channels/{channel_id}/pinned", h.pinnedPosts)
	h.get("/channels/{channel_id}/timezones", func(c *Context) error { return c.ok([]string{}) })
	h.get("/channels/{channel_id}/members", h.channelMembers)
	h.post("/channels/{channel_id}/members", h.addChannelMember)
	h.post("/channels/{channel_id}/members/ids", h.channelMembersByIDs)
	h.get("/channels/{channel_id}/members/{user_id}", h.channelMember)
	h.delete("/channels/{channel_id}/members/{user_id}", h.removeChannelMember)
	h.put("/channels/{channel_id}/members/{user_id}/roles", h.channelMemberRoles)
	h.put("/channels/{channel_id}/members/{user_id}/schemeRoles", h.channelMemberSchemeRoles)
	h.put("/channels/{channel_id}/members/{user_id}/notify_props", h.channelMemberNotifyProps)
	h.post("/channels/members/{user_id}/view", h.viewChannel)

	h.get("/teams/{team_id}/channels", h.teamChannels)
	h.get("/teams/{team_id}/channels/private", h.teamPrivateChannels)
	h.get("/teams/{team_id}/channels/deleted", h.teamArchivedChannels)
	h.post("/teams/{team_id}/channels/ids", h.teamChannelsByIDs)
	h.post("/teams/{team_id}/channels/search", h.searchChannels)
	h.post("/teams/{team_id}/channels/search_archived", h.searchArchivedChannels)
	h.get("/teams/{team_id}/channels/autocomplete", h.autocompleteChannels)
	h.get("/teams/{team_id}/channels/search_autocomplete", h.autocompleteChannelsForSearch)
	h.get("/teams/{team_id}/channels/name/{channel_name:name}", h.channelByName)
	h.get("/teams/name/{team_name:name}/channels/name/{channel_name:name}", h.channelByTeamAndName)

	h.get("/users/{user_id}/teams/{team_id}/channels", h.userChannels)
	h.get("/users/{user_id}/teams/{team_id}/channels/members", h.userChannelMembers)
	h.get("/users/{user_id}/teams/{team_id}/channels/categories", h.sidebarCategories)
	h.put("/users/{user_id}/teams/{team_id}/channels/categories", h.updateSidebarCategories)
	h.post("/users/{user_id}/teams/{team_id}/channels/categories", h.createSidebarCategory)
	h.get("/users/{user_id}/teams/{team_id}/channels/categories/order", h.sidebarOrder)
	h.put("/users/{user_id}/teams/{team_id}/channels/categories/order", h.updateSidebarOrder)
	h.get("/users/{user_id}/teams/{team_id}/channels/categories/{category_id:name}", h.sidebarCategory)
	h.put("/users/{user_id}/teams/{team_id}/channels/categories/{category_id:name}", h.updateSidebarCategory)
	h.delete("/users/{user_id}/teams/{team_id}/channels/categories/{category_id:name}", h.deleteSidebarCategory)
	h.get("/users/{user_id}/channels/{channel_id}/unread", h.channelUnread)
	h.get("/users/{user_id}/channels", h.allUserChannels)
	h.get("/users/{user_id}/channel_members", h.allUserChannelMembers)
}

func (h *Handler) createChannel(c *Context) error {
	var ch model.Channel
	if err := c.decode(&ch, "channel"); err != nil {
		return err
	}
	out, err := c.app.CreateChannel(c.ctx, c.Session, &ch)
	if err != nil {
		return err
	}
	return c.created(out)
}

func (h *Handler) createDirect(c *Context) error {
	ids, err := c.decodeIDs("user_ids", 2)
	if err != nil {
		return err
	}
	ch, err := c.app.CreateDirectChannel(c.ctx, c.Session, ids)
	if err != nil {
		return err
	}
	return c.created(ch)
}

func (h *Handler) createGroup(c *Context) error {
	ids, err := c.decodeIDs("user_ids", 8)
	if err != nil {
		return err
	}
	ch, err := c.app.CreateGroupChannel(c.ctx, c.Session, ids)
	if err != nil {
		return err
	}
	return c.created(ch)
}

func (h *Handler) getChannel(c *Context) error {
	id, err := c.idParam("channel_id")
	if err != nil {
		return err
	}
	ch, err := c.app.GetChannel(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(ch)
}

func (h *Handler) channelByName(c *Context) error {
	teamID, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	ch, err := c.app.GetChannelByName(c.ctx, c.Session, teamID, c.param("channel_name"), c.boolQuery("include_deleted"))
	if err != nil {
		return err
	}
	return c.ok(ch)
}

func (h *Handler) channelByTeamAndName(c *Context) error {
	ch, err := c.app.GetChannelByTeamNameAndName(c.ctx, c.Session, c.param("team_name"), c.param("channel_name"),
		c.boolQuery("include_deleted"))
	if err != nil {
		return err
	}
	return c.ok(ch)
}

func (h *Handler) updateChannel(c *Context) error {
	id, err := c.idParam("channel_id")
	if err != nil {
		return err
	}
	var ch model.Channel
	if err := c.decode(&ch, "channel"); err != nil {
		return err
	}
	if ch.ID != id {
		return model.ErrInvalidBody("id")
	}
	out, err := c.app.UpdateChannel(c.ctx, c.Session, &ch)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) patchChannel(c *Context) error {
	id, err := c.idParam("channel_id")
	if err != nil {
		return err
	}
	var p model.ChannelPatch
	if err := c.decode(&p, "channel"); err != nil {
		return err
	}
	out, err := c.app.PatchChannel(c.ctx, c.Session, id, &p)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) channelPrivacy(c *Context) error {
	id, err := c.idParam("channel_id")
	if err != nil {
		return err
	}
	var body struct {
		Privacy string `json:"privacy"`
	}
	if err := c.decode(&body, "privacy"); err != nil {
		return err
	}
	out, err := c.app.SetChannelPrivacy(c.ctx, c.Session, id, body.Privacy)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) archiveChannel(c *Context) error {
	id, err := c.idParam("channel_id")
	if err != nil {
		return err
	}
	if err := c.app.ArchiveChannel(c.ctx, c.Session, id, c.boolQuery("permanent")); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) restoreChannel(c *Context) error {
	id, err := c.idParam("channel_id")
	if err != nil {
		return err
	}
	ch, err := c.app.RestoreChannel(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(ch)
}

func (h *Handler) channelStats(c *Context) error {
	id, err := c.idParam("channel_id")
	if err != nil {
		return err
	}
	st, err := c.app.ChannelStats(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(st)
}

func (h *Handler) pinnedPosts(c *Context) error {
	id, err := c.idParam("channel_id")
	if err != nil {
		return err
	}
	l, err := c.app.PinnedPosts(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(l)
}

func (h *Handler) channelMembers(c *Context) error {
	id, err := c.idParam("channel_id")
	if err != nil {
		return err
	}
	page, perPage := c.paging()
	ms, err := c.app.ChannelMembers(c.ctx, c.Session, id, page, perPage)
	if err != nil {
		return err
	}
	return c.ok(ms)
}

func (h *Handler) channelMembersByIDs(c *Context) error {
	id, err := c.idParam("channel_id")
	if err != nil {
		return err
	}
	ids, err := c.decodeIDs("user_ids", 1000)
	if err != nil {
		return err
	}
	ms, err := c.app.ChannelMembersByIDs(c.ctx, c.Session, id, ids)
	if err != nil {
		return err
	}
	return c.ok(ms)
}

func (h *Handler) channelMember(c *Context) error {
	id, err := c.idParam("channel_id")
	if err != nil {
		return err
	}
	userID, err := c.userParam()
	if err != nil {
		return err
	}
	m, err := c.app.ChannelMember(c.ctx, c.Session, id, userID)
	if err != nil {
		return err
	}
	return c.ok(m)
}

func (h *Handler) addChannelMember(c *Context) error {
	id, err := c.idParam("channel_id")
	if err != nil {
		return err
	}
	var body struct {
		UserID  string   `json:"user_id"`
		UserIDs []string `json:"user_ids"`
	}
	if err := c.decode(&body, "user_id"); err != nil {
		return err
	}
	if len(body.UserIDs) > 0 {
		if len(body.UserIDs) > 1000 {
			return model.ErrInvalidBody("user_ids")
		}
		out := []*model.ChannelMember{}
		for _, uid := range body.UserIDs {
			if !model.IsValidID(uid) {
				return model.ErrInvalidBody("user_ids")
			}
		}
		for _, uid := range body.UserIDs {
			m, err := c.app.AddChannelMember(c.ctx, c.Session, id, uid)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return c.created(out)
	}
	if !model.IsValidID(body.UserID) {
		return model.ErrInvalidBody("user_id")
	}
	m, err := c.app.AddChannelMember(c.ctx, c.Session, id, body.UserID)
	if err != nil {
		return err
	}
	return c.created(m)
}

func (h *Handler) removeChannelMember(c *Context) error {
	id, err := c.idParam("channel_id")
	if err != nil {
		return err
	}
	userID, err := c.userParam()
	if err != nil {
		return err
	}
	if err := c.app.RemoveChannelMember(c.ctx, c.Session, id, userID); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) channelMemberRoles(c *Context) error {
	id, err := c.idParam("channel_id")
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
	if err := c.app.UpdateChannelMemberRoles(c.ctx, c.Session, id, userID, body.Roles); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) channelMemberSchemeRoles(c *Context) error {
	id, err := c.idParam("channel_id")
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
	if err := c.app.UpdateChannelMemberSchemeRoles(c.ctx, c.Session, id, userID, admin, user, guest); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) channelMemberNotifyProps(c *Context) error {
	id, err := c.idParam("channel_id")
	if err != nil {
		return err
	}
	userID, err := c.userParam()
	if err != nil {
		return err
	}
	var props model.StringMap
	if err := c.decode(&props, "notify_props"); err != nil {
		return err
	}
	if err := c.app.UpdateChannelMemberNotifyProps(c.ctx, c.Session, id, userID, props); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) viewChannel(c *Context) error {
	userID, err := c.userParam()
	if err != nil {
		return err
	}
	var body struct {
		ChannelID     string `json:"channel_id"`
		PrevChannelID string `json:"prev_channel_id"`
		// Clients that show collapsed threads say so; the others read the
		// channel's threads with the channel.
		CollapsedThreadsSupported bool `json:"collapsed_threads_supported"`
	}
	if err := c.decode(&body, "channel_view"); err != nil {
		return err
	}
	if body.ChannelID != "" && !model.IsValidID(body.ChannelID) {
		return model.ErrInvalidBody("channel_view.channel_id")
	}
	if body.PrevChannelID != "" && !model.IsValidID(body.PrevChannelID) {
		return model.ErrInvalidBody("channel_view.prev_channel_id")
	}
	times, err := c.app.ViewChannels(c.ctx, c.Session, userID, body.CollapsedThreadsSupported, body.ChannelID, body.PrevChannelID)
	if err != nil {
		return err
	}
	return c.ok(map[string]any{"status": "OK", "last_viewed_at_times": times})
}

func (h *Handler) teamChannels(c *Context) error {
	id, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	page, perPage := c.paging()
	cs, err := c.app.TeamPublicChannels(c.ctx, c.Session, id, false, page, perPage)
	if err != nil {
		return err
	}
	return c.ok(cs)
}

func (h *Handler) teamArchivedChannels(c *Context) error {
	id, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	page, perPage := c.paging()
	cs, err := c.app.TeamPublicChannels(c.ctx, c.Session, id, true, page, perPage)
	if err != nil {
		return err
	}
	return c.ok(cs)
}

func (h *Handler) teamPrivateChannels(c *Context) error {
	id, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	page, perPage := c.paging()
	cs, err := c.app.TeamPrivateChannels(c.ctx, c.Session, id, page, perPage)
	if err != nil {
		return err
	}
	return c.ok(cs)
}

func (h *Handler) teamChannelsByIDs(c *Context) error {
	id, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	ids, err := c.decodeIDs("channel_ids", 1000)
	if err != nil {
		return err
	}
	cs, err := c.app.ChannelsByIDs(c.ctx, c.Session, id, ids)
	if err != nil {
		return err
	}
	return c.ok(cs)
}

func (h *Handler) searchChannelsIn(c *Context, archived bool) error {
	id, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	var body struct {
		Term string `json:"term"`
	}
	if err := c.decode(&body, "term"); err != nil {
		return err
	}
	cs, err := c.app.SearchChannels(c.ctx, c.Session, id, body.Term, archived)
	if err != nil {
		return err
	}
	return c.ok(cs)
}

func (h *Handler) searchChannels(c *Context) error         { return h.searchChannelsIn(c, false) }
func (h *Handler) searchArchivedChannels(c *Context) error { return h.searchChannelsIn(c, true) }

func (h *Handler) autocompleteIn(c *Context, forSearch bool) error {
	id, err := c.idParam("team_id")
	if err != nil {
		return err
	}
	cs, err := c.app.AutocompleteChannels(c.ctx, c.Session, id, c.query("name"), forSearch)
	if err != nil {
		return err
	}
	return c.ok(cs)
}

func (h *Handler) autocompleteChannels(c *Context) error { return h.autocompleteIn(c, false) }
func (h *Handler) autocompleteChannelsForSearch(c *Context) error {
	return h.autocompleteIn(c, true)
}

// userTeamParams reads {user_id} and {team_id}.
func (c *Context) userTeamParams() (userID, teamID string, err error) {
	if userID, err = c.userParam(); err != nil {
		return "", "", err
	}
	teamID, err = c.idParam("team_id")
	return userID, teamID, err
}

func (h *Handler) userChannels(c *Context) error {
	userID, teamID, err := c.userTeamParams()
	if err != nil {
		return err
	}
	lastDeleteAt, err := c.int64Query("last_delete_at")
	if err != nil {
		return err
	}
	cs, err := c.app.ChannelsForUser(c.ctx, c.Session, userID, teamID, c.boolQuery("include_deleted"), lastDeleteAt)
	if err != nil {
		return err
	}
	return c.ok(cs)
}

func (h *Handler) commonTeams(c *Context) error {
	id, err := c.idParam("channel_id")
	if err != nil {
		return err
	}
	ts, err := c.app.CommonTeams(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(ts)
}

func (h *Handler) convertGroupMessage(c *Context) error {
	id, err := c.idParam("channel_id")
	if err != nil {
		return err
	}
	var req model.GroupMessageConversion
	if err := c.decode(&req, "body"); err != nil {
		return err
	}
	ch, err := c.app.ConvertGroupMessage(c.ctx, c.Session, id, &req)
	if err != nil {
		return err
	}
	return c.ok(ch)
}

func (h *Handler) allUserChannels(c *Context) error {
	userID, err := c.userParam()
	if err != nil {
		return err
	}
	lastDeleteAt, err := c.int64Query("last_delete_at")
	if err != nil {
		return err
	}
	cs, err := c.app.AllChannelsForUser(c.ctx, c.Session, userID, c.boolQuery("include_deleted"), lastDeleteAt)
	if err != nil {
		return err
	}
	return c.ok(cs)
}

func (h *Handler) allUserChannelMembers(c *Context) error {
	userID, err := c.userParam()
	if err != nil {
		return err
	}
	page, perPage := c.paging()
	if c.query("page") == "-1" {
		page = -1 // Mattermost's "all of them", as the web app asks at start-up
	}
	ms, err := c.app.AllChannelMembersForUser(c.ctx, c.Session, userID, page, perPage)
	if err != nil {
		return err
	}
	return c.ok(ms)
}

func (h *Handler) userChannelMembers(c *Context) error {
	userID, teamID, err := c.userTeamParams()
	if err != nil {
		return err
	}
	ms, err := c.app.ChannelMembersForUser(c.ctx, c.Session, userID, teamID)
	if err != nil {
		return err
	}
	return c.ok(ms)
}

func (h *Handler) sidebarCategories(c *Context) error {
	userID, teamID, err := c.userTeamParams()
	if err != nil {
		return err
	}
	cats, err := c.app.SidebarCategories(c.ctx, c.Session, userID, teamID)
	if err != nil {
		return err
	}
	return c.ok(cats)
}

func (h *Handler) sidebarOrder(c *Context) error {
	userID, teamID, err := c.userTeamParams()
	if err != nil {
		return err
	}
	cats, err := c.app.SidebarCategories(c.ctx, c.Session, userID, teamID)
	if err != nil {
		return err
	}
	return c.ok(cats.Order)
}

func (h *Handler) sidebarCategory(c *Context) error {
	userID, teamID, err := c.userTeamParams()
	if err != nil {
		return err
	}
	cat, err := c.app.SidebarCategory(c.ctx, c.Session, userID, teamID, c.param("category_id"))
	if err != nil {
		return err
	}
	return c.ok(cat)
}

func (h *Handler) updateSidebarCategories(c *Context) error {
	userID, teamID, err := c.userTeamParams()
	if err != nil {
		return err
	}
	var cats []*model.SidebarCategory
	if err := c.decode(&cats, "categories"); err != nil {
		return err
	}
	out, err := c.app.UpdateSidebarCategories(c.ctx, c.Session, userID, teamID, cats)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) createSidebarCategory(c *Context) error {
	userID, teamID, err := c.userTeamParams()
	if err != nil {
		return err
	}
	var cat model.SidebarCategory
	if err := c.decode(&cat, "category"); err != nil {
		return err
	}
	out, err := c.app.CreateSidebarCategory(c.ctx, c.Session, userID, teamID, &cat)
	if err != nil {
		return err
	}
	// 200, not 201: Mattermost's createCategoryForTeamForUser writes no status.
	return c.ok(out)
}

func (h *Handler) updateSidebarOrder(c *Context) error {
	userID, teamID, err := c.userTeamParams()
	if err != nil {
		return err
	}
	var order []string
	if err := c.decode(&order, "order"); err != nil {
		return err
	}
	out, err := c.app.UpdateSidebarCategoryOrder(c.ctx, c.Session, userID, teamID, order)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) updateSidebarCategory(c *Context) error {
	userID, teamID, err := c.userTeamParams()
	if err != nil {
		return err
	}
	var cat model.SidebarCategory
	if err := c.decode(&cat, "category"); err != nil {
		return err
	}
	out, err := c.app.UpdateSidebarCategory(c.ctx, c.Session, userID, teamID, c.param("category_id"), &cat)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) deleteSidebarCategory(c *Context) error {
	userID, teamID, err := c.userTeamParams()
	if err != nil {
		return err
	}
	if err := c.app.DeleteSidebarCategory(c.ctx, c.Session, userID, teamID, c.param("category_id")); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) channelUnread(c *Context) error {
	userID, err := c.userParam()
	if err != nil {
		return err
	}
	id, err := c.idParam("channel_id")
	if err != nil {
		return err
	}
	u, err := c.app.ChannelUnread(c.ctx, c.Session, userID, id)
	if err != nil {
		return err
	}
	return c.ok(u)
}

// searchGroupChannels is POST /channels/group/search {"term"}.
func (h *Handler) searchGroupChannels(c *Context) error {
	var q model.ChannelSearch
	if err := c.decode(&q, "channel_search"); err != nil {
		return err
	}
	cs, err := c.app.SearchGroupChannels(c.ctx, c.Session, q.Term)
	if err != nil {
		return err
	}
	return c.ok(cs)
}
