package app

import (
	"context"
	"strings"
	"time"

	"github.com/parley-chat/parley/internal/model"
)

// UserReport is a page of the system console's user report (GET
// /reports/users), for those with sysconsole_read_user_management_users.
func (a *App) UserReport(ctx context.Context, s *model.Session, q *model.UserReportQuery) ([]*model.UserReport, error) {
	if !a.HasPermission(s, model.PermSysconsoleReadUserMgmt) {
		return nil, model.ErrForbidden()
	}
	rows, err := a.store.UserReport(ctx, q)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	for _, r := range rows {
		setReportDisplayName(r)
	}
	return rows, nil
}

// setReportDisplayName names a row by the user's full name, else username.
func setReportDisplayName(r *model.UserReport) {
	r.DisplayName = strings.TrimSpace(r.FirstName + " " + r.LastName)
	if r.DisplayName == "" {
		r.DisplayName = r.Username
	}
}

// CountUserReport counts the users the report's filters select.
func (a *App) CountUserReport(ctx context.Context, s *model.Session, q *model.UserReportQuery) (int64, error) {
	if !a.HasPermission(s, model.PermSysconsoleReadUserMgmt) {
		return 0, model.ErrForbidden()
	}
	n, err := a.store.CountUserReport(ctx, q)
	if err != nil {
		return 0, model.ErrInternal(err)
	}
	return n, nil
}

// ReportDateRange is the range of Mattermost's date_range values, in
// milliseconds (to 0: no end); ok is false for an unknown one.
func ReportDateRange(name string, now time.Time) (from, to int64, ok bool) {
	now = now.UTC()
	switch name {
	case "", "all_time":
		return 0, 0, true
	case "last_30_days":
		return now.AddDate(0, 0, -30).UnixMilli(), 0, true
	case "last_6_months":
		return now.AddDate(0, -6, 0).UnixMilli(), 0, true
	case "previous_month":
		first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
		return first.AddDate(0, -1, 0).UnixMilli(), first.UnixMilli(), true
	}
	return 0, 0, false
}
