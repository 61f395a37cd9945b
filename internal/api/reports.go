package api

import (
	"cmp"
	"strconv"
	"strings"
	"time"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
)

func (h *Handler) reportRoutes() {
	h.get("/reports/users", h.userReport)
	h.get("/reports/users/count", h.userReportCount)
	h.post("/reports/users/export", h.exportUserReport)
}

// reportSortColumns maps Mattermost's sort_column values to users columns.
var reportSortColumns = map[string]string{"Username": "username", "Email": "email", "CreateAt": "create_at",
	"FirstName": "first_name", "LastName": "last_name", "Nickname": "nickname"}

// userReportQuery reads the report's filters, and with paging its cursor.
func (c *Context) userReportQuery(paging bool) (*model.UserReportQuery, error) {
	q := &model.UserReportQuery{Role: c.query("role_filter"), TeamID: c.query("team_filter"),
		HasNoTeam: c.boolQuery("has_no_team"), HideActive: c.boolQuery("hide_active"),
		HideInactive: c.boolQuery("hide_inactive"), Search: c.query("search_term")}
	if q.TeamID != "" && !model.IsValidID(q.TeamID) {
		return nil, model.ErrInvalidURLParam("team_filter")
	}
	if q.HideActive && q.HideInactive {
		return nil, model.ErrInvalidURLParam("hide_active")
	}
	var ok bool
	if q.PostsFrom, q.PostsTo, ok = app.ReportDateRange(c.query("date_range"), time.Now()); !ok {
		return nil, model.ErrInvalidURLParam("date_range")
	}
	if !paging {
		return q, nil
	}
	if q.SortColumn, ok = reportSortColumns[cmp.Or(c.query("sort_column"), "Username")]; !ok {
		return nil, model.ErrInvalidURLParam("sort_column")
	}
	switch strings.ToLower(c.query("sort_direction")) {
	case "", "asc":
	case "desc":
		q.Desc = true
	default:
		return nil, model.ErrInvalidURLParam("sort_direction")
	}
	switch c.query("direction") {
	case "", "next":
	case "prev":
		q.Prev = true
	default:
		return nil, model.ErrInvalidURLParam("direction")
	}
	q.PageSize = 50
	if v := c.query("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return nil, model.ErrInvalidURLParam("page_size")
		}
		q.PageSize = n
	}
	q.FromColumnValue, q.FromID = c.query("from_column_value"), c.query("from_id")
	if q.FromID != "" && !model.IsValidID(q.FromID) {
		return nil, model.ErrInvalidURLParam("from_id")
	}
	if q.FromID != "" && q.SortColumn == "create_at" {
		if _, err := strconv.ParseInt(q.FromColumnValue, 10, 64); err != nil {
			return nil, model.ErrInvalidURLParam("from_column_value")
		}
	}
	return q, nil
}

func (h *Handler) userReport(c *Context) error {
	q, err := c.userReportQuery(true)
	if err != nil {
		return err
	}
	rows, err := c.app.UserReport(c.ctx, c.Session, q)
	if err != nil {
		return err
	}
	return c.ok(rows)
}

func (h *Handler) userReportCount(c *Context) error {
	q, err := c.userReportQuery(false)
	if err != nil {
		return err
	}
	n, err := c.app.CountUserReport(c.ctx, c.Session, q)
	if err != nil {
		return err
	}
	return c.ok(n)
}

func (h *Handler) exportUserReport(c *Context) error {
	q, err := c.userReportQuery(false)
	if err != nil {
		return err
	}
	if err := c.app.ExportUserReport(c.ctx, c.Session, q, c.query("date_range")); err != nil {
		return err
	}
	return c.statusOK()
}
