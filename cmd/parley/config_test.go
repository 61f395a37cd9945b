package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/store/sqlstore"
)

// runInProcess runs `parley args...` with packaged as the packaged
// configuration path.
func runInProcess(t *testing.T, packaged string, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	root := newRootCmd(&stdout, &stderr, packaged)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return stdout.String(), stderr.String(), err
}

func migratedDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlstore.Open(context.Background(), "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	return dir
}

func userCount(t *testing.T, dir string) int {
	t.Helper()
	st, err := sqlstore.OpenExisting(context.Background(), "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	if err := st.DB().QueryRow(`SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Without --config the packaged configuration is the one in force, so a
// command acts on the server's database.
func TestPackagedConfigIsDefault(t *testing.T) {
	t.Setenv("PARLEY_CONFIG", "")
	t.Chdir(t.TempDir())
	served, other := migratedDir(t), migratedDir(t)
	packaged := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(packaged, []byte(`{"data_dir": "`+served+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	otherCfg := filepath.Join(t.TempDir(), "other.json")
	if err := os.WriteFile(otherCfg, []byte(`{"data_dir": "`+other+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	create := func(name string, extra ...string) {
		t.Helper()
		args := append([]string{"user", "create", "--username", name, "--email", name + "@example.com", "--password", "Passw0rd!"}, extra...)
		if _, errOut, err := runInProcess(t, packaged, args...); err != nil {
			t.Fatalf("user create %s: %v %s", name, err, errOut)
		}
	}
	create("ann")
	if n := userCount(t, served); n != 1 {
		t.Fatalf("packaged config's database has %d users, want 1", n)
	}
	create("bob", "--config", otherCfg)
	if n := userCount(t, other); n != 1 {
		t.Fatalf("--config database has %d users, want 1", n)
	}
	if out, _, err := runInProcess(t, packaged, "config", "get", "data_dir"); err != nil || !strings.Contains(out, served) {
		t.Fatalf("config get data_dir: %v %q", err, out)
	}
}

// A management command never makes a new database; it says where it looked
// and how to point it elsewhere. db migrate does make one.
func TestCommandRefusesMissingDatabase(t *testing.T) {
	t.Setenv("PARLEY_CONFIG", "")
	work := t.TempDir()
	t.Chdir(work)
	missing := filepath.Join(t.TempDir(), "config.json")
	_, errOut, err := runInProcess(t, missing, "user", "create", "--username", "ann", "--email", "ann@example.com", "--password", "Passw0rd!")
	if err == nil {
		t.Fatal("user create without a database succeeded")
	}
	for _, want := range []string{"no Parley database at data/parley.db", missing, "--config", "parley db migrate"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("message %q lacks %q", errOut, want)
		}
	}
	if _, err := os.Stat(filepath.Join(work, "data")); !os.IsNotExist(err) {
		t.Fatalf("a data directory was made: %v", err)
	}
	if _, errOut, err := runInProcess(t, missing, "db", "migrate"); err != nil {
		t.Fatalf("db migrate: %v %s", err, errOut)
	}
	if _, errOut, err := runInProcess(t, missing, "user", "create", "--username", "ann", "--email", "ann@example.com", "--password", "Passw0rd!"); err != nil {
		t.Fatalf("user create after db migrate: %v %s", err, errOut)
	}
}

// Without a configuration file named, config set writes <data_dir>/config.json:
// the file the server reads and its configuration API writes.
func TestConfigSetWithoutConfigUsesDataDir(t *testing.T) {
	t.Setenv("PARLEY_CONFIG", "")
	t.Chdir(t.TempDir())
	dir := migratedDir(t)
	nowhere := filepath.Join(t.TempDir(), "config.json")
	if _, errOut, err := runInProcess(t, nowhere, "--data", dir, "config", "set", "site_name", "Chat Here"); err != nil {
		t.Fatalf("config set: %v %s", err, errOut)
	}
	b, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil || !strings.Contains(string(b), `"Chat Here"`) {
		t.Fatalf("data directory's config.json: %v %s", err, b)
	}
	if out, _, err := runInProcess(t, nowhere, "--data", dir, "config", "get", "site_name"); err != nil || !strings.Contains(out, "Chat Here") {
		t.Fatalf("config get after set: %v %q", err, out)
	}
	_, errOut, err := runInProcess(t, nowhere, "--data", filepath.Join(dir, "missing"), "config", "set", "site_name", "X")
	if err == nil || !strings.Contains(errOut, "--config") {
		t.Fatalf("config set without a data directory: %v %q", err, errOut)
	}
}
