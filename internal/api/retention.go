package api

import (
	"net/http"

	"github.com/parley-chat/parley/internal/model"
)

// retentionRoutes serve Mattermost's data retention API (the global policy,
// granular policies of teams and channels) and legal holds.
func (h *Handler) retentionRoutes() {
	h.get("/data_retention/policy", h.globalRetentionPolicy)
	h.get("/data_retention/policies_count", h.retentionPoliciesCount)
	h.get("/data_retention/policies", h.retentionPolicies)
	h.post("/data_retention/policies", h.createRetentionPolicy)
	h.get("/data_retention/policies/{policy_id}", h.retentionPolicy)
	h.add("PATCH", "/data_retention/policies/{policy_id}", h.patchRetentionPolicy, nil)
	h.delete("/data_retention/policies/{policy_id}", h.deleteRetentionPolicy)
	h.get("/data_retention/policies/{policy_id}/teams", h.retentionPolicyTeams)
	h.post("/data_retention/policies/{policy_id}/teams", h.changeRetentionPolicy("team", true))
	h.delete("/data_retention/policies/{policy_id}/teams", h.changeRetentionPolicy("team", false))
	h.post("/data_retention/policies/{policy_id}/teams/search", h.searchRetentionPolicyTeams)
	h.get("/data_retention/policies/{policy_id}/channels", h.retentionPolicyChannels)
	h.post("/data_retention/policies/{policy_id}/channels", h.changeRetentionPolicy("channel", true))
	h.delete("/data_retention/policies/{policy_id}/channels", h.changeRetentionPolicy("channel", false))
	h.post("/data_retention/policies/{policy_id}/channels/search", h.searchRetentionPolicyChannels)
	h.get("/users/{user_id}/data_retention/team_policies", h.userTeamRetention)
	h.get("/users/{user_id}/data_retention/channel_policies", h.userChannelRetention)

	h.get("/legal_holds", h.legalHolds)
	h.post("/legal_holds", h.createLegalHold)
	h.get("/legal_holds/{legal_hold_id}", h.legalHold)
	h.put("/legal_holds/{legal_hold_id}", h.updateLegalHold)
	h.post("/legal_holds/{legal_hold_id}/release", h.releaseLegalHold)
	h.get("/legal_holds/{legal_hold_id}/download", h.downloadLegalHold)
}

// policyParam is {policy_id}: malformed is a bad URL, as Mattermost's
// RequirePolicyId.
func (c *Context) policyParam() (string, error) { return c.idParam("policy_id") }

func (h *Handler) globalRetentionPolicy(c *Context) error {
	p, err := c.app.GlobalRetentionPolicy(c.ctx)
	if err != nil {
		return err
	}
	return c.ok(p)
}

func (h *Handler) retentionPoliciesCount(c *Context) error {
	n, err := c.app.RetentionPoliciesCount(c.ctx, c.Session)
	if err != nil {
		return err
	}
	return c.ok(map[string]int64{"total_count": n})
}

func (h *Handler) retentionPolicies(c *Context) error {
	page, perPage := c.paging()
	l, err := c.app.RetentionPolicies(c.ctx, c.Session, page, perPage)
	if err != nil {
		return err
	}
	return c.ok(l)
}

func (h *Handler) createRetentionPolicy(c *Context) error {
	var p model.RetentionPolicyWithTeamAndChannelIDs
	if err := c.decode(&p, "policy"); err != nil {
		return err
	}
	out, err := c.app.CreateRetentionPolicy(c.ctx, c.Session, &p)
	if err != nil {
		return err
	}
	return c.created(out)
}

func (h *Handler) retentionPolicy(c *Context) error {
	id, err := c.policyParam()
	if err != nil {
		return err
	}
	p, err := c.app.RetentionPolicy(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(p)
}

func (h *Handler) patchRetentionPolicy(c *Context) error {
	id, err := c.policyParam()
	if err != nil {
		return err
	}
	var p model.RetentionPolicyWithTeamAndChannelIDs
	if err := c.decode(&p, "policy"); err != nil {
		return err
	}
	p.ID = id
	out, err := c.app.PatchRetentionPolicy(c.ctx, c.Session, &p)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) deleteRetentionPolicy(c *Context) error {
	id, err := c.policyParam()
	if err != nil {
		return err
	}
	if err := c.app.DeleteRetentionPolicy(c.ctx, c.Session, id); err != nil {
		return err
	}
	return c.statusOK()
}

func (h *Handler) retentionPolicyTeams(c *Context) error {
	id, err := c.policyParam()
	if err != nil {
		return err
	}
	page, perPage := c.paging()
	ts, n, err := c.app.RetentionPolicyTeams(c.ctx, c.Session, id, "", page, perPage)
	if err != nil {
		return err
	}
	return c.ok(model.TeamsWithCount{Teams: ts, TotalCount: n})
}

func (h *Handler) searchRetentionPolicyTeams(c *Context) error {
	id, err := c.policyParam()
	if err != nil {
		return err
	}
	var body struct {
		Term string `json:"term"`
	}
	if err := c.decode(&body, "team_search"); err != nil {
		return err
	}
	ts, _, err := c.app.RetentionPolicyTeams(c.ctx, c.Session, id, body.Term, 0, 0)
	if err != nil {
		return err
	}
	return c.ok(ts)
}

func (h *Handler) retentionPolicyChannels(c *Context) error {
	id, err := c.policyParam()
	if err != nil {
		return err
	}
	page, perPage := c.paging()
	cs, n, err := c.app.RetentionPolicyChannels(c.ctx, c.Session, id, nil, page, perPage)
	if err != nil {
		return err
	}
	return c.ok(model.ChannelsWithCount{Channels: cs, TotalCount: n})
}

func (h *Handler) searchRetentionPolicyChannels(c *Context) error {
	id, err := c.policyParam()
	if err != nil {
		return err
	}
	var q model.ChannelSearch
	if err := c.decode(&q, "channel_search"); err != nil {
		return err
	}
	cs, _, err := c.app.RetentionPolicyChannels(c.ctx, c.Session, id, &q, 0, 0)
	if err != nil {
		return err
	}
	return c.ok(cs)
}

// changeRetentionPolicy adds or removes the teams or channels whose ids the
// body lists.
func (h *Handler) changeRetentionPolicy(kind string, add bool) handlerFunc {
	return func(c *Context) error {
		id, err := c.policyParam()
		if err != nil {
			return err
		}
		var ids []string
		if err := c.decode(&ids, kind+"_ids"); err != nil {
			return err
		}
		if err := c.app.ChangeRetentionPolicyMembers(c.ctx, c.Session, id, kind, add, ids); err != nil {
			return err
		}
		return c.statusOK()
	}
}

func (h *Handler) userTeamRetention(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	page, perPage := c.paging()
	l, err := c.app.UserTeamRetention(c.ctx, c.Session, id, page, perPage)
	if err != nil {
		return err
	}
	return c.ok(l)
}

func (h *Handler) userChannelRetention(c *Context) error {
	id, err := c.userParam()
	if err != nil {
		return err
	}
	page, perPage := c.paging()
	l, err := c.app.UserChannelRetention(c.ctx, c.Session, id, page, perPage)
	if err != nil {
		return err
	}
	return c.ok(l)
}

func (h *Handler) legalHolds(c *Context) error {
	hs, err := c.app.LegalHolds(c.ctx, c.Session)
	if err != nil {
		return err
	}
	return c.ok(hs)
}

func (h *Handler) createLegalHold(c *Context) error {
	var lh model.LegalHold
	if err := c.decode(&lh, "legal_hold"); err != nil {
		return err
	}
	out, err := c.app.CreateLegalHold(c.ctx, c.Session, &lh)
	if err != nil {
		return err
	}
	return c.created(out)
}

func (h *Handler) legalHold(c *Context) error {
	id, err := c.idParam("legal_hold_id")
	if err != nil {
		return err
	}
	lh, err := c.app.LegalHold(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	return c.ok(lh)
}

func (h *Handler) updateLegalHold(c *Context) error {
	id, err := c.idParam("legal_hold_id")
	if err != nil {
		return err
	}
	var lh model.LegalHold
	if err := c.decode(&lh, "legal_hold"); err != nil {
		return err
	}
	lh.ID = id
	out, err := c.app.UpdateLegalHold(c.ctx, c.Session, &lh)
	if err != nil {
		return err
	}
	return c.ok(out)
}

func (h *Handler) releaseLegalHold(c *Context) error {
	id, err := c.idParam("legal_hold_id")
	if err != nil {
		return err
	}
	if err := c.app.ReleaseLegalHold(c.ctx, c.Session, id); err != nil {
		return err
	}
	return c.statusOK()
}

// downloadLegalHold streams the hold's export as JSON lines.
func (h *Handler) downloadLegalHold(c *Context) error {
	id, err := c.idParam("legal_hold_id")
	if err != nil {
		return err
	}
	lh, err := c.app.LegalHold(c.ctx, c.Session, id)
	if err != nil {
		return err
	}
	c.w.Header().Set("Content-Type", "application/x-ndjson")
	c.w.Header().Set("Content-Disposition", `attachment; filename="legal-hold-`+lh.Name+`.jsonl"`)
	c.status = http.StatusOK
	_, err = c.app.ExportLegalHold(c.ctx, c.Session, lh.ID, c.w)
	return err
}
