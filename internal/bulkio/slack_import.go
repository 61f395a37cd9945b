package bulkio

import (
	"context"
	"fmt"
	"os"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/bulk"
	"github.com/parley-chat/parley/internal/model"
)

// SlackReport is what a Slack import did.
type SlackReport struct {
	Notes  []string      `json:"notes"`
	Import *ImportReport `json:"import"`
}

// ImportSlack imports a Slack workspace export into an existing team. The
// export is converted to a bulk-import file first (a temporary file, so
// memory stays small), which then goes through the bulk importer and all of
// its checks.
func ImportSlack(ctx context.Context, a *app.App, s *model.Session, teamName, zipPath string, progress func(ImportProgress)) (*SlackReport, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	if _, err := a.GetTeamByName(ctx, s, teamName); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp("", "parley-slack-*.jsonl")
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	defer os.Remove(tmp.Name())
	notes, err := bulk.ConvertSlack(zipPath, teamName, tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, model.ErrInvalid("app.import.slack.convert.app_error", err.Error())
	}
	src, err := bulk.Open(tmp.Name(), "")
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	defer src.Close()
	rep, err := ImportBulk(ctx, a, s, src, ImportOptions{Apply: true, Progress: progress})
	if err != nil {
		return nil, err
	}
	out := &SlackReport{Import: rep, Notes: []string{
		fmt.Sprintf("Slack export: %d channels, %d users, %d messages", notes.Channels, notes.Users, notes.Messages),
	}}
	if notes.Deleted > 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("deleted messages left out: %d", notes.Deleted))
	}
	if notes.System > 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("join/leave/topic messages left out: %d", notes.System))
	}
	if notes.Files > 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("files linked from their message (Slack exports carry no file content): %d", notes.Files))
	}
	return out, nil
}
