package cli

import (
	"fmt"
	"net"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-chat/parley/internal/backup"
)

func backupCmd(env *Env) *cobra.Command {
	var outPath string
	var filesOnly bool
	cmd := &cobra.Command{
		Use:   "backup --out FILE",
		Short: "Write a consistent snapshot of the database and files (safe while the server runs)",
		Long: `Writes a gzipped tar holding the SQLite database (copied with VACUUM INTO, so it
is consistent while the server keeps running) and the files directory. The file
is created with mode 0600.

With PostgreSQL, back the database up with pg_dump and this command's
--files-only for the files (see docs/install.md).`,
		Example: `  parley backup --out /var/backups/parley-$(date +%F).tar.gz
  parley backup --files-only --out files.tar.gz`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := env.loadAsOwner()
			if err != nil {
				return err
			}
			if outPath == "" {
				return fmt.Errorf("--out is required")
			}
			if err := backup.Create(cmd.Context(), cfg, outPath, filesOnly); err != nil {
				return err
			}
			out(cmd, "Backup written to %s", outPath)
			return nil
		},
	}
	cmd.Flags().StringVar(&outPath, "out", "", "file to write (must not exist)")
	cmd.Flags().BoolVar(&filesOnly, "files-only", false, "leave the database out (for PostgreSQL installs)")
	return cmd
}

func restoreCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "restore FILE",
		Short: "Replace the database and files with those of a backup (stop the server first)",
		Example: `  systemctl stop parley
  parley restore /var/backups/parley-2026-11-24.tar.gz --confirm
  systemctl start parley`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := env.loadAsOwner()
			if err != nil {
				return err
			}
			if serverRunning(cfg.Listen) {
				return fmt.Errorf("a server answers on %s: stop it before restoring", cfg.Listen)
			}
			if err := env.confirm(cmd, "This replaces the database and files in "+cfg.DataDir+". Continue? (YES/NO): "); err != nil {
				return err
			}
			if err := backup.Restore(cfg, args[0]); err != nil {
				return err
			}
			out(cmd, "Restored from %s", args[0])
			return nil
		},
	}
	cmd.Flags().Bool("confirm", false, "do not ask for confirmation")
	return cmd
}

// serverRunning reports whether something accepts connections on the listen address.
func serverRunning(listen string) bool {
	_, port, err := net.SplitHostPort(listen)
	if err != nil {
		return false
	}
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", port), 300*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}
