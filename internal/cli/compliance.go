package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
)

// complianceExportCmds are `export csv|actiance|global-relay-zip`, the
// classic command line's compliance exports (docs/compliance.md).
func complianceExportCmds(env *Env) []*cobra.Command {
	var cmds []*cobra.Command
	for _, f := range []struct{ use, format, short string }{
		{"csv", model.ComplianceExportCSV, "Export posts, joins, leaves and files of a time range as a compliance CSV zip"},
		{"actiance", model.ComplianceExportActiance, "Export posts, joins, leaves and files of a time range as Actiance XML (zip)"},
		{"global-relay-zip", model.ComplianceExportGlobalRelay, "Export posts, joins, leaves and files of a time range as a zip of Global Relay EML files"},
	} {
		c := &cobra.Command{
			Use:   f.use + " --exportFrom UNIX_MS [--exportTo UNIX_MS] --output FILE.zip",
			Short: f.short,
			Long: f.short + `.

The range is (exportFrom, exportTo], in Unix milliseconds; exportTo defaults to
now. Posts changed in it (created, edited, deleted) are exported with the text
edits replaced, and channel members who joined, left or were already there.
See docs/compliance.md for what each column and element holds.`,
			Example: "  parley export " + f.use + " --exportFrom 1767225600000 --output " + f.use + ".zip",
			Args:    cobra.NoArgs,
		}
		fl := c.Flags()
		from := fl.Int64("exportFrom", -1, "Unix milliseconds to export from (exclusive)")
		to := fl.Int64("exportTo", 0, "Unix milliseconds to export up to (inclusive); default now")
		output := fl.String("output", "", "zip file to write")
		batch := fl.Int("batchSize", 0, "posts read from the database at a time (default message_export_batch_size)")
		format := f.format
		c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, _ []string) error {
			if *from < 0 {
				return errors.New("--exportFrom is required: the Unix milliseconds to export from")
			}
			if *output == "" {
				return errors.New("--output is required: the zip file to write")
			}
			end := *to
			if end == 0 {
				end = model.Now()
			}
			if *batch == 0 {
				*batch = a.Config().MessageExportBatchSize
			}
			fh, err := os.OpenFile(*output, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
			if err != nil {
				return err
			}
			rep, err := a.ComplianceExport(ctx, session(), fh, app.ComplianceExportOptions{Format: format, From: *from, To: end,
				BatchSize: *batch, Progress: exportProgress(cmd.ErrOrStderr())})
			clearProgress(cmd.ErrOrStderr())
			if cerr := fh.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(*output)
				return errors.New("Unable to export. Error: " + msg(err))
			}
			if rep.Warnings > 0 {
				warn(cmd, "%d attached files were missing; warning.txt in the zip lists them.", rep.Warnings)
			}
			out(cmd, "Exported %d posts from %d channels (%d joins, %d leaves, %d files) to %s in %s.", rep.Posts, rep.Channels,
				rep.Joins, rep.Leaves, rep.Files, *output, rep.Took.Round(time.Millisecond))
			return nil
		})
		cmds = append(cmds, c)
	}
	return cmds
}

// exportProgress draws the posts written so far on a terminal.
func exportProgress(w io.Writer) func(done, total int64) {
	if !isTerminal(w) {
		return nil
	}
	start := time.Now()
	return func(done, total int64) {
		rate := float64(done) / time.Since(start).Seconds()
		fmt.Fprintf(w, "\r\033[K%d of %d posts, %.0f posts/s", done, total, rate)
	}
}
