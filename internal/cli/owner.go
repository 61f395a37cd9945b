package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// actAsOwner makes this process act as the owner of the data directory before
// anything in it is opened. Files the command line creates there (SQLite's
// -wal and -shm, uploaded emoji, restored files) must belong to the account
// the server runs as; made by root, the server could no longer write them. So
// root gives up its privileges for the owner's (setuid applies to every thread
// since Go 1.16), and any other account that is not the owner is refused,
// with the command that works.
func actAsOwner(dataDir string) error {
	fi, err := os.Stat(dataDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // nothing there to own yet (PostgreSQL without files, a first restore)
	}
	if err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	uid, euid := int(st.Uid), os.Geteuid()
	if uid == euid {
		return nil
	}
	name := strconv.Itoa(uid)
	owner, lookupErr := user.LookupId(name)
	if lookupErr == nil {
		name = owner.Username
	}
	if euid != 0 {
		return fmt.Errorf("the data directory %s belongs to %s: run the command as that account, e.g. sudo -u %s parley …", dataDir, name, name)
	}
	// The audit log names who ran the command: user.Current keeps its first
	// answer, so ask it now, while that is still the caller.
	operator()
	gid := int(st.Gid)
	groups := []int{gid}
	if lookupErr == nil {
		if g, err := strconv.Atoi(owner.Gid); err == nil {
			gid = g
		}
		if ids, err := owner.GroupIds(); err == nil {
			groups = groups[:0]
			for _, s := range ids {
				if g, err := strconv.Atoi(s); err == nil {
					groups = append(groups, g)
				}
			}
		}
	}
	if err := syscall.Setgroups(groups); err != nil {
		return fmt.Errorf("act as %s, owner of %s: setgroups: %w (run it as sudo -u %s parley …)", name, dataDir, err, name)
	}
	if err := syscall.Setgid(gid); err != nil {
		return fmt.Errorf("act as %s, owner of %s: setgid: %w (run it as sudo -u %s parley …)", name, dataDir, err, name)
	}
	if err := syscall.Setuid(uid); err != nil {
		return fmt.Errorf("act as %s, owner of %s: setuid: %w (run it as sudo -u %s parley …)", name, dataDir, err, name)
	}
	return nil
}
