package ws

import (
	"bufio"
	"bytes"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// batchConn sits under the WebSocket library. The library flushes every
// frame; while a socket's writer drains its queue (batch … flush), those
// flushes land in a pooled buffer and leave in one write system call, so a
// socket that fell behind catches up with one write, not one per event.
// Outside a batch (pings, pongs, close frames) writes go straight through.
type batchConn struct {
	net.Conn
	pool    *sync.Pool
	timeout time.Duration // the least time one write to Conn may take

	rmu     sync.Mutex
	pending []byte // read by the HTTP server past the upgrade request, returned first

	mu       sync.Mutex // serialises writes to Conn, so batched and direct bytes never interleave
	buf      *[]byte    // non-nil during a batch
	through  bool       // closing: writes leave at once, batch or not (see writeThrough)
	deadline time.Time  // the write deadline set on Conn
}

const (
	// maxPooledBatch keeps one burst's large buffer from staying in the pool.
	maxPooledBatch = 64 << 10
	// deadlineSlack is how far past timeout the write deadline is set, so
	// that a busy socket moves it (a runtime timer update) once in that
	// span instead of twice per write.
	deadlineSlack = 15 * time.Second
)

func (b *batchConn) Read(p []byte) (int, error) {
	b.rmu.Lock()
	if len(b.pending) > 0 {
		n := copy(p, b.pending)
		b.pending = b.pending[n:]
		if len(b.pending) == 0 {
			b.pending = nil
		}
		b.rmu.Unlock()
		return n, nil
	}
	b.rmu.Unlock()
	return b.Conn.Read(p)
}

func (b *batchConn) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf == nil {
		return b.writeLocked(p, time.Now())
	}
	*b.buf = append(*b.buf, p...)
	if !b.through {
		return len(p), nil
	}
	// What the batch holds was written before p, so it leaves first.
	_, err := b.writeLocked(*b.buf, time.Now())
	*b.buf = (*b.buf)[:0]
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// writeThrough makes every later write leave at once, also during a batch.
// A close frame is written from another goroutine than the drain: without
// this it could land in a batch whose drain then fails (the library refuses
// frames after a close) and never reach the client.
func (b *batchConn) writeThrough() {
	b.mu.Lock()
	b.through = true
	b.mu.Unlock()
}

// writeLocked writes p to Conn with at least timeout to do it.
func (b *batchConn) writeLocked(p []byte, now time.Time) (int, error) {
	if b.deadline.Sub(now) < b.timeout {
		d := now.Add(b.timeout + deadlineSlack)
		if err := b.Conn.SetWriteDeadline(d); err != nil {
			return 0, err
		}
		b.deadline = d
	}
	return b.Conn.Write(p)
}

// batch starts collecting writes.
func (b *batchConn) batch() {
	b.mu.Lock()
	if b.buf == nil {
		b.buf = b.pool.Get().(*[]byte)
		*b.buf = (*b.buf)[:0]
	}
	b.mu.Unlock()
}

// flush ends the batch and writes what it collected. Writes that other
// goroutines made meanwhile (a pong, a close frame) are in it too, so it is
// written even when the batch's own frames failed.
func (b *batchConn) flush(now time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	buf := b.buf
	if buf == nil {
		return nil
	}
	b.buf = nil
	defer func() {
		if cap(*buf) <= maxPooledBatch {
			b.pool.Put(buf)
		}
	}()
	if len(*buf) == 0 {
		return nil
	}
	_, err := b.writeLocked(*buf, now)
	return err
}

// batchWriter hands the WebSocket library a batchConn when it hijacks the
// request's connection, with small bufio buffers of our own instead of the
// HTTP server's 4 KiB pair: an idle socket then holds a few hundred bytes of
// buffers, and the library's write buffer only fronts the batch.
type batchWriter struct {
	http.ResponseWriter
	pool    *sync.Pool
	timeout time.Duration
	conn    *batchConn
}

// Buffer sizes for a hijacked socket. Client frames are small (actions of at
// most MaxMessageSize); writes are collected by batchConn whatever their size.
const (
	socketReadBuffer  = 512
	socketWriteBuffer = 64
)

func (w *batchWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	if brw == nil {
		_ = c.Close()
		return nil, nil, errors.New("hijack returned no buffers")
	}
	bc := &batchConn{Conn: c, pool: w.pool, timeout: w.timeout}
	if n := brw.Reader.Buffered(); n > 0 {
		ahead, _ := brw.Reader.Peek(n)
		bc.pending = bytes.Clone(ahead)
	}
	w.conn = bc
	return bc, bufio.NewReadWriter(bufio.NewReaderSize(bc, socketReadBuffer), bufio.NewWriterSize(bc, socketWriteBuffer)), nil
}
