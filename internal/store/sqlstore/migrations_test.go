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
