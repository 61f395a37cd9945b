// Package sqlstore implements store.Store on SQLite (embedded default) and
// PostgreSQL. Queries are written once with ? placeholders in SQL both
// dialects accept; rebind turns them into $n for PostgreSQL.
package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/parley-chat/parley/internal/store"
)

// migrationFiles are numbered once for both dialects, so that a schema
// version means the same tables on SQLite and PostgreSQL; migrationsFor hands
// goose one dialect's set. A number lives in common/, or in both postgres/ and
// sqlite/ when the SQL must differ (00002, search), or in one dialect folder
// when only that dialect has something to do (00013, SQLite's deferred search
// index; PostgreSQL goes from 00012 to 00014).
//
// 00010 and 00019 are used by no migration: they were given to work that
// never merged. Goose applies versions strictly in order (no
// WithAllowOutofOrder), so a database past a number refuses to start on a
// binary that brings that number late: a free number below the newest stays
// free (retiredMigrations), applied files are never renumbered, and a new
// migration takes the number after the highest.
//
// Every migration declares its kind on a line "-- parley:expand" or
// "-- parley:contract" (TestMigrationKinds): an expand step only adds what
// the previous version's code ignores (tables, columns with defaults,
// indexes), so that version keeps running on it during a rolling upgrade; a
// contract step drops, renames or rewrites, and lands one minor version after
// the code stopped using what it removes (docs/cluster.md, "Rolling upgrade").
//
//go:embed migrations
var migrationFiles embed.FS

const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// SQLStore is a store.Store over one database. Within Tx it is bound to the transaction.
type SQLStore struct {
	db     *sql.DB
	q      querier
	driver string
	inTx   bool
	// grouped: bound to a transaction that a group commit shares between requests.
	grouped bool
	// group batches write transactions (SQLite only; nil on PostgreSQL, which
	// runs transactions concurrently).
	group *groupCommit
	// postGroups group-commit post transactions on PostgreSQL, a channel
	// always in the same one (see PostTx); nil on SQLite.
	postGroups []*groupCommit
	path       string // SQLite file, for the migration lock
	tx         *sql.Tx
	// pipe batches statements of a grouped PostgreSQL transaction
	// (pipeline.go); nil elsewhere.
	pipe *pipeline
	// after collects the AfterCommit hooks of the transaction this store is
	// bound to (nil outside a transaction).
	after *[]func()
	stmts *stmtCache
	// observe, when set, is told the duration and outcome of every query, by the
	// name of the store method that ran it (for mattermost_db_store_time).
	observe func(method string, d time.Duration, err error)
	names   *sync.Map // call stack ([6]uintptr) → method name
	// replicas take the reads that tolerate lag (replicas.go); nil without.
	replicas *replicaSet
	// primary is the store a replica-bound one (LagTolerant) was made from.
	primary *SQLStore
	// pages holds the boundaries that turn deep history offsets into
	// cursors (pageindex.go); nil in transactions' stores.
	pages *pageIndex
}

var _ store.Store = (*SQLStore)(nil)

// Open connects to the database named by dsn (empty: SQLite file parley.db in dataDir;
// postgres:// or postgresql://: PostgreSQL), applies migrations and returns the store.
func Open(ctx context.Context, dsn, dataDir string, log *slog.Logger) (*SQLStore, error) {
	s, err := Connect(ctx, dsn, dataDir)
	if err != nil {
		return nil, err
	}
	if err := s.prepare(ctx, log); err != nil {
		return nil, err
	}
	return s, nil
}

// prepare migrates a connected store and finishes interrupted work; on error
// the store is closed.
func (s *SQLStore) prepare(ctx context.Context, log *slog.Logger) error {
	if err := s.Migrate(ctx, log); err != nil {
		s.db.Close()
		return err
	}
	// An import that stopped before its end (a crash, a kill) may have left
	// posts out of the search index; they go in now, not never.
	if _, err := s.IndexDeferredPosts(ctx); err != nil {
		s.Close()
		return fmt.Errorf("database: %w", err)
	}
	return nil
}

// Connect opens the database without touching its schema (for status and dry runs).
func Connect(ctx context.Context, dsn, dataDir string) (*SQLStore, error) {
	var s *SQLStore
	var err error
	switch {
	case dsn == "" || strings.HasPrefix(dsn, "sqlite:") || strings.HasPrefix(dsn, "file:"):
		s, err = openSQLite(dsn, dataDir)
	case strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://"):
		s, err = openPostgres(dsn)
	default:
		return nil, fmt.Errorf("database: unsupported data source %q (want empty for SQLite, or a postgres:// URL)", redact(dsn))
	}
	if err != nil {
		return nil, err
	}
	if err := s.firstPing(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("database: connect: %w", err)
	}
	return s, nil
}

// uriPath escapes what a SQLite URI reads as syntax: a '#' or '?' in a data
// directory's path would otherwise cut the file name short (two directories
// "a#1" and "a#2" would share the database "a").
func uriPath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

func openSQLite(dsn, dataDir string) (*SQLStore, error) {
	path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
	if path == "" {
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("database: create data directory: %w", err)
		}
		path = filepath.Join(dataDir, "parley.db")
	}
	// WAL for concurrent readers; synchronous=FULL so an acknowledged write survives
	// power loss; immediate transactions so writers queue on busy_timeout instead of
	// failing on lock upgrade.
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)") // first, so that it covers the pragmas after it
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(ON)")
	// A 16 MB page cache per connection instead of SQLite's 2 MB: past a few
	// hundred thousand posts the indexes an insert walks no longer fit in
	// 2 MB, and reading their pages back was a third of an import's time
	// (300,000-post imports: 13–17k posts/s with 2 MB, 21k with 16 MB; 64 MB
	// and mmap did no better). The cache fills only with pages a connection
	// reads, so an idle server's memory is unchanged.
	q.Add("_pragma", "cache_size(-16384)")
	// Statement journals in memory: a multi-row INSERT (imports, sample data)
	// copies every page it touches to its statement journal, which past 64 KB
	// went to a temporary file, a tenth of an imported post's CPU in write
	// calls. The journal holds only the pages one statement touches; the
	// pragma also keeps temporary tables and indexes in memory.
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Set("_txlock", "immediate")
	if err := ownerOnly(path); err != nil {
		return nil, err
	}
	db := sql.OpenDB(sqliteConnector{dsn: "file:" + uriPath(path) + "?" + q.Encode(), drv: newSQLiteDriver()})
	// One writer at a time is SQLite's model; a small pool lets reads run beside it.
	// All of it stays open: with database/sql's default of two idle connections,
	// bursts closed and reopened connections, and opening one (pragmas, then
	// preparing the cached statements again) was an eighth of a post's CPU.
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	s := &SQLStore{db: db, q: db, driver: DriverSQLite, path: path, stmts: &stmtCache{m: map[string]*sql.Stmt{}},
		pages: newPageIndex()}
	s.group = newGroupCommit(s)
	return s, nil
}

// newSQLiteDriver is SQLite with LOWER folding case as Go and PostgreSQL do.
// SQLite's own LOWER folds ASCII only, so a search for "ölund" missed
// "Ölund" on SQLite and found it on PostgreSQL; every case-insensitive match
// of the store is LOWER(column) LIKE a pattern lowered in Go.
func newSQLiteDriver() *sqlite.Driver {
	d := &sqlite.Driver{}
	d.MustRegisterDeterministicScalarFunction("lower", 1, func(_ *sqlite.FunctionContext, a []driver.Value) (driver.Value, error) {
		switch v := a[0].(type) {
		case string:
			return strings.ToLower(v), nil
		case []byte:
			return bytes.ToLower(v), nil
		default: // NULL, and numbers, which have no case
			return v, nil
		}
	})
	return d
}

// sqliteConnector opens connections of one data source with one driver.
type sqliteConnector struct {
	dsn string
	drv *sqlite.Driver
}

func (c sqliteConnector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c sqliteConnector) Driver() driver.Driver                        { return c.drv }

// ownerOnly creates the database file with mode 0600 if it is missing, and
// restricts an existing one (and its -wal and -shm) to 0600: it holds session
// tokens, and SQLite would create it 0644 less the umask. SQLite gives -wal and
// -shm the database file's mode, so they are created owner-only too.
func ownerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("database: create %s: %w", path, err)
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("database: restrict %s to its owner: %w", p, err)
		}
	}
	return nil
}

func openPostgres(dsn string) (*SQLStore, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("database: open postgres %s: %w", redact(dsn), err)
	}
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(16)
	s := &SQLStore{db: db, q: db, driver: DriverPostgres, pages: newPageIndex()}
	s.postGroups = make([]*groupCommit, postGroups)
	for i := range s.postGroups {
		s.postGroups[i] = newGroupCommit(s)
	}
	return s, nil
}

// postGroups is how many channels' posts PostgreSQL commits at once: posts of
// different channels do not wait for each other's locks, so they need not
// share a commit either, and a few writers keep a busy channel from delaying
// the others.
const postGroups = 4

// redact hides the password of a data source in messages.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// provider is goose over this binary's migrations, or over sources when
// given (a test's stand-in for a newer binary).
func (s *SQLStore) provider(log *slog.Logger, sources fs.FS) (*goose.Provider, error) {
	sub := sources
	if sub == nil {
		var err error
		if sub, err = migrationsFor(s.driver); err != nil {
			return nil, err
		}
	}
	dialect := goose.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if s.driver == DriverPostgres {
		dialect = goose.DialectPostgres
	}
	if log != nil {
		opts = append(opts, goose.WithSlog(log))
	}
	return goose.NewProvider(dialect, s.db, sub, opts...)
}

// SchemaVersion returns the database's schema version and the newest this binary knows.
func (s *SQLStore) SchemaVersion(ctx context.Context) (current, known int64, err error) {
	p, err := s.provider(nil, nil)
	if err != nil {
		return 0, 0, err
	}
	for _, src := range p.ListSources() {
		known = max(known, src.Version)
	}
	current, err = p.GetDBVersion(ctx)
	return current, known, err
}

// PendingMigrations lists the versions Migrate would apply.
func (s *SQLStore) PendingMigrations(ctx context.Context) ([]int64, error) {
	p, err := s.provider(nil, nil)
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("database: migration status: %w", err)
	}
	var out []int64
	for _, m := range st {
		if m.State == goose.StatePending {
			out = append(out, m.Source.Version)
		}
	}
	return out, nil
}

// firstPing opens the first connection. On SQLite it does so under the
// migration lock: the first connection to a new file switches it to WAL, and
// two processes doing that at once can get SQLITE_BUSY without the busy
// timeout ever being consulted. Once the file is in WAL mode, later
// connections only read that setting and wait on the busy timeout as usual.
func (s *SQLStore) firstPing(ctx context.Context) error {
	if s.driver == DriverSQLite {
		unlock, err := s.migrationLock(ctx)
		if err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		defer unlock()
	}
	return s.db.PingContext(ctx)
}

// migrationLockID is the PostgreSQL advisory lock key of Parley's migrations.
const migrationLockID = 0x7061726c6579 // "parley"

// migrationLock blocks until this process holds the migration lock: a file lock
// beside the SQLite database, or a session advisory lock on PostgreSQL.
func (s *SQLStore) migrationLock(ctx context.Context) (func(), error) {
	if s.driver == DriverSQLite {
		return lockFile(s.path + ".migrate-lock")
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLockID); err != nil {
		conn.Close()
		return nil, err
	}
	return func() {
		_, _ = conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, migrationLockID)
		conn.Close()
	}, nil
}

// Migrate applies pending migrations. On a database newer than this binary
// (a newer node of a rolling upgrade migrated it) it starts if every migration
// it does not know is an expand step, and refuses otherwise.
func (s *SQLStore) Migrate(ctx context.Context, log *slog.Logger) error {
	return s.migrate(ctx, log, nil)
}

func (s *SQLStore) migrate(ctx context.Context, log *slog.Logger, sources fs.FS) error {
	p, err := s.provider(log, sources)
	if err != nil {
		return fmt.Errorf("database: migrations: %w", err)
	}
	if sources == nil {
		if sources, err = migrationsFor(s.driver); err != nil {
			return fmt.Errorf("database: migrations: %w", err)
		}
	}
	known, err := migrationList(sources)
	if err != nil {
		return fmt.Errorf("database: migrations: %w", err)
	}
	if len(known) == 0 {
		return fmt.Errorf("database: no migrations")
	}
	latest := known[len(known)-1].Version
	// Nodes starting together (or a server and a CLI command) must not both
	// migrate: the first takes the lock, the others wait and then find nothing
	// left to do.
	unlock, err := s.migrationLock(ctx)
	if err != nil {
		return fmt.Errorf("database: migration lock: %w", err)
	}
	defer unlock()
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("database: read schema version: %w", err)
	}
	if current > latest {
		// Goose applies strictly in order, so every migration this binary
		// knows is applied already: nothing to run, only to check.
		newer, err := s.newerMigrations(ctx, latest)
		if err != nil {
			return err
		}
		if err := refuseNewer(current, latest, newer); err != nil {
			return err
		}
		if log != nil {
			names := make([]string, len(newer))
			for i, m := range newer {
				names[i] = m.String()
			}
			log.Warn("database: the schema is newer than this binary; its newer migrations are all expand steps, which this version ignores",
				"schema_version", current, "known", latest, "migrations", strings.Join(names, " "))
		}
		return nil
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("database: migrate: %w", err)
	}
	return s.recordKinds(ctx, known)
}

// NewerMigrations lists the migrations applied to the database that this
// binary does not know, with their kinds (none when it is not newer).
func (s *SQLStore) NewerMigrations(ctx context.Context) ([]Migration, error) {
	_, latest, err := s.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	return s.newerMigrations(ctx, latest)
}

// RefuseNewer is Migrate's verdict on a database newer than this binary: nil
// when every migration it does not know is an expand step.
func (s *SQLStore) RefuseNewer(ctx context.Context) error {
	current, latest, err := s.SchemaVersion(ctx)
	if err != nil || current <= latest {
		return err
	}
	newer, err := s.newerMigrations(ctx, latest)
	if err != nil {
		return err
	}
	return refuseNewer(current, latest, newer)
}

// DB exposes the handle for tests and tools.
func (s *SQLStore) DB() *sql.DB { return s.db }

func (s *SQLStore) DriverName() string { return s.driver }

func (s *SQLStore) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

func (s *SQLStore) Close() error {
	if s.group != nil {
		s.group.close()
	}
	for _, g := range s.postGroups {
		g.close()
	}
	if s.stmts != nil {
		s.stmts.mu.Lock()
		for _, st := range s.stmts.m {
			st.Close()
		}
		s.stmts.m = map[string]*sql.Stmt{}
		s.stmts.mu.Unlock()
	}
	if s.replicas != nil {
		s.replicas.close()
	}
	return s.db.Close()
}

// Tx runs fn inside a transaction; nested calls join the outer one.
func (s *SQLStore) Tx(ctx context.Context, fn func(tx store.Store) error) error {
	if s.inTx {
		return fn(s)
	}
	if s.group != nil {
		return s.group.run(ctx, fn)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	var after []func()
	if err := fn(&SQLStore{db: s.db, q: tx, tx: tx, driver: s.driver, inTx: true, observe: s.observe, names: s.names,
		stmts: s.stmts, after: &after}); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return mapErr(fmt.Errorf("commit: %w", err))
	}
	runHooks(after)
	return nil
}

// PostTx commits the post transactions of one channel together on
// PostgreSQL. The post's last statement (CountPost) takes the channel's row
// lock, which is released only after the COMMIT's WAL flush, so concurrent
// posts in a channel were one flush each, in a row: about as many posts a
// second as the disk has flushes, whatever the CPU. Batched, the requests of a
// batch run one after the other on one connection, each in its savepoint, and
// share one flush. A channel's batches always go to the same writer; other
// channels' go to the others, or share one.
func (s *SQLStore) PostTx(ctx context.Context, channelID string, fn func(tx store.Store) error) error {
	if s.inTx || len(s.postGroups) == 0 {
		return s.Tx(ctx, fn)
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(channelID))
	return s.postGroups[h.Sum32()%uint32(len(s.postGroups))].run(ctx, fn)
}

// AfterCommit queues fn for after the commit of the store's transaction, or
// runs it now outside one.
func (s *SQLStore) AfterCommit(fn func()) {
	if s.after == nil {
		fn()
		return
	}
	*s.after = append(*s.after, fn)
}

func runHooks(hooks []func()) {
	for _, fn := range hooks {
		fn()
	}
}

// rebind turns ? placeholders into $1, $2… for PostgreSQL. Queries never contain a
// literal question mark.
func (s *SQLStore) rebind(q string) string {
	if s.driver != DriverPostgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// SetObserver installs fn to time every query (nil turns it off). Call before use.
func (s *SQLStore) SetObserver(fn func(method string, d time.Duration, err error)) {
	s.observe = fn
	s.names = &sync.Map{}
}

// observed reports a query to the observer under the name of the exported store
// method that ran it, skipping unexported helpers such as execOne.
func (s *SQLStore) observed(start time.Time, err error) {
	if s.observe == nil {
		return
	}
	var pcs [6]uintptr
	n := runtime.Callers(3, pcs[:])
	// The call stack from here to the store method is fixed per call site, so
	// the name is resolved once per site (the pc array itself is the key).
	if v, ok := s.names.Load(pcs); ok {
		s.observe(v.(string), time.Since(start), err)
		return
	}
	name := "unknown"
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		m := f.Function[strings.LastIndex(f.Function, ".")+1:]
		if m != "" && m[0] >= 'A' && m[0] <= 'Z' {
			name = m
			break
		}
		if !more {
			break
		}
	}
	s.names.Store(pcs, name)
	s.observe(name, time.Since(start), err)
}

// stmtCache keeps SQLite statements prepared: the pure-Go driver does not, and
// parsing SQL was a fifth of the CPU of a post. (pgx caches on its own.)
type stmtCache struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// maxCachedStmts bounds the cache: queries with IN lists come in many lengths.
const maxCachedStmts = 1000

// runner returns what runs q: a cached prepared statement (bound to the
// transaction when in one) or the plain connection.
func (s *SQLStore) runner(ctx context.Context, q string) querier {
	if s.stmts == nil {
		return s.q
	}
	s.stmts.mu.Lock()
	st, ok := s.stmts.m[q]
	if !ok && len(s.stmts.m) < maxCachedStmts {
		var err error
		if st, err = s.db.PrepareContext(ctx, q); err == nil {
			s.stmts.m[q] = st
			ok = true
		}
	}
	s.stmts.mu.Unlock()
	if !ok {
		return s.q
	}
	if s.tx != nil {
		st = s.tx.StmtContext(ctx, st)
	}
	return stmtQuerier{st}
}

// stmtQuerier runs a prepared statement through the querier interface.
type stmtQuerier struct{ st *sql.Stmt }

func (p stmtQuerier) ExecContext(ctx context.Context, _ string, args ...any) (sql.Result, error) {
	return p.st.ExecContext(ctx, args...)
}

func (p stmtQuerier) QueryContext(ctx context.Context, _ string, args ...any) (*sql.Rows, error) {
	return p.st.QueryContext(ctx, args...)
}

func (p stmtQuerier) QueryRowContext(ctx context.Context, _ string, args ...any) *sql.Row {
	return p.st.QueryRowContext(ctx, args...)
}

func (s *SQLStore) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	start := time.Now()
	var r sql.Result
	var err error
	if s.group != nil {
		// A write outside a transaction joins the group commit too: on its own
		// connection it would poll for the write lock the writer holds.
		err = s.group.run(ctx, func(tx store.Store) error {
			var txErr error
			r, txErr = tx.(*SQLStore).execStmt(ctx, q, args...)
			return txErr
		})
	} else {
		r, err = s.execStmt(ctx, q, args...)
	}
	s.observed(start, err)
	return r, mapErr(err)
}

// execStmt runs one statement, untimed.
func (s *SQLStore) execStmt(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if err := s.flush(ctx); err != nil {
		return nil, err
	}
	ctx = s.stmtCtx(ctx)
	q = s.rebind(q)
	return s.runner(ctx, q).ExecContext(ctx, q, args...)
}

func (s *SQLStore) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	start := time.Now()
	if err := s.flush(ctx); err != nil {
		s.observed(start, err)
		return nil, mapErr(err)
	}
	ctx = s.stmtCtx(ctx)
	q = s.rebind(q)
	r, err := s.runner(ctx, q).QueryContext(ctx, q, args...)
	s.observed(start, err)
	return r, mapErr(err)
}

func (s *SQLStore) queryRow(ctx context.Context, q string, args ...any) row {
	start := time.Now()
	if err := s.flush(ctx); err != nil {
		s.observed(start, err)
		return errRow{err}
	}
	ctx = s.stmtCtx(ctx)
	q = s.rebind(q)
	r := s.runner(ctx, q).QueryRowContext(ctx, q, args...)
	s.observed(start, r.Err())
	return r
}

// stmtCtx is the context a statement runs under: the caller's, except in a
// group-committed transaction, where one caller's cancellation must not
// interrupt (and so roll back) the others' work.
func (s *SQLStore) stmtCtx(ctx context.Context) context.Context {
	if s.grouped {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// execOne runs a write that must touch a row, else store.ErrNotFound.
func (s *SQLStore) execOne(ctx context.Context, q string, args ...any) error {
	r, err := s.exec(ctx, q, args...)
	if err != nil {
		return err
	}
	n, err := r.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// mapErr turns driver errors into the store's sentinel errors.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return fmt.Errorf("%w: %s", store.ErrConflict, pgErr.ConstraintName)
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		switch sqErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %s", store.ErrConflict, sqErr.Error())
		}
	}
	return err
}

// in returns "?, ?, ?" for n placeholders.
func in(n int) string {
	if n <= 0 {
		return "NULL"
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// args turns a string slice into query arguments, after any leading ones.
func args(lead []any, ids []string) []any {
	out := make([]any, 0, len(lead)+len(ids))
	out = append(out, lead...)
	for _, id := range ids {
		out = append(out, id)
	}
	return out
}

func limitOffset(p store.Page) string {
	if p.Limit <= 0 {
		return ""
	}
	return " LIMIT " + strconv.Itoa(p.Limit) + " OFFSET " + strconv.Itoa(max(p.Offset, 0))
}
