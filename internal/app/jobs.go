package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/parley-chat/parley/internal/bulk"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Background jobs: import_process, export_process and message_export
// (compliance_jobs.go), as API v4 has them.
// A job is a row; JobsLoop on every node picks pending jobs, claims one with
// a conditional update (so one node runs it) and runs it, recording progress
// about once a second. A cancel request is a status the runner notices at its
// next progress write. Uploaded imports live in <data dir>/import, finished
// exports in <data dir>/export, as Mattermost's ImportSettings.Directory and
// ExportSettings.Directory.

const (
	// jobPoll is how often a node looks for jobs created elsewhere; jobs
	// created through this node's API start at once.
	jobPoll = 5 * time.Second
	// jobBeat is how often a running job records progress and looks for a
	// cancel request.
	jobBeat = time.Second
	// jobStale is how long a running job may go without a heartbeat before
	// its node is taken to have stopped.
	jobStale = time.Minute
)

func (a *App) importDir() string { return filepath.Join(a.Config().DataDir, "import") }
func (a *App) exportDir() string { return filepath.Join(a.Config().DataDir, "export") }

func errJobNotFound() *model.AppError { return model.ErrNotFound("app.job.get.app_error", "job") }

// validFileName accepts the plain names of files in the import and export
// directories: no path, nothing hidden (uploads in progress start with a dot).
func validFileName(n string) bool {
	return n != "" && len(n) <= model.MaxFileNameBytes && !strings.ContainsAny(n, `/\`) && !strings.HasPrefix(n, ".") &&
		n == filepath.Base(n)
}

// CreateJob queues an import_process job (data.import_file: a zip uploaded
// to the import directory), an export_process job
// (data.include_attachments, "true" unless "false") or a message_export job
// (see validateMessageExportJob).
func (a *App) CreateJob(ctx context.Context, s *model.Session, typ string, data model.StringMap) (*model.Job, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	if data == nil {
		data = model.StringMap{}
	}
	switch typ {
	case model.JobTypeImportProcess:
		name := data["import_file"]
		if !validFileName(name) || !strings.HasSuffix(strings.ToLower(name), ".zip") {
			return nil, model.NewAppError(http.StatusBadRequest, "app.job.import_file.invalid.app_error",
				"data.import_file must name a .zip file in the import directory (see GET /api/v4/imports).")
		}
		if st, err := os.Stat(filepath.Join(a.importDir(), name)); err != nil || !st.Mode().IsRegular() {
			return nil, model.NewAppError(http.StatusBadRequest, "app.job.import_file.not_found.app_error",
				"The import file "+strconv.Quote(name)+" has not been uploaded.")
		}
	case model.JobTypeExportProcess:
	case model.JobTypeMessageExport:
		if err := a.validateMessageExportJob(data); err != nil {
			return nil, err
		}
	case model.JobTypeLdapSync:
		if !a.Config().LdapEnable {
			return nil, errLdapDisabled()
		}
	default:
		return nil, model.NewAppError(http.StatusBadRequest, "app.job.create.type.app_error",
			"Unknown job type: Parley runs import_process, export_process, message_export and ldap_sync jobs.")
	}
	j := &model.Job{ID: model.NewID(), Type: typ, CreateAt: model.Now(), Status: model.JobStatusPending, Data: data}
	if err := a.store.SaveJob(ctx, j); err != nil {
		return nil, model.ErrInternal(err)
	}
	select {
	case a.jobWake <- struct{}{}:
	default:
	}
	return j, nil
}

// GetJob returns a job.
func (a *App) GetJob(ctx context.Context, s *model.Session, id string) (*model.Job, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	j, err := a.store.GetJob(ctx, id)
	return j, storeErr(err, errJobNotFound())
}

// ListJobsByType pages the jobs of a type, newest first.
func (a *App) ListJobsByType(ctx context.Context, s *model.Session, typ string, pageNo, perPage int) ([]*model.Job, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	js, err := a.store.ListJobsByType(ctx, typ, page(pageNo, perPage))
	return js, storeErr(err, nil)
}

// CancelJob cancels a pending job, or asks a running one to stop.
func (a *App) CancelJob(ctx context.Context, s *model.Session, id string) error {
	if !a.IsAdmin(s) {
		return model.ErrForbidden()
	}
	if _, err := a.store.GetJob(ctx, id); err != nil {
		return storeErr(err, errJobNotFound())
	}
	err := a.store.CancelJob(ctx, id, model.Now())
	if errors.Is(err, store.ErrNotFound) {
		return model.NewAppError(http.StatusBadRequest, "app.job.cancel.finished.app_error", "The job has already finished.")
	}
	return storeErr(err, nil)
}

// JobsLoop runs pending jobs, one at a time, until ctx ends.
func (a *App) JobsLoop(ctx context.Context) {
	t := time.NewTicker(jobPoll)
	defer t.Stop()
	for {
		a.runPendingJobs(ctx)
		select {
		case <-ctx.Done():
			return
		case <-a.jobWake:
		case <-t.C:
		}
	}
}

// endStaleJobs ends the jobs whose node stopped while running them (a crash,
// a kill): with no heartbeat for jobStale they would show in_progress
// forever. They end in error rather than run again, since the input that
// stopped a node could stop the next one too; an import can simply be
// started again, as re-importing changes nothing.
func (a *App) endStaleJobs(ctx context.Context) {
	before := model.Now() - jobStale.Milliseconds()
	js, err := a.store.StaleJobs(ctx, before)
	if err != nil {
		a.log.ErrorContext(ctx, "list stale jobs", "err", err)
		return
	}
	for _, j := range js {
		if j.Data == nil {
			j.Data = model.StringMap{}
		}
		if j.Status == model.JobStatusCancelRequested {
			j.Status = model.JobStatusCanceled
		} else {
			j.Status = model.JobStatusError
			j.Data["error"] = "the server running this job stopped before it ended; start it again"
		}
		j.LastActivityAt = model.Now()
		switch err := a.store.EndStaleJob(ctx, j, before); {
		case errors.Is(err, store.ErrNotFound):
			// It ended, or its node came back, meanwhile.
		case err != nil:
			a.log.ErrorContext(ctx, "end stale job", "job_id", j.ID, "err", err)
		default:
			a.log.WarnContext(ctx, "job ended: its server stopped while it ran", "job_id", j.ID, "type", j.Type, "status", j.Status)
		}
	}
}

func (a *App) runPendingJobs(ctx context.Context) {
	a.endStaleJobs(ctx)
	for ctx.Err() == nil {
		js, err := a.store.PendingJobs(ctx, 10)
		if err != nil {
			a.log.ErrorContext(ctx, "list pending jobs", "err", err)
			return
		}
		ran := false
		for _, j := range js {
			if err := a.store.ClaimJob(ctx, j.ID, model.Now()); err != nil {
				continue // taken by another node, or canceled meanwhile
			}
			a.runJob(ctx, j)
			ran = true
			break
		}
		if !ran {
			return
		}
	}
}

// runJob runs a claimed job and records how it ended.
func (a *App) runJob(ctx context.Context, j *model.Job) {
	jctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var progress atomic.Int64
	var canceled atomic.Bool
	done := make(chan struct{})
	beatDone := make(chan struct{})
	go func() {
		defer close(beatDone)
		t := time.NewTicker(jobBeat)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				err := a.store.JobProgress(jctx, j.ID, progress.Load(), model.Now())
				if errors.Is(err, store.ErrNotFound) {
					canceled.Store(true)
					cancel()
					return
				}
			}
		}
	}()
	a.log.InfoContext(ctx, "job started", "job_id", j.ID, "type", j.Type)
	var err error
	switch j.Type {
	case model.JobTypeImportProcess:
		err = a.runImportJob(jctx, j, &progress)
	case model.JobTypeExportProcess:
		err = a.runExportJob(jctx, j, &progress)
	case model.JobTypeMessageExport:
		err = a.runMessageExportJob(jctx, j, &progress)
	case model.JobTypeLdapSync:
		err = a.runLdapSyncJob(jctx, j)
	}
	close(done)
	<-beatDone
	j.LastActivityAt = model.Now()
	switch {
	case canceled.Load():
		j.Status = model.JobStatusCanceled
	case ctx.Err() != nil:
		j.Status, j.Data["error"] = model.JobStatusError, "the server stopped while the job ran"
	case err != nil:
		j.Status, j.Data["error"] = model.JobStatusError, msgOf(err)
	default:
		j.Status, j.Progress = model.JobStatusSuccess, 100
	}
	if j.Status != model.JobStatusSuccess {
		j.Progress = progress.Load()
	}
	switch err := a.store.EndJob(context.WithoutCancel(ctx), j); {
	case errors.Is(err, store.ErrNotFound):
		// endStaleJobs ended it while this node went without a heartbeat
		// (a database outage, a stall); its verdict stands.
		a.log.WarnContext(ctx, "job was ended by another node meanwhile", "job_id", j.ID)
		return
	case err != nil:
		a.log.ErrorContext(ctx, "record job end", "job_id", j.ID, "err", err)
	}
	a.log.InfoContext(ctx, "job ended", "job_id", j.ID, "type", j.Type, "status", j.Status, "err", err)
}

func msgOf(err error) string {
	var ae *model.AppError
	if errors.As(err, &ae) {
		return ae.Message
	}
	return err.Error()
}

// BulkJobs runs the bulk import and export of import_process and
// export_process jobs. It is internal/bulkio's, which calls app, so the
// server hands it over (SetBulkJobs) instead of app calling it.
type BulkJobs interface {
	// Import applies src, telling progress the percent read. The report goes
	// in the job's data; the first bad line, if any, ends the job.
	Import(ctx context.Context, src *bulk.Source, progress func(percent int64)) (report any, lineErr *bulk.Error, err error)
	// Export writes everything as a zip, with the attachments or not.
	Export(ctx context.Context, w io.Writer, attachments bool) (report any, err error)
}

// SetBulkJobs gives the app what runs import and export jobs; call it
// before the job loop starts.
func (a *App) SetBulkJobs(b BulkJobs) { a.bulkJobs = b }

func errNoBulkJobs() error { return errors.New("this process does not run import or export jobs") }

// runImportJob applies an uploaded zip. A bad line ends the job in error
// with data.line_number and data.error, as Mattermost's job does; the report
// (what was and was not imported) is in data.report. The zip is removed
// after a successful import, as Mattermost does.
func (a *App) runImportJob(ctx context.Context, j *model.Job, progress *atomic.Int64) error {
	name := j.Data["import_file"]
	if !validFileName(name) {
		return model.ErrInvalidBody("data.import_file")
	}
	path := filepath.Join(a.importDir(), name)
	src, err := bulk.Open(path, "")
	if err != nil {
		return err
	}
	defer src.Close()
	if !src.IsZip() {
		// A plain JSONL would resolve attachment paths on the server's disk.
		return errors.New("the import file is not a zip")
	}
	if a.bulkJobs == nil {
		return errNoBulkJobs()
	}
	rep, lineErr, err := a.bulkJobs.Import(ctx, src, func(percent int64) { progress.Store(min(99, percent)) })
	if err != nil {
		return err
	}
	if b, err := json.Marshal(rep); err == nil {
		j.Data["report"] = string(b)
	}
	if ctx.Err() != nil {
		// Canceled: the batch being written failed for that reason, not for its lines.
		return ctx.Err()
	}
	if lineErr != nil {
		j.Data["line_number"] = strconv.Itoa(lineErr.Line)
		return errors.New(lineErr.Error())
	}
	if err := os.Remove(path); err != nil {
		a.log.WarnContext(ctx, "remove imported file", "file", name, "err", err)
	}
	return nil
}

// runExportJob writes <job id>.zip into the export directory; it appears
// there only once complete.
func (a *App) runExportJob(ctx context.Context, j *model.Job, progress *atomic.Int64) error {
	dir := a.exportDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	name := j.ID + ".zip"
	tmp, err := os.CreateTemp(dir, ".export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if a.bulkJobs == nil {
		return errNoBulkJobs()
	}
	rep, err := a.bulkJobs.Export(ctx, tmp, j.Data["include_attachments"] != "false")
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return err
	}
	j.Data["export_file"] = name
	if b, err := json.Marshal(rep); err == nil {
		j.Data["report"] = string(b)
	}
	return nil
}

func listDir(dir string) ([]string, error) {
	es, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return []string{}, nil
	}
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	out := []string{}
	for _, e := range es {
		if e.Type().IsRegular() && validFileName(e.Name()) {
			out = append(out, e.Name())
		}
	}
	slices.Sort(out)
	return out, nil
}

// ListImports lists the uploaded import files.
func (a *App) ListImports(s *model.Session) ([]string, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	return listDir(a.importDir())
}

// ListExports lists the finished exports.
func (a *App) ListExports(s *model.Session) ([]string, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	return listDir(a.exportDir())
}

// UploadImport stores an import zip in the import directory as
// <id>_<name>, the name GET /imports lists and import_process takes. The file
// appears only once complete.
func (a *App) UploadImport(ctx context.Context, s *model.Session, name string, body io.Reader) (string, error) {
	if !a.IsAdmin(s) {
		return "", model.ErrForbidden()
	}
	name = model.SanitizeFileName(name)
	if !strings.HasSuffix(strings.ToLower(name), ".zip") {
		return "", model.NewAppError(http.StatusBadRequest, "app.import.upload.not_zip.app_error",
			"An import file must be a .zip holding the .jsonl file and its data/ directory.")
	}
	final := model.NewID() + "_" + name
	err := a.placeImportFile(final, func(w io.Writer) error {
		if _, err := io.Copy(w, body); err != nil {
			return errReadUpload("Unable to read the uploaded import file.").Wrap(err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return final, nil
}

// placeImportFile writes an import file as name in the import directory
// (0600 in a 0700 directory) through a hidden temporary file, so that it
// appears under its name, which GET /imports lists and import_process takes,
// only once fill has written it whole and it is on disk. An error of fill is
// returned as it is.
func (a *App) placeImportFile(name string, fill func(w io.Writer) error) error {
	dir := a.importDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return model.ErrInternal(err)
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return model.ErrInternal(err)
	}
	defer os.Remove(tmp.Name())
	if err := fill(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := errors.Join(tmp.Sync(), tmp.Close()); err != nil {
		return model.ErrInternal(fmt.Errorf("write import file: %w", err))
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return model.ErrInternal(fmt.Errorf("move import file into place: %w", err))
	}
	return nil
}

// DeleteImport removes an uploaded import file.
func (a *App) DeleteImport(s *model.Session, name string) error {
	return a.removeIn(s, a.importDir(), name)
}

// DeleteExport removes a finished export.
func (a *App) DeleteExport(s *model.Session, name string) error {
	return a.removeIn(s, a.exportDir(), name)
}

func (a *App) removeIn(s *model.Session, dir, name string) error {
	if !a.IsAdmin(s) {
		return model.ErrForbidden()
	}
	if !validFileName(name) {
		return model.ErrInvalidURLParam("name")
	}
	err := os.Remove(filepath.Join(dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return model.ErrNotFound("app.export.file.not_found.app_error", "file")
	}
	return storeErr(err, nil)
}

// OpenExport opens a finished export for download.
func (a *App) OpenExport(s *model.Session, name string) (*os.File, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	if !validFileName(name) {
		return nil, model.ErrInvalidURLParam("export_name")
	}
	f, err := os.Open(filepath.Join(a.exportDir(), name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, model.ErrNotFound("app.export.file.not_found.app_error", "file")
	}
	return f, storeErr(err, nil)
}
