package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/parley-chat/parley/internal/store"
)

// maxGroup bounds how many transactions share one commit, so that one slow
// batch cannot hold the write lock for long.
const maxGroup = 64

// errClosed answers transactions started after Close.
var errClosed = errors.New("store closed")

// groupCommit runs SQLite write transactions on one goroutine and commits
// the transactions that queued up meanwhile together. SQLite allows one writer
// at a time anyway; letting concurrent writers race for the lock made them
// poll on busy_timeout (latency tails of hundreds of milliseconds) and paid one
// WAL fsync per transaction, a fifth of a post's CPU. Each transaction of a
// group runs in its own savepoint, so one failing rolls back only its own
// work, and Tx returns only after the shared COMMIT, so a caller that answers
// success on a nil error still answers only for what is on disk. For the same reason a
// transaction's AfterCommit hooks run (on its caller's goroutine, not the
// writer's) only once the COMMIT of its batch succeeded, and not at all when
// it was rolled back to its savepoint.
type groupCommit struct {
	reqs     chan *txReq
	stop     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
}

// txReq is one queued transaction and, once run, its outcome.
type txReq struct {
	ctx      context.Context
	fn       func(tx store.Store) error
	err      error
	panicked any
	after    []func() // AfterCommit hooks, run by run only when err is nil
	done     chan struct{}
}

func newGroupCommit(s *SQLStore) *groupCommit {
	g := &groupCommit{reqs: make(chan *txReq), stop: make(chan struct{})}
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		g.loop(s)
	}()
	return g
}

// close stops the writer after the batch in hand; closing twice is harmless,
// as closing a store twice is.
func (g *groupCommit) close() {
	g.stopOnce.Do(func() { close(g.stop) })
	g.wg.Wait()
}

// run queues fn and waits for its outcome. It waits even when ctx ends, so
// that fn never runs after its caller has returned.
func (g *groupCommit) run(ctx context.Context, fn func(tx store.Store) error) error {
	r := &txReq{ctx: ctx, fn: fn, done: make(chan struct{})}
	select {
	case g.reqs <- r:
	case <-ctx.Done():
		return ctx.Err()
	case <-g.stop:
		return errClosed
	}
	<-r.done
	if r.panicked != nil {
		panic(r.panicked)
	}
	if r.err != nil {
		return r.err
	}
	runHooks(r.after)
	return nil
}

func (g *groupCommit) loop(s *SQLStore) {
	batch := make([]*txReq, 0, maxGroup)
	for {
		select {
		case r := <-g.reqs:
			batch = append(batch[:0], r)
		case <-g.stop:
			return
		}
	more:
		for len(batch) < maxGroup {
			select {
			case r := <-g.reqs:
				batch = append(batch, r)
			default:
				break more
			}
		}
		s.commitGroup(batch)
		for _, r := range batch {
			close(r.done)
		}
	}
}

// commitGroup runs the batch in one transaction. A request whose caller has
// given up before its turn is skipped. Statements of the shared transaction
// ignore their caller's cancellation (see stmtCtx): SQLite answers an
// interrupted write by rolling back the whole transaction, which would fail
// the other requests of the batch.
func (s *SQLStore) commitGroup(batch []*txReq) {
	fail := func(err error) {
		for _, r := range batch {
			if r.err == nil && r.panicked == nil {
				r.err = err
			}
		}
	}
	ctx := context.Background()
	// On PostgreSQL the transaction's connection is held as a sql.Conn too,
	// for the pipeline's batches to go on it.
	var pipe *pipeline
	var tx *sql.Tx
	var err error
	if s.driver == DriverPostgres {
		var conn *sql.Conn
		if conn, err = s.db.Conn(ctx); err != nil {
			fail(fmt.Errorf("connect: %w", err))
			return
		}
		defer conn.Close()
		pipe = &pipeline{conn: conn}
		tx, err = conn.BeginTx(ctx, nil)
	} else {
		tx, err = s.db.BeginTx(ctx, nil)
	}
	if err != nil {
		fail(fmt.Errorf("begin transaction: %w", err))
		return
	}
	txs := &SQLStore{db: s.db, q: tx, tx: tx, driver: s.driver, inTx: true, grouped: true,
		observe: s.observe, names: s.names, stmts: s.stmts, pipe: pipe}
	// A savepoint only serves to undo one request without the others; alone
	// in its transaction, a request that fails undoes it whole, and the
	// savepoint's statements are saved (they cost as much as a small write).
	single := len(batch) == 1
	ok := 0
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.err = err
			continue
		}
		if !single && pipe != nil {
			pipe.hold(`SAVEPOINT grp`, nil, true)
		} else if !single {
			if _, err := tx.Exec(`SAVEPOINT grp`); err != nil {
				_ = tx.Rollback()
				fail(fmt.Errorf("savepoint: %w", err))
				return
			}
		}
		txs.after = &r.after
		r.err, r.panicked = callTx(txs, r.fn)
		if pipe != nil {
			// What the request left held back is part of its outcome.
			if err := pipe.send(ctx, "", nil, nil); err != nil && r.err == nil && r.panicked == nil {
				r.err = mapErr(err)
			}
			if pipe.broken != nil {
				_ = tx.Rollback()
				fail(pipe.broken)
				return
			}
		}
		if r.err == nil && r.panicked == nil {
			ok++
		}
		if single {
			break // a failure is undone below, by rolling back the transaction
		}
		if r.err != nil || r.panicked != nil {
			if _, err := tx.Exec(`ROLLBACK TO grp`); err != nil {
				_ = tx.Rollback()
				fail(fmt.Errorf("rollback to savepoint: %w", err))
				return
			}
		}
		// On PostgreSQL a RELEASE is one more round trip per request and
		// changes nothing a rollback to the next savepoint of the same name
		// would undo (the newest one is meant) nor what COMMIT keeps; its
		// subtransaction stays part of the transaction either way. SQLite's
		// costs no round trip, and releasing keeps its savepoints unnested.
		if s.driver == DriverPostgres {
			continue
		}
		if _, err := tx.Exec(`RELEASE grp`); err != nil {
			_ = tx.Rollback()
			fail(fmt.Errorf("release savepoint: %w", err))
			return
		}
	}
	if ok == 0 {
		_ = tx.Rollback()
		return
	}
	if err := tx.Commit(); err != nil {
		fail(mapErr(fmt.Errorf("commit: %w", err)))
	}
}

// callTx runs fn, turning a panic into a value the caller re-raises on its own
// goroutine, so that a bug in one request cannot stop the writer.
func callTx(tx *SQLStore, fn func(tx store.Store) error) (err error, panicked any) {
	defer func() {
		if p := recover(); p != nil {
			panicked = p
		}
	}()
	return fn(tx), nil
}
