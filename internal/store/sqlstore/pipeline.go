package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// pipeline holds back the statements of a grouped PostgreSQL transaction
// whose only outcome is an error (the request's SAVEPOINT, the post's
// INSERT) and sends them in one pgx batch with the next statement: a new
// post's SAVEPOINT, INSERT and CountPost are then one round trip instead of
// three. A held-back statement's error is answered by the statement it went
// with (mapped as its own would have been), or, if none followed, as the
// request's outcome; PostgreSQL skips the rest of a batch after an error, so
// nothing after the failing statement ran, and the request is rolled back to
// its savepoint as before.
type pipeline struct {
	conn    *sql.Conn
	pending []pendingStmt
	// broken is a failed SAVEPOINT: the request cannot be undone alone, so
	// the whole group is.
	broken error
}

type pendingStmt struct {
	q         string
	args      []any
	savepoint bool
}

// hold queues q (already rebound) for the next send.
func (p *pipeline) hold(q string, args []any, savepoint bool) {
	p.pending = append(p.pending, pendingStmt{q: q, args: args, savepoint: savepoint})
}

// send runs the held statements and then q (if not empty), all in one batch,
// handing q's first row to scan (nil: q's result is not read). It returns the
// first error, unmapped.
func (p *pipeline) send(ctx context.Context, q string, args []any, scan func(pgx.Row) error) error {
	pending := p.pending
	p.pending = nil
	if len(pending) == 0 && q == "" {
		return nil
	}
	b := &pgx.Batch{}
	for _, st := range pending {
		b.Queue(st.q, st.args...)
	}
	if q != "" {
		b.Queue(q, args...)
	}
	return p.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("pipeline: driver connection is %T, not pgx's", dc)
		}
		br := c.Conn().SendBatch(ctx, b)
		var first error
		for _, st := range pending {
			_, err := br.Exec()
			if err == nil || first != nil {
				continue
			}
			first = err
			if st.savepoint {
				p.broken = fmt.Errorf("savepoint: %w", err)
			}
		}
		if q != "" && first == nil {
			if scan != nil {
				first = scan(br.QueryRow())
			} else {
				_, first = br.Exec()
			}
		}
		if err := br.Close(); err != nil && first == nil {
			first = err
		}
		return first
	})
}

// hold and send are the store's timed calls of the pipeline: like exec and
// queryRow they tell observe of the store method that called them.
func (s *SQLStore) hold(q string, args []any) {
	s.observed(time.Now(), nil)
	s.pipe.hold(s.rebind(q), args, false)
}

func (s *SQLStore) send(ctx context.Context, q string, args []any, scan func(pgx.Row) error) error {
	start := time.Now()
	err := s.pipe.send(s.stmtCtx(ctx), s.rebind(q), args, scan)
	s.observed(start, err)
	return mapErr(err)
}

// flush sends what is held, before a statement that runs on its own.
func (s *SQLStore) flush(ctx context.Context) error {
	if s.pipe == nil || len(s.pipe.pending) == 0 {
		return nil
	}
	return s.pipe.send(context.WithoutCancel(ctx), "", nil, nil)
}

// row is what queryRow answers: *sql.Row, or errRow when the statements held
// back before it failed.
type row interface {
	Scan(dest ...any) error
	Err() error
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
func (r errRow) Err() error        { return r.err }
