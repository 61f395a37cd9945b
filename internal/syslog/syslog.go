// Package syslog forwards messages to a syslog server in the format of
// RFC 5424: over UDP, one message a datagram (RFC 5426); over TCP (RFC 6587)
// or TLS (RFC 5425), each message preceded by its length in octets, the
// framing that survives newlines in a message. The standard library's
// log/syslog writes the older BSD format and has no TLS.
//
// A Forwarder never blocks its caller: messages wait in a bounded queue for
// one sending goroutine, which reconnects with backoff after a failure and
// holds the message it could not send until it can. While the server is
// away the queue fills; what does not fit is dropped and counted. An outage
// is logged once when it starts and once when it ends, not per message.
package syslog

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Transports.
const (
	UDP = "udp"
	TCP = "tcp"
	TLS = "tls"
)

// Facilities and severities of RFC 5424 section 6.2.1 that callers use.
const (
	FacilityAuthPriv = 10

	SeverityWarning = 4
	SeverityInfo    = 6
)

// MaxMessage is the longest frame sent, in octets; longer messages are cut.
// It keeps a UDP datagram under the IPv4 limit, so one oversized message
// cannot fail again on every reconnection.
const MaxMessage = 64000

// Options say where and how to send. They are comparable, so a caller can
// tell whether its settings changed.
type Options struct {
	Network string // UDP, TCP or TLS
	Addr    string // host:port
	// CA is the PEM file of the authorities that sign the server's TLS
	// certificate, or that PEM base64-encoded (as Mattermost's SysLogCert
	// may be); empty trusts the system's authorities.
	CA string
	// Insecure accepts any server certificate.
	Insecure bool
	// QueueSize is how many messages may wait for the server.
	QueueSize int
	// AppName and Hostname go into every message's header.
	AppName, Hostname string
	// MinBackoff and MaxBackoff bound the wait between connection attempts;
	// zero means 100ms and 30s.
	MinBackoff, MaxBackoff time.Duration
}

// Message is one syslog message.
type Message struct {
	Time     time.Time
	Facility int
	Severity int
	MsgID    string
	Text     string
}

// Counter hears of every message sent and every message dropped.
type Counter interface {
	Sent()
	Dropped()
}

// Forwarder sends messages to one server in the background.
type Forwarder struct {
	o     Options
	log   *slog.Logger
	count Counter
	tls   *tls.Config
	pid   string

	mu     sync.RWMutex // held for writing only to close the queue
	closed bool
	queue  chan Message

	ctx    context.Context // ends the sending goroutine's waits
	cancel context.CancelFunc
	done   chan struct{}
	// dropped counts the drops of the current outage, for its end's message.
	dropped atomic.Int64
}

// New checks o and starts the sending goroutine; it connects when the first
// message is sent.
func New(o Options, log *slog.Logger, count Counter) (*Forwarder, error) {
	switch o.Network {
	case UDP, TCP, TLS:
	default:
		return nil, fmt.Errorf("syslog: transport %q is not udp, tcp or tls", o.Network)
	}
	if _, _, err := net.SplitHostPort(o.Addr); err != nil {
		return nil, fmt.Errorf("syslog: address %q: %w", o.Addr, err)
	}
	if o.QueueSize < 1 {
		return nil, fmt.Errorf("syslog: queue size %d is less than 1", o.QueueSize)
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = 100 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 30 * time.Second
	}
	f := &Forwarder{o: o, log: log, count: count, pid: strconv.Itoa(os.Getpid()),
		queue: make(chan Message, o.QueueSize), done: make(chan struct{})}
	if o.Network == TLS {
		host, _, _ := net.SplitHostPort(o.Addr)
		f.tls = &tls.Config{ServerName: host, InsecureSkipVerify: o.Insecure, MinVersion: tls.VersionTLS12}
		if o.CA != "" {
			pool, err := certPool(o.CA)
			if err != nil {
				return nil, err
			}
			f.tls.RootCAs = pool
		}
	}
	f.ctx, f.cancel = context.WithCancel(context.Background())
	go f.run()
	return f, nil
}

// certPool reads ca as a PEM file, else as base64-encoded PEM.
func certPool(ca string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(ca)
	if err != nil {
		decoded, derr := base64.StdEncoding.DecodeString(ca)
		if derr != nil {
			return nil, fmt.Errorf("syslog: certificate %q: %w", ca, err)
		}
		pem = decoded
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("syslog: certificate %q holds no PEM certificate", ca)
	}
	return pool, nil
}

// Send queues m and returns at once; with the queue full, or the forwarder
// closed, m is dropped and counted, and Send reports false.
func (f *Forwarder) Send(m Message) bool {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if !f.closed {
		select {
		case f.queue <- m:
			return true
		default:
		}
	}
	f.drop(1)
	return false
}

func (f *Forwarder) drop(n int) {
	f.dropped.Add(int64(n))
	if f.count != nil {
		for range n {
			f.count.Dropped()
		}
	}
}

// Close stops taking messages and sends what is queued until ctx ends; what
// is still queued then is dropped and counted.
func (f *Forwarder) Close(ctx context.Context) {
	f.mu.Lock()
	if !f.closed {
		f.closed = true
		close(f.queue)
	}
	f.mu.Unlock()
	select {
	case <-f.done:
	case <-ctx.Done():
		f.cancel()
		<-f.done
	}
	f.cancel()
}

// conn is one connection; dead is closed when the server closed its end
// (a stream server never sends anything, so any read result means that).
type conn struct {
	net.Conn
	dead chan struct{}
	// unwatch stops closing the connection when the forwarder's context ends
	// (which cuts short a write to a server that stopped reading).
	unwatch func() bool
}

func (c *conn) close() {
	c.unwatch()
	_ = c.Conn.Close()
}

func (f *Forwarder) run() {
	defer close(f.done)
	var c *conn
	defer func() {
		if c != nil {
			c.close()
		}
	}()
	down := false
	backoff := f.o.MinBackoff
	for m := range f.queue {
		frame := f.frame(m)
		for {
			if f.ctx.Err() != nil {
				f.drop(1 + len(f.queue))
				for range f.queue {
				}
				return
			}
			var err error
			if c != nil {
				select {
				case <-c.dead: // closed by the server: a new connection may work at once
					c.close()
					c = nil
				default:
				}
			}
			if c == nil {
				c, err = f.dial()
			}
			if err == nil {
				if err = c.SetWriteDeadline(time.Now().Add(10 * time.Second)); err == nil {
					_, err = c.Write(frame)
				}
				if err != nil {
					c.close()
					c = nil
				}
			}
			if err == nil {
				if down {
					f.log.Info("audit syslog: server reachable again", "addr", f.o.Addr, "dropped", f.dropped.Load())
					down = false
				}
				f.dropped.Store(0)
				backoff = f.o.MinBackoff
				if f.count != nil {
					f.count.Sent()
				}
				break
			}
			if !down {
				f.log.Warn("audit syslog: server unreachable; records wait in the queue, then are dropped, until it is back",
					"addr", f.o.Addr, "transport", f.o.Network, "err", err)
				down = true
			}
			select {
			case <-time.After(backoff):
			case <-f.ctx.Done():
			}
			backoff = min(2*backoff, f.o.MaxBackoff)
		}
	}
}

func (f *Forwarder) dial() (*conn, error) {
	ctx, cancel := context.WithTimeout(f.ctx, 10*time.Second)
	defer cancel()
	var nc net.Conn
	var err error
	switch f.o.Network {
	case TLS:
		nc, err = (&tls.Dialer{Config: f.tls}).DialContext(ctx, "tcp", f.o.Addr)
	default:
		nc, err = (&net.Dialer{}).DialContext(ctx, f.o.Network, f.o.Addr)
	}
	if err != nil {
		return nil, err
	}
	c := &conn{Conn: nc, dead: make(chan struct{}), unwatch: context.AfterFunc(f.ctx, func() { _ = nc.Close() })}
	if f.o.Network == UDP {
		return c, nil // no end to watch: a datagram socket stays "up"
	}
	go func() {
		_, _ = io.Copy(io.Discard, nc)
		close(c.dead)
	}()
	return c, nil
}

// frame is m as sent: the RFC 5424 line, preceded on a stream by its length.
func (f *Forwarder) frame(m Message) []byte {
	line := Format(m, f.o.Hostname, f.o.AppName, f.pid)
	if f.o.Network == UDP {
		return line
	}
	return append([]byte(strconv.Itoa(len(line))+" "), line...)
}

// Format renders m as an RFC 5424 message without structured data:
// <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG. Header fields are
// cut to their limits and spaces or controls in them replaced by '_'; an
// empty one is "-". The whole is cut at MaxMessage octets.
func Format(m Message, hostname, appName, procID string) []byte {
	b := make([]byte, 0, 128+len(m.Text))
	b = append(b, '<')
	b = strconv.AppendInt(b, int64(m.Facility*8+m.Severity), 10)
	b = append(b, ">1 "...)
	b = m.Time.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
	for _, h := range []struct {
		v     string
		limit int
	}{{hostname, 255}, {appName, 48}, {procID, 128}, {m.MsgID, 32}} {
		b = append(b, ' ')
		b = appendHeader(b, h.v, h.limit)
	}
	b = append(b, " - "...)
	b = append(b, m.Text...)
	if len(b) > MaxMessage {
		b = b[:MaxMessage]
	}
	return b
}

// appendHeader appends v as PRINTUSASCII, at most max octets, "-" for empty.
func appendHeader(b []byte, v string, limit int) []byte {
	if v == "" {
		return append(b, '-')
	}
	for i := 0; i < len(v) && i < limit; i++ {
		c := v[i]
		if c < 33 || c > 126 {
			c = '_'
		}
		b = append(b, c)
	}
	return b
}
