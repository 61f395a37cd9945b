package app

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// message_export jobs: a compliance export of the posts changed since the
// previous successful one (the first starts at
// MessageExportSettings.ExportFromTimestamp) up to the job's start, written
// to <data dir>/compliance_export/<job id>.zip. Unlike bulk exports, these
// are not removed by export_retention_days: they are records to keep.

func (a *App) complianceExportDir() string {
	return filepath.Join(a.Config().DataDir, "compliance_export")
}

// Job data keys, as Mattermost's message export job has them.
const (
	jobDataExportType       = "export_type"
	jobDataJobStartTime     = "job_start_time"
	jobDataJobEndTime       = "job_end_time"
	jobDataMessagesExported = "messages_exported"
	jobDataWarningCount     = "warning_count"
	jobDataIsDownloadable   = "is_downloadable"
	jobDataExportFile       = "export_file"
)

// validateMessageExportJob fills in and checks a message_export job's data:
// export_type (the configured format if absent), and optionally
// job_start_time and job_end_time (Unix milliseconds).
func (a *App) validateMessageExportJob(data model.StringMap) error {
	if data[jobDataExportType] == "" {
		data[jobDataExportType] = a.Config().MessageExportFormat
	}
	switch data[jobDataExportType] {
	case model.ComplianceExportCSV, model.ComplianceExportActiance, model.ComplianceExportGlobalRelay:
	default:
		return model.NewAppError(http.StatusBadRequest, "ent.compliance.bad_export_type.appError",
			"Unknown export type "+strconv.Quote(data[jobDataExportType])+": use csv, actiance or globalrelay-zip.")
	}
	for _, k := range []string{jobDataJobStartTime, jobDataJobEndTime} {
		if v, ok := data[k]; ok {
			if n, err := strconv.ParseInt(v, 10, 64); err != nil || n < 0 {
				return model.NewAppError(http.StatusBadRequest, "app.job.message_export.time.app_error",
					"data."+k+" must be Unix milliseconds.")
			}
		}
	}
	return nil
}

// messageExportStart is where an export with no job_start_time begins: the
// end of the last successful message_export job, else ExportFromTimestamp.
func (a *App) messageExportStart(ctx context.Context, self string) (int64, error) {
	for p := 0; ; p++ {
		js, err := a.store.ListJobsByType(ctx, model.JobTypeMessageExport, store.Page{Offset: p * 50, Limit: 50})
		if err != nil {
			return 0, err
		}
		for _, j := range js {
			if j.ID == self || j.Status != model.JobStatusSuccess {
				continue
			}
			if n, err := strconv.ParseInt(j.Data[jobDataJobEndTime], 10, 64); err == nil {
				return n, nil
			}
		}
		if len(js) < 50 {
			return a.Config().MessageExportFromTimestamp, nil
		}
	}
}

func (a *App) runMessageExportJob(ctx context.Context, j *model.Job, progress *atomic.Int64) error {
	from, err := strconv.ParseInt(j.Data[jobDataJobStartTime], 10, 64)
	if err != nil {
		if from, err = a.messageExportStart(ctx, j.ID); err != nil {
			return err
		}
	}
	to, err := strconv.ParseInt(j.Data[jobDataJobEndTime], 10, 64)
	if err != nil {
		to = j.CreateAt
	}
	j.Data[jobDataJobStartTime] = strconv.FormatInt(from, 10)
	j.Data[jobDataJobEndTime] = strconv.FormatInt(to, 10)
	dir := a.complianceExportDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	rep, err := a.ComplianceExport(ctx, SystemSession(), tmp, ComplianceExportOptions{Format: j.Data[jobDataExportType],
		From: from, To: to, BatchSize: a.Config().MessageExportBatchSize,
		Progress: func(done, total int64) {
			if total > 0 {
				progress.Store(min(99, done*100/total))
			}
		}})
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	name := j.ID + ".zip"
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return err
	}
	j.Data[jobDataExportFile] = name
	j.Data[jobDataMessagesExported] = strconv.FormatInt(rep.Posts, 10)
	j.Data[jobDataWarningCount] = strconv.Itoa(rep.Warnings)
	j.Data[jobDataIsDownloadable] = strconv.FormatBool(a.Config().MessageExportDownloadExportResults)
	return nil
}

// OpenJobDownload opens the result of a finished message_export job, for GET
// /jobs/{id}/download; MessageExportSettings.DownloadExportResults must be on.
func (a *App) OpenJobDownload(ctx context.Context, s *model.Session, id string) (*os.File, string, error) {
	if !a.IsAdmin(s) {
		return nil, "", model.ErrForbidden()
	}
	if !a.Config().MessageExportDownloadExportResults {
		return nil, "", model.NewAppError(http.StatusNotImplemented, "api.job.unable_to_download_job",
			"Downloading export results is turned off (MessageExportSettings.DownloadExportResults).")
	}
	j, err := a.store.GetJob(ctx, id)
	if err != nil {
		return nil, "", storeErr(err, errJobNotFound())
	}
	name := j.Data[jobDataExportFile]
	if j.Type != model.JobTypeMessageExport || j.Status != model.JobStatusSuccess || !validFileName(name) {
		return nil, "", model.NewAppError(http.StatusBadRequest, "api.job.unable_to_download_job.incorrect_job_type",
			"Only a finished message_export job has a download.")
	}
	f, err := os.Open(filepath.Join(a.complianceExportDir(), name))
	if err != nil {
		return nil, "", model.ErrNotFound("app.job.download.not_found.app_error", "export file")
	}
	return f, name, nil
}

// MessageExportLoop queues the daily message_export job at
// MessageExportSettings.DailyRunTime while EnableExport is on, until ctx
// ends. A day's job is queued once: when one was created since today's run
// time, no other is.
func (a *App) MessageExportLoop(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if err := a.scheduleMessageExport(ctx, now); err != nil {
				a.log.ErrorContext(ctx, "schedule the daily compliance export", "err", err)
			}
		}
	}
}

// scheduleMessageExport queues today's job if it is due and not yet queued.
func (a *App) scheduleMessageExport(ctx context.Context, now time.Time) error {
	cfg := a.Config()
	if !cfg.MessageExportEnable {
		return nil
	}
	at, err := time.ParseInLocation("15:04", cfg.MessageExportDailyRunTime, now.Location())
	if err != nil {
		return err
	}
	due := time.Date(now.Year(), now.Month(), now.Day(), at.Hour(), at.Minute(), 0, 0, now.Location())
	if now.Before(due) {
		return nil
	}
	js, err := a.store.ListJobsByType(ctx, model.JobTypeMessageExport, store.Page{Limit: 1})
	if err != nil {
		return err
	}
	if len(js) > 0 && js[0].CreateAt >= due.UnixMilli() {
		return nil
	}
	_, err = a.CreateJob(ctx, SystemSession(), model.JobTypeMessageExport, model.StringMap{})
	return err
}
