package bulkio

import (
	"context"
	"io"
	"runtime"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/bulk"
)

// Jobs runs the app's import_process and export_process jobs
// (app.SetBulkJobs), as the system.
type Jobs struct{ App *app.App }

// Import applies an uploaded import with all the CPUs.
func (j Jobs) Import(ctx context.Context, src *bulk.Source, progress func(percent int64)) (any, *bulk.Error, error) {
	rep, err := ImportBulk(ctx, j.App, app.SystemSession(), src, ImportOptions{Apply: true, Workers: runtime.NumCPU(),
		Progress: func(p ImportProgress) {
			if p.Total > 0 {
				progress(p.Bytes * 100 / p.Total)
			}
		}})
	if err != nil {
		return nil, nil, err
	}
	var first *bulk.Error
	if rep.ErrorCount > 0 {
		first = rep.Errors[0]
	}
	return rep, first, nil
}

// Export writes the export zip.
func (j Jobs) Export(ctx context.Context, w io.Writer, attachments bool) (any, error) {
	rep, err := ExportBulkZip(ctx, j.App, app.SystemSession(), w, attachments)
	if err != nil {
		return nil, err
	}
	return rep, nil
}
