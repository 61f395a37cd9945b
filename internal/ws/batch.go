package ws

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
)

// batchConn sits under the WebSocket library. Data frames do not go through
// the library: an event's JSON is encoded once for all its receivers
// (encoded), and the socket's hub writer (or its drain) writes the frames of
// its queue, framed here, into one buffer that leaves in one write system
// call (tryWriteFrames, writeFrames). Server
// frames are unmasked, so the only per-socket bytes are the header and the
// seq digits. The library writes only control frames (ping, pong, close);
// with a write buffer larger than any control frame (socketWriteBuffer) each
// of those arrives as one Write, so frames of the two never interleave.
type batchConn struct {
	net.Conn
	pool    *sync.Pool
	timeout time.Duration // the least time one write to Conn may take

	rmu     sync.Mutex
	pending []byte // read by the HTTP server past the upgrade request, returned first

	// raw writes to Conn's descriptor without waiting (tryWriteFrames);
	// nil when Conn has none (a TLS connection), and every write may wait.
	raw syscall.RawConn

	mu       sync.Mutex // serialises writes to Conn, so that frames never interleave
	closed   bool       // a close frame went out: no data frame may follow it
	deadline time.Time  // the write deadline set on Conn
	// rest is what a write that would have waited left unwritten; it goes
	// out, waiting, before anything else (finish).
	rest []byte
}

// errWouldBlock tells that the socket's kernel buffer is full: what was not
// written is kept in rest, for a write that may wait. errBusy tells that
// another write to the socket (a control frame or a reply, which wait) is
// under way: nothing was written or kept.
var (
	errWouldBlock = errors.New("socket write would block")
	errBusy       = errors.New("socket write under way")
)

const (
	// maxPooledBatch keeps one burst's large buffer from staying in the pool.
	maxPooledBatch = 64 << 10
	// deadlineSlack is how far past timeout the write deadline is set, so
	// that a busy socket moves it (a runtime timer update) once in that
	// span instead of twice per write.
	deadlineSlack = 15 * time.Second
	// finClose is the first byte of a final close frame (RFC 6455 §5.2).
	finClose = 0x88
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

// Write is the library's: one whole control frame per call (see batchConn).
func (b *batchConn) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(p) > 0 && p[0] == finClose {
		b.closed = true
	}
	if err := b.finishLocked(); err != nil {
		return 0, err
	}
	return b.writeLocked(p, time.Now())
}

// writeFrames writes the text frames that appendFrames appends to a buffer,
// in one system call, waiting for the socket if need be. It fails with
// net.ErrClosed once a close frame went out.
func (b *batchConn) writeFrames(appendFrames func([]byte) []byte) error {
	return b.frames(appendFrames, false)
}

// tryWriteFrames is writeFrames without waiting: when the socket's kernel
// buffer fills it keeps the rest and returns errWouldBlock, and when another
// write holds the socket it returns errBusy, so that one slow client does
// not hold up a hub writer that serves many sockets.
func (b *batchConn) tryWriteFrames(appendFrames func([]byte) []byte) error {
	return b.frames(appendFrames, true)
}

func (b *batchConn) frames(appendFrames func([]byte) []byte, noWait bool) error {
	bp := b.pool.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= maxPooledBatch {
			*bp = (*bp)[:0]
			b.pool.Put(bp)
		}
	}()
	*bp = appendFrames((*bp)[:0])
	if noWait {
		if !b.mu.TryLock() {
			return errBusy
		}
	} else {
		b.mu.Lock()
	}
	defer b.mu.Unlock()
	if b.closed {
		return net.ErrClosed
	}
	if noWait {
		return b.tryWriteLocked(*bp)
	}
	if err := b.finishLocked(); err != nil {
		return err
	}
	_, err := b.writeLocked(*bp, time.Now())
	return err
}

// tryWriteLocked writes p with as many system calls as the kernel takes
// without waiting (one, unless it is interrupted or the buffer fills).
func (b *batchConn) tryWriteLocked(p []byte) error {
	if len(b.rest) > 0 || b.raw == nil {
		b.rest = append(b.rest, p...)
		return errWouldBlock
	}
	if err := b.moveDeadline(time.Now()); err != nil {
		return err
	}
	n, err := writeNoWait(b.raw, p)
	if err != nil {
		return fmt.Errorf("write websocket frames: %w", err)
	}
	if n < len(p) {
		b.rest = append(b.rest[:0], p[n:]...)
		return errWouldBlock
	}
	return nil
}

// finish writes what a write without waiting left, waiting for the socket.
func (b *batchConn) finish() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.finishLocked()
}

func (b *batchConn) finishLocked() error {
	if len(b.rest) == 0 {
		return nil
	}
	_, err := b.writeLocked(b.rest, time.Now())
	b.rest = nil
	return err
}

// writeLocked writes p to Conn with at least timeout to do it.
func (b *batchConn) writeLocked(p []byte, now time.Time) (int, error) {
	if err := b.moveDeadline(now); err != nil {
		return 0, err
	}
	return b.Conn.Write(p)
}

// moveDeadline keeps the write deadline at least timeout ahead of now.
func (b *batchConn) moveDeadline(now time.Time) error {
	if b.deadline.Sub(now) >= b.timeout {
		return nil
	}
	d := now.Add(b.timeout + deadlineSlack)
	if err := b.Conn.SetWriteDeadline(d); err != nil {
		return fmt.Errorf("set websocket write deadline: %w", err)
	}
	b.deadline = d
	return nil
}

// appendTextHeader appends the header of an unmasked, final text frame of n
// payload bytes (RFC 6455 §5.2), as the library writes it for a server.
func appendTextHeader(buf []byte, n int) []byte {
	switch {
	case n <= 125:
		return append(buf, 0x81, byte(n))
	case n <= 0xffff:
		return append(buf, 0x81, 126, byte(n>>8), byte(n))
	default:
		return binary.BigEndian.AppendUint64(append(buf, 0x81, 127), uint64(n))
	}
}

// batchWriter hands the WebSocket library a batchConn when it hijacks the
// request's connection, with small bufio buffers of our own instead of the
// HTTP server's 4 KiB pair: an idle socket then holds a few hundred bytes of
// buffers.
type batchWriter struct {
	http.ResponseWriter
	pool    *sync.Pool
	timeout time.Duration
	conn    *batchConn
}

// Buffer sizes for a hijacked socket. Client frames are small (actions of at
// most MaxMessageSize). The library writes only control frames, of at most
// 2 + 125 bytes from a server: its buffer holds a whole one, which it then
// writes to batchConn in one call.
const (
	socketReadBuffer  = 512
	socketWriteBuffer = 128
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
	if sc, ok := c.(syscall.Conn); ok {
		if raw, err := sc.SyscallConn(); err == nil {
			bc.raw = raw
		}
	}
	if n := brw.Reader.Buffered(); n > 0 {
		ahead, _ := brw.Reader.Peek(n)
		bc.pending = bytes.Clone(ahead)
	}
	w.conn = bc
	return bc, bufio.NewReadWriter(bufio.NewReaderSize(bc, socketReadBuffer), bufio.NewWriterSize(bc, socketWriteBuffer)), nil
}
