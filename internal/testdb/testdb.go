// Package testdb gives tests a fresh database on every backend Parley supports:
// a SQLite file in a temporary directory, and a new PostgreSQL database that is
// dropped when the test ends.
//
// PostgreSQL is found through PARLEY_TEST_POSTGRES (an admin URL; default
// postgres://postgres@127.0.0.1:5432/postgres). When it cannot be reached the
// PostgreSQL run is skipped, unless PARLEY_TEST_REQUIRE_POSTGRES=1 (as CI sets),
// in which case the test fails.
package testdb

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver

	"github.com/parley-chat/parley/internal/model"
)

// Backend names one database to run a test against.
type Backend struct {
	Name    string // "sqlite" or "postgres"
	DSN     string // data source for the store ("" = SQLite in DataDir)
	DataDir string
}

const defaultAdminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// EachB runs a benchmark on each backend, as Each runs a test.
func EachB(b *testing.B, fn func(b *testing.B, be Backend)) {
	b.Helper()
	b.Run("sqlite", func(b *testing.B) {
		fn(b, Backend{Name: "sqlite", DataDir: b.TempDir()})
	})
	b.Run("postgres", func(b *testing.B) {
		fn(b, Postgres(b))
	})
}

// ReportCPU starts counting the process's CPU time (user and system, every
// goroutine: the server's and the benchmark's own); the function it returns
// reports it per op as cpu-µs/op. On a shared machine it moves less than
// ns/op, which counts the time spent waiting for other processes too. A
// PostgreSQL server's own CPU is not in it.
func ReportCPU(b *testing.B) func() {
	start := processCPU()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(processCPU()-start)/float64(b.N)/1e3, "cpu-µs/op")
		}
	}
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Each runs fn once per backend as a subtest, each with its own fresh database.
func Each(t *testing.T, fn func(t *testing.T, b Backend)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, Backend{Name: "sqlite", DataDir: t.TempDir()})
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, Postgres(t))
	})
}

// Postgres creates a new empty PostgreSQL database for t and drops it afterwards.
func Postgres(t testing.TB) Backend {
	t.Helper()
	admin := os.Getenv("PARLEY_TEST_POSTGRES")
	if admin == "" {
		admin = defaultAdminURL
	}
	// CREATE DATABASE copies a template and checkpoints: on a machine busy
	// with disk work it has taken more than 10 s.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := sql.Open("pgx", admin)
	if err == nil {
		err = db.PingContext(ctx)
	}
	if err != nil {
		if os.Getenv("PARLEY_TEST_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("PostgreSQL required but unreachable at %s: %v", admin, err)
		}
		t.Skipf("PostgreSQL unreachable (%v); set PARLEY_TEST_POSTGRES", err)
	}
	name := "parley_test_" + strings.ToLower(model.NewID())
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		db.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
		db.Close()
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("parse PARLEY_TEST_POSTGRES: %v", err)
	}
	u.Path = "/" + name
	return Backend{Name: "postgres", DSN: u.String(), DataDir: t.TempDir()}
}
