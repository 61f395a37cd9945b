package main

import (
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// newManCmd writes a manual page for every command. It is hidden: the Debian
// package build runs it (scripts/build-deb.sh); operators read `man parley`.
// The pages' date follows SOURCE_DATE_EPOCH when set, for reproducible builds.
func newManCmd(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:    "gen-man DIR",
		Short:  "Write the manual pages of every command to DIR",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := os.MkdirAll(args[0], 0o755); err != nil {
				return err
			}
			root.DisableAutoGenTag = true
			return doc.GenManTree(root, &doc.GenManHeader{Title: "PARLEY", Section: "1",
				Source: "Parley " + version, Manual: "Parley manual"}, args[0])
		},
	}
}
