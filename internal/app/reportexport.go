package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// userReportCSVColumns is the header of Mattermost's export_users_to_csv job.
var userReportCSVColumns = []string{"Id", "Username", "Email", "CreateAt", "Name", "Roles", "LastLogin",
	"LastStatusAt", "LastPostDate", "DaysActive", "TotalPosts"}

// userReportExportPage is the rows read at a time, as Mattermost's job.
const userReportExportPage = 100

// ExportUserReport is POST /reports/users/export: the user report of the
// query's filters and date range (dateRange names it) as a CSV file, which
// the system bot sends the caller in their DM, as Mattermost's
// export_users_to_csv job does. Mattermost answers at once and runs a job;
// here the request waits for the file, so there is no job to find twice.
func (a *App) ExportUserReport(ctx context.Context, s *model.Session, q *model.UserReportQuery, dateRange string) error {
	if !a.HasPermission(s, model.PermManageSystem) {
		return model.ErrForbidden()
	}
	bot, err := a.systemBot(ctx)
	if err != nil {
		return model.ErrInternal(err)
	}
	u, err := a.store.GetUser(ctx, s.UserID)
	if err != nil {
		return storeErr(err, nil)
	}
	dm, err := a.botDM(ctx, u, bot)
	if err != nil {
		return model.ErrInternal(err)
	}
	what := reportDateRangeName(dateRange)
	if err := a.botPost(ctx, bot, dm, "Your export of "+what+" user data has started. You will receive a direct message when it is ready.", nil); err != nil {
		return model.ErrInternal(err)
	}
	body, err := a.userReportCSV(ctx, q)
	if err != nil {
		return model.ErrInternal(err)
	}
	f, err := a.storeUpload(ctx, bot.ID, dm.ID, &FileUpload{Name: "batch_report_" + model.NewID() + ".csv", Body: bytes.NewReader(body)})
	if err != nil {
		return err
	}
	if err := a.botPost(ctx, bot, dm, "Your export of "+what+" user data is ready. The CSV file is attached below.", []string{f.ID}); err != nil {
		return model.ErrInternal(err)
	}
	return nil
}

// userReportCSV writes every row of the report, by username, in Mattermost's
// CSV form: times as Go's time.Time String in the server's local zone, as
// Mattermost's UserReport.ToReport writes them (time.UnixMilli(ms).String()),
// empty when never.
func (a *App) userReportCSV(ctx context.Context, q *model.UserReportQuery) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(userReportCSVColumns); err != nil {
		return nil, fmt.Errorf("write the header: %w", err)
	}
	page := *q
	page.SortColumn, page.Desc, page.Prev, page.PageSize = "username", false, false, userReportExportPage
	page.FromColumnValue, page.FromID = "", ""
	when := func(ms int64) string {
		if ms <= 0 {
			return ""
		}
		return time.UnixMilli(ms).String()
	}
	for {
		rows, err := a.store.UserReport(ctx, &page)
		if err != nil {
			return nil, fmt.Errorf("read the report: %w", err)
		}
		for _, r := range rows {
			setReportDisplayName(r)
			rec := []string{r.ID, r.Username, r.Email, time.UnixMilli(r.CreateAt).String(), r.DisplayName, r.Roles,
				when(r.LastLoginAt), when(r.LastStatusAt), when(r.LastPostDate),
				strconv.FormatInt(r.DaysActive, 10), strconv.FormatInt(r.TotalPosts, 10)}
			if err := w.Write(rec); err != nil {
				return nil, fmt.Errorf("write a row: %w", err)
			}
		}
		if len(rows) < page.PageSize {
			break
		}
		last := rows[len(rows)-1]
		page.FromColumnValue, page.FromID = last.Username, last.ID
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("write the CSV: %w", err)
	}
	return buf.Bytes(), nil
}

// reportDateRangeName is how Mattermost's messages name a date range.
func reportDateRangeName(dateRange string) string {
	switch dateRange {
	case "last_30_days":
		return "the last 30 days"
	case "previous_month":
		return "the previous month"
	case "last_6_months":
		return "the last 6 months"
	}
	return "all time"
}

// botDM is the user's direct channel with a bot, opened if need be.
func (a *App) botDM(ctx context.Context, u, bot *model.User) (*model.Channel, error) {
	var dm *model.Channel
	err := a.store.Tx(ctx, func(tx store.Store) (err error) {
		dm, _, err = a.openConversation(ctx, tx, []*model.User{u, bot}, bot.ID)
		return err
	})
	if errors.Is(err, store.ErrConflict) {
		dm, err = a.store.GetChannelByName(ctx, "", model.DirectChannelName(u.ID, bot.ID), true)
	}
	if err != nil {
		return nil, fmt.Errorf("open the DM with %s: %w", bot.Username, err)
	}
	return dm, nil
}

// botPost posts a message of the bot, with files, in a channel.
func (a *App) botPost(ctx context.Context, bot *model.User, ch *model.Channel, msg string, fileIDs []string) error {
	now := model.Now()
	p := &model.Post{ID: model.NewID(), CreateAt: now, UpdateAt: now, UserID: bot.ID, ChannelID: ch.ID, Message: msg,
		FileIDs: fileIDs}
	p.PreCommit()
	if _, err := a.savePost(ctx, p, ch, nil, bot, false); err != nil {
		return fmt.Errorf("post as %s: %w", bot.Username, err)
	}
	return nil
}
