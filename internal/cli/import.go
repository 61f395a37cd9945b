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
	"github.com/parley-chat/parley/internal/bulk"
	"github.com/parley-chat/parley/internal/bulkio"
)

func importCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "import", Short: "Import data from Mattermost bulk files or Slack exports"}
	c.AddCommand(importBulkCmd(env), importSlackCmd(env))
	return c
}

func exportCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "export", Short: "Export data in the Mattermost bulk format, or as a compliance export"}
	c.AddCommand(exportBulkCmd(env))
	c.AddCommand(complianceExportCmds(env)...)
	return c
}

func importBulkCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "bulk FILE",
		Short: "Check or import a Mattermost bulk-import file (JSONL, or a zip with the JSONL and data/)",
		Long: `Check (--validate, the default) or import (--apply) a Mattermost bulk-import
file. Every problem is reported with its line number and field. Re-importing
the same file changes nothing. See docs/import-export.md.`,
		Example: `  parley import bulk data.jsonl
  parley import bulk data.zip --apply --workers 4`,
		Args: cobra.ExactArgs(1),
	}
	f := c.Flags()
	apply := f.Bool("apply", false, "import the data (default: only validate)")
	validate := f.Bool("validate", false, "only validate the file (the default)")
	workers := f.Int("workers", 2, "batches applied in parallel")
	importPath := f.String("import-path", "", "directory relative attachment paths are resolved against (Mattermost's name)")
	f.StringVar(importPath, "attachments-dir", "", "same as --import-path: where a JSONL file's attachments and emoji images are")
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if *apply && *validate {
			out(cmd, "Use only one of --apply or --validate.")
			return nil
		}
		if *workers < 1 {
			return errors.New("You must have at least one worker.")
		}
		return env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
			src, err := bulk.Open(args[0], *importPath)
			if err != nil {
				return fmt.Errorf("cannot open %s: %v", args[0], err)
			}
			defer src.Close()
			if *apply {
				out(cmd, "Running Bulk Import. This may take a long time.")
			} else {
				out(cmd, "Running Bulk Import Data Validation.")
				out(cmd, "** This checks the validity of the entities in the data file, but does not persist any changes **")
				out(cmd, "Use the --apply flag to perform the actual data import.")
			}
			opt := bulkio.ImportOptions{Apply: *apply, Workers: *workers, Progress: progressPrinter(cmd.ErrOrStderr())}
			rep, err := bulkio.ImportBulk(ctx, a, session(), src, opt)
			if err != nil {
				return errors.New(msg(err))
			}
			return printImportReport(cmd, rep, *apply)
		})(cmd, args)
	}
	return c
}

// printImportReport prints the report and turns its errors into the exit status.
func printImportReport(cmd *cobra.Command, rep *bulkio.ImportReport, apply bool) error {
	clearProgress(cmd.ErrOrStderr())
	for _, e := range rep.Errors {
		warn(cmd, "%s", e.Error())
	}
	if rep.ErrorCount > len(rep.Errors) {
		warn(cmd, "… and %d more problems.", rep.ErrorCount-len(rep.Errors))
	}
	for _, k := range []string{"teams", "channels", "users", "bots", "team_memberships", "channel_memberships", "preferences",
		"posts", "replies", "reactions", "flags", "direct_channels", "direct_posts", "attachments", "emoji"} {
		if n := rep.Imported[k]; n > 0 {
			out(cmd, "  %-20s %d", k, n)
		}
	}
	for _, s := range rep.Skipped {
		out(cmd, "  %s", s)
	}
	if rep.ErrorCount > 0 {
		if rep.NotImported != "" {
			warn(cmd, "Not imported: %s.", rep.NotImported)
		}
		warn(cmd, "Error occurred on data file line %d", rep.Errors[0].Line)
		return fmt.Errorf("%d problems found in %d lines", rep.ErrorCount, rep.Lines)
	}
	if apply {
		out(cmd, "Finished Bulk Import: %d lines in %s.", rep.Lines, rep.Took.Round(time.Millisecond))
	} else {
		out(cmd, "Validation complete. You can now perform the import by rerunning this command with the --apply flag.")
	}
	return nil
}

// isTerminal reports whether w is a terminal, where progress is worth drawing.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressPrinter draws one status line on a terminal, and nothing otherwise.
func progressPrinter(w io.Writer) func(bulkio.ImportProgress) {
	if !isTerminal(w) {
		return nil
	}
	return func(p bulkio.ImportProgress) {
		rate := float64(p.Posts) / p.Elapsed.Seconds()
		eta := "?"
		if p.Total > 0 && p.Bytes > 0 {
			left := time.Duration(float64(p.Elapsed) * float64(p.Total-p.Bytes) / float64(p.Bytes))
			eta = left.Round(time.Second).String()
		}
		fmt.Fprintf(w, "\r\033[K%d lines, %d posts, %.0f posts/s, ETA %s", p.Lines, p.Posts, rate, eta)
	}
}

func clearProgress(w io.Writer) {
	if isTerminal(w) {
		fmt.Fprint(w, "\r\033[K")
	}
}

func importSlackCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:     "slack TEAM FILE.zip",
		Short:   "Import a Slack workspace export into a team",
		Example: `  parley import slack myteam slack-export.zip`,
		Args:    cobra.ExactArgs(2),
	}
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		out(cmd, "Running Slack Import. This may take a long time for large teams or teams with many messages.")
		rep, err := bulkio.ImportSlack(ctx, a, session(), args[0], args[1], progressPrinter(cmd.ErrOrStderr()))
		if err != nil {
			return errors.New(msg(err))
		}
		for _, n := range rep.Notes {
			out(cmd, "  %s", n)
		}
		if err := printImportReport(cmd, rep.Import, true); err != nil {
			return err
		}
		out(cmd, "Finished Slack Import.")
		return nil
	})
	return c
}

func exportBulkCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "bulk FILE",
		Short: "Export all teams, channels, users and posts as a bulk-import file",
		Example: `  parley export bulk export.jsonl
  parley export bulk export.zip --archive
  parley export bulk export.zip --attachments`,
		Args: cobra.ExactArgs(1),
	}
	f := c.Flags()
	allTeams := f.Bool("all-teams", true, "export all teams")
	attachments := f.Bool("attachments", false, "write a zip with the JSONL, the emoji images and the attached files")
	archive := f.Bool("archive", false, "write a single zip (import.jsonl and data/ with the emoji images)")
	c.RunE = env.run(func(ctx context.Context, cmd *cobra.Command, a *app.App, args []string) error {
		if !*allTeams {
			out(cmd, "Nothing to export. Please specify the --all-teams flag to export all teams.")
			return nil
		}
		fh, err := os.OpenFile(args[0], os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		var rep *bulkio.ExportReport
		if *attachments || *archive {
			rep, err = bulkio.ExportBulkZip(ctx, a, session(), fh, *attachments)
		} else {
			rep, err = bulkio.ExportBulk(ctx, a, session(), fh)
		}
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(args[0])
			return errors.New(msg(err))
		}
		for _, s := range rep.Skipped {
			warn(cmd, "%s", s)
		}
		out(cmd, "Exported %d lines (%d teams, %d channels, %d users, %d posts, %d direct posts) to %s in %s.", rep.Lines,
			rep.Exported["teams"], rep.Exported["channels"], rep.Exported["users"], rep.Exported["posts"], rep.Exported["direct_posts"],
			args[0], rep.Took.Round(time.Millisecond))
		return nil
	})
	return c
}
