package main

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/parley-chat/parley/internal/store/sqlstore"
)

// ownedDataDir is a migrated data directory handed to the account nobody, as
// a package install hands it to parley.
func ownedDataDir(t *testing.T) (dir string, uid, gid int) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (CI runs the tests as root)")
	}
	uid, gid = 65534, 65534 // nobody, nogroup
	top, err := os.MkdirTemp("", "parley-owner")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(top) })
	if err := os.Chmod(top, 0o755); err != nil {
		t.Fatal(err)
	}
	dir = filepath.Join(top, "data")
	st, err := sqlstore.Open(context.Background(), "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if err := filepath.Walk(dir, func(p string, _ fs.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	}); err != nil {
		t.Fatal(err)
	}
	return dir, uid, gid
}

// Run as root over a data directory that belongs to the service account, a
// command acts as that account: everything it leaves there is the account's.
func TestRootActsAsDataDirOwner(t *testing.T) {
	dir, uid, _ := ownedDataDir(t)
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	img := filepath.Join(filepath.Dir(dir), "logo.png")
	if err := os.WriteFile(img, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"user", "create", "--username", "ann", "--email", "ann@example.com", "--password", "Passw0rd!"},
		{"emoji", "add", "logo", img},
		{"team", "create", "--name", "staff", "--display_name", "Staff"},
	} {
		cmd := exec.Command(binary, append(args, "--data", dir)...)
		cmd.Env = append(os.Environ(), "PARLEY_CONFIG=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("parley %v: %v\n%s", args, err, out)
		}
	}
	// The change is still recorded as root's, who ran it.
	cmd := exec.Command(binary, "audit", "list", "--action", "user.create", "--data", dir)
	cmd.Env = append(os.Environ(), "PARLEY_CONFIG=")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), " by cli:root@") {
		t.Fatalf("audit list: %v %s", err, out)
	}
	files := 0
	if err := filepath.Walk(dir, func(p string, fi fs.FileInfo, err error) error {
		if err != nil {
			return err
		}
		files++
		if owner := int(fi.Sys().(*syscall.Stat_t).Uid); owner != uid {
			t.Errorf("%s belongs to uid %d, want %d", p, owner, uid)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if files < 4 {
		t.Fatalf("only %d files in the data directory", files)
	}
}

// Another account than the owner (and not root) is refused, and told how.
func TestOtherAccountIsRefused(t *testing.T) {
	dir, _, _ := ownedDataDir(t)
	if err := os.Chown(dir, 0, 0); err != nil { // now root's; nobody runs the command
		t.Fatal(err)
	}
	// The test binary's directory is root's alone; nobody needs its own copy.
	bin := filepath.Join(filepath.Dir(dir), "parley")
	b, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "user", "list", "--data", dir)
	cmd.Env = append(os.Environ(), "PARLEY_CONFIG=")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "sudo -u root parley") {
		t.Fatalf("want a refusal naming sudo -u root, got %v: %s", err, out)
	}
}
