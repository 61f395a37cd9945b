package app

import (
	"context"
	"encoding/json"
	"net"
	"strconv"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/syslog"
)

// auditSyslogDrain is how long closing waits for queued entries to reach
// the syslog server: at shutdown, and when the command line exits.
const auditSyslogDrain = 3 * time.Second

// AuditSyslogMetrics counts audit entries forwarded to syslog; outcome is
// "sent" or "dropped". *metrics.Metrics implements it.
type AuditSyslogMetrics interface {
	AuditSyslog(outcome string)
}

// auditSyslog forwards new audit entries to the syslog server of the
// settings in force. The forwarder is made at the first entry and made
// again when the settings change, so a change through the API applies at
// once.
type auditSyslog struct {
	mu   sync.Mutex
	fwd  *syslog.Forwarder
	opts syslog.Options // what fwd was made with, or failed to be made with
	// broken: opts cannot work (an unreadable certificate); entries are
	// dropped until the settings change.
	broken  bool
	metrics AuditSyslogMetrics
}

// SetAuditSyslogMetrics makes the app count forwarded audit entries to m.
func (a *App) SetAuditSyslogMetrics(m AuditSyslogMetrics) {
	a.syslog.mu.Lock()
	defer a.syslog.mu.Unlock()
	a.syslog.metrics = m
}

// syslogCounter reports the forwarder's counts to the metrics set then.
type syslogCounter struct{ s *auditSyslog }

func (c syslogCounter) Sent()    { c.s.count("sent") }
func (c syslogCounter) Dropped() { c.s.count("dropped") }

func (s *auditSyslog) count(outcome string) {
	s.mu.Lock()
	m := s.metrics
	s.mu.Unlock()
	if m != nil {
		m.AuditSyslog(outcome)
	}
}

func syslogOptions(c *config.Config) syslog.Options {
	host, tag := c.AuditSyslogHost, c.AuditSyslogTag
	if host == "" {
		host = "localhost"
	}
	if tag == "" {
		tag = "parley"
	}
	return syslog.Options{Network: c.AuditSyslogProtocol, Addr: net.JoinHostPort(host, strconv.Itoa(c.AuditSyslogPort)),
		CA: c.AuditSyslogCert, Insecure: c.AuditSyslogInsecure, QueueSize: c.AuditSyslogMaxQueueSize,
		AppName: tag, Hostname: c.Node()}
}

// forwardAudit sends e to syslog when forwarding is on; it never waits for
// the server.
func (a *App) forwardAudit(e *model.Audit) {
	c := a.Config()
	s := &a.syslog
	s.mu.Lock()
	if !c.AuditSyslogEnable {
		s.replace(nil, syslog.Options{})
		s.mu.Unlock()
		return
	}
	if o := syslogOptions(c); s.opts != o || (s.fwd == nil && !s.broken) {
		f, err := syslog.New(o, a.log, syslogCounter{s})
		s.replace(f, o)
		s.broken = err != nil
		if err != nil {
			a.log.Error("audit log entries are not forwarded to syslog: fix the audit_syslog_* settings", "err", err)
		}
	}
	f := s.fwd
	s.mu.Unlock()
	if f == nil {
		s.count("dropped")
		return
	}
	f.Send(syslog.Message{Time: time.UnixMilli(e.CreateAt), Facility: syslog.FacilityAuthPriv,
		Severity: auditSeverity(e), MsgID: e.Action, Text: asciiJSON(e)})
}

// replace puts f in place of the forwarder, which delivers what it holds in
// the background. The caller holds s.mu.
func (s *auditSyslog) replace(f *syslog.Forwarder, o syslog.Options) {
	if old := s.fwd; old != nil {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), auditSyslogDrain)
			defer cancel()
			old.Close(ctx)
		}()
	}
	s.fwd, s.opts, s.broken = f, o, false
}

// closeAuditSyslog delivers the queued entries, waiting at most
// auditSyslogDrain.
func (a *App) closeAuditSyslog() {
	a.syslog.mu.Lock()
	f := a.syslog.fwd
	a.syslog.fwd, a.syslog.opts = nil, syslog.Options{}
	a.syslog.mu.Unlock()
	if f != nil {
		ctx, cancel := context.WithTimeout(context.Background(), auditSyslogDrain)
		defer cancel()
		f.Close(ctx)
	}
}

// auditSeverity: a failed attempt (a wrong password, above all) is worth a
// warning; the rest is information.
func auditSeverity(e *model.Audit) int {
	if e.Success {
		return syslog.SeverityInfo
	}
	return syslog.SeverityWarning
}

// asciiJSON is e as one JSON object (the fields of the JSON-lines export)
// with every non-ASCII character escaped, so the syslog message is plain
// ASCII and needs no byte-order mark (RFC 5424 section 6.4).
func asciiJSON(e *model.Audit) string {
	js, _ := json.Marshal(e) // a struct of strings, numbers and a bool cannot fail
	out := make([]byte, 0, len(js))
	for len(js) > 0 {
		r, n := utf8.DecodeRune(js)
		js = js[n:]
		if r < utf8.RuneSelf {
			out = append(out, byte(r))
			continue
		}
		if r > 0xFFFF {
			r1, r2 := utf16.EncodeRune(r)
			out = appendU(appendU(out, r1), r2)
			continue
		}
		out = appendU(out, r)
	}
	return string(out)
}

func appendU(b []byte, r rune) []byte {
	const hex = "0123456789abcdef"
	return append(b, '\\', 'u', hex[r>>12&0xF], hex[r>>8&0xF], hex[r>>4&0xF], hex[r&0xF])
}
