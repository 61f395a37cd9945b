package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/parley-chat/parley/internal/store"
)

// Read replicas (SqlSettings.DataSourceReplicas, PostgreSQL only) take the
// reads that tolerate a replica's lag, which the app chooses by calling them
// through LagTolerant (docs/cluster.md lists them): searches, older history
// pages, user lists. Everything else, writes and the reads that must see
// them, stays on the primary.

// replicaCheckInterval is how often each replica is pinged, as Mattermost's
// ReplicaMonitorIntervalSeconds default.
const replicaCheckInterval = 5 * time.Second

type replicaSet struct {
	pools []*replica
	next  atomic.Uint64
	stop  chan struct{}
	done  sync.WaitGroup
	log   *slog.Logger
}

type replica struct {
	db      *sql.DB
	name    string // the data source, password hidden
	down    atomic.Bool
	queries atomic.Int64
}

// OpenReplicas connects to the read replicas. A replica that does not answer
// is not an error: its reads go to the primary until a check finds it back.
func (s *SQLStore) OpenReplicas(ctx context.Context, dsns []string, log *slog.Logger) error {
	if len(dsns) == 0 {
		return nil
	}
	if s.driver != DriverPostgres {
		return errors.New("database: read replicas need PostgreSQL")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	set := &replicaSet{stop: make(chan struct{}), log: log}
	for _, dsn := range dsns {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			set.close()
			return fmt.Errorf("database: open replica %s: %w", redact(dsn), err)
		}
		db.SetMaxOpenConns(32)
		db.SetMaxIdleConns(16)
		set.pools = append(set.pools, &replica{db: db, name: redact(dsn)})
	}
	set.check(ctx)
	set.done.Add(1)
	go set.monitor()
	s.replicas = set
	return nil
}

// ReplicaQueries counts the queries each replica has answered, in the order
// of the configuration (for tests and metrics).
func (s *SQLStore) ReplicaQueries() []int64 {
	if s.replicas == nil {
		return nil
	}
	out := make([]int64, len(s.replicas.pools))
	for i, r := range s.replicas.pools {
		out[i] = r.queries.Load()
	}
	return out
}

func (set *replicaSet) monitor() {
	defer set.done.Done()
	t := time.NewTicker(replicaCheckInterval)
	defer t.Stop()
	for {
		select {
		case <-set.stop:
			return
		case <-t.C:
			set.check(context.Background())
		}
	}
}

// check pings every replica, marking it up or down.
func (set *replicaSet) check(ctx context.Context) {
	for _, r := range set.pools {
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err := r.db.PingContext(pctx)
		cancel()
		set.mark(r, err)
	}
}

func (set *replicaSet) mark(r *replica, err error) {
	if err != nil {
		if !r.down.Swap(true) {
			set.log.Warn("read replica unavailable; its reads go to the primary", "replica", r.name, "err", err)
		}
		return
	}
	if r.down.Swap(false) {
		set.log.Info("read replica back", "replica", r.name)
	}
}

// pick returns the next replica that is up, round-robin, or nil.
func (set *replicaSet) pick() *replica {
	n := set.next.Add(1)
	for i := range uint64(len(set.pools)) {
		r := set.pools[(n+i)%uint64(len(set.pools))]
		if !r.down.Load() {
			return r
		}
	}
	return nil
}

func (set *replicaSet) close() {
	if set.stop != nil {
		close(set.stop)
		set.done.Wait()
	}
	for _, r := range set.pools {
		r.db.Close()
	}
}

// LagTolerant binds the store to the next replica that is up (store.Store).
// Inside a transaction the reads stay in it.
func (s *SQLStore) LagTolerant() store.Store { return s.lagTolerant() }

func (s *SQLStore) lagTolerant() *SQLStore {
	if s.replicas == nil || s.inTx {
		return s
	}
	r := s.replicas.pick()
	if r == nil {
		return s
	}
	c := *s
	c.q = replicaQuerier{r: r, set: s.replicas, primary: s.q}
	c.replicas, c.primary = nil, s
	return &c
}

// replicaQuerier runs reads on a replica, and on the primary when the
// replica fails them; writes always go to the primary.
type replicaQuerier struct {
	r       *replica
	set     *replicaSet
	primary querier
}

// failed tells whether err from the replica should send the read to the
// primary. A lost connection also marks the replica down until the next
// check; a query refused by the replica (a recovery conflict) does not.
func (q replicaQuerier) failed(ctx context.Context, err error) bool {
	if err == nil || errors.Is(err, sql.ErrNoRows) || ctx.Err() != nil {
		return false
	}
	if !isServerError(err) {
		q.set.mark(q.r, err)
	}
	return true
}

func (q replicaQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := q.r.db.QueryContext(ctx, query, args...)
	if q.failed(ctx, err) {
		return q.primary.QueryContext(ctx, query, args...)
	}
	q.r.queries.Add(1)
	return rows, err
}

func (q replicaQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	row := q.r.db.QueryRowContext(ctx, query, args...)
	if q.failed(ctx, row.Err()) {
		return q.primary.QueryRowContext(ctx, query, args...)
	}
	q.r.queries.Add(1)
	return row
}

func (q replicaQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return q.primary.ExecContext(ctx, query, args...)
}

// isServerError tells an error PostgreSQL answered (the connection works)
// from a lost or refused connection.
func isServerError(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr)
}
