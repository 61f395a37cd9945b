package sqlstore

import (
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// retiredMigrations are the numbers no migration may take (see migrationFiles).
var retiredMigrations = []int64{10, 19}

// TestMigrationNumbers: each dialect's migrations have distinct numbers, none
// of them retired.
func TestMigrationNumbers(t *testing.T) {
	versions := map[string][]int64{}
	for _, driver := range []string{DriverSQLite, DriverPostgres} {
		fsys, err := migrationsFor(driver)
		if err != nil {
			t.Fatal(err)
		}
		entries, err := fs.ReadDir(fsys, ".")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			num, _, _ := strings.Cut(e.Name(), "_")
			v, err := strconv.ParseInt(num, 10, 64)
			if err != nil {
				t.Fatalf("%s: %s has no version number", driver, e.Name())
			}
			if slices.Contains(versions[driver], v) {
				t.Errorf("%s: version %d twice", driver, v)
			}
			if slices.Contains(retiredMigrations, v) {
				t.Errorf("%s: %s takes retired number %d; databases past it would refuse to start", driver, e.Name(), v)
			}
			versions[driver] = append(versions[driver], v)
		}
	}
}

// TestMigrationKinds: every migration declares its kind once, a version the
// two dialects write separately has one kind, and the existing contract step
// is marked so.
func TestMigrationKinds(t *testing.T) {
	kinds := map[int64]string{}
	for _, driver := range []string{DriverSQLite, DriverPostgres} {
		fsys, err := migrationsFor(driver)
		if err != nil {
			t.Fatal(err)
		}
		list, err := migrationList(fsys)
		if err != nil {
			t.Fatalf("%s: %v", driver, err)
		}
		for _, m := range list {
			if k, ok := kinds[m.Version]; ok && k != m.Kind {
				t.Errorf("%s: %s is %s here and %s in the other dialect", driver, m, m.Kind, k)
			}
			kinds[m.Version] = m.Kind
		}
	}
	// 00024 moved team and channel policies out of retention_policies,
	// where the code before it read them.
	if kinds[24] != KindContract || kinds[28] != KindExpand {
		t.Errorf("00024 is %q, 00028 is %q", kinds[24], kinds[28])
	}
	for body, want := range map[string]string{
		"-- +goose Up\nCREATE TABLE x (id TEXT);\n":                     "declares no kind",
		"-- +goose Up\n-- parley:expand\n-- parley:expand\n":            "twice",
		"-- +goose Up\n-- parley:additive\nCREATE TABLE x (id TEXT);\n": "neither expand nor contract",
	} {
		if _, err := migrationKind([]byte(body)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", body, err, want)
		}
	}
}
