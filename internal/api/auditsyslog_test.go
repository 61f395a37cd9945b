package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/syslogtest"
)

func syslogTo(srv *syslogtest.Server, protocol string, port, queue int) func(*config.Config) {
	return func(c *config.Config) {
		c.AuditSyslogEnable, c.AuditSyslogProtocol = true, protocol
		c.AuditSyslogHost, c.AuditSyslogPort, c.AuditSyslogCert = srv.Host, port, srv.CAFile
		c.AuditSyslogMaxQueueSize = queue
		c.NodeName = "chat1"
	}
}

// auditAt waits for the syslog message of the entry with action about
// target, and returns it with the entry it carries.
func auditAt(t *testing.T, srv *syslogtest.Server, action, target string) (syslogtest.Message, model.Audit) {
	t.Helper()
	var found syslogtest.Message
	var entry model.Audit
	srv.Wait(t, 10*time.Second, func(m syslogtest.Message) bool {
		var e model.Audit
		if m.MsgID != action || json.Unmarshal([]byte(m.Msg), &e) != nil || e.TargetID != target {
			return false
		}
		found, entry = m, e
		return true
	})
	return found, entry
}

// An admin's action through the API reaches the syslog server, over TCP
// and TLS, as an RFC 5424 message whose text is the entry as the JSON-lines
// export writes it.
func TestAuditForwardedToSyslog(t *testing.T) {
	srv := syslogtest.Start(t)
	for _, tc := range []struct {
		protocol string
		port     int
	}{{"tcp", srv.TCPPort}, {"tls", srv.TLSPort}} {
		t.Run(tc.protocol, func(t *testing.T) {
			apitest.Each(t, func(t *testing.T, s *apitest.Server) {
				admin := s.SignUp("admin")
				bob := s.SignUp("bob")
				admin.Delete("/users/" + bob.UserID).Expect(http.StatusOK)
				m, e := auditAt(t, srv, model.AuditUserDeactivate, bob.UserID)
				if m.Input != tc.protocol || m.Facility != "10" || m.Severity != "6" || m.AppName != "parley" ||
					m.Hostname != "chat1" || m.Version != "1" || m.StructuredData != "-" {
					t.Errorf("header: %+v", m)
				}
				if e.ID == "" || e.ActorID != admin.UserID || e.TargetType != "user" || e.IPAddress != "127.0.0.1" ||
					e.SessionID == "" || !e.Success {
					t.Errorf("entry: %+v", e)
				}
				if ts, err := time.Parse(time.RFC3339Nano, m.Timestamp); err != nil || ts.UnixMilli() != e.CreateAt {
					t.Errorf("timestamp %s, create_at %d", m.Timestamp, e.CreateAt)
				}
				// The same entry as the API lists it.
				var listed []model.Audit
				admin.Get("/audits?user_id=" + bob.UserID).Expect(http.StatusOK).JSON(&listed)
				if len(listed) == 0 || listed[0] != e {
					t.Errorf("listed %+v, forwarded %+v", listed, e)
				}
				// A failed login is a warning; the login name tried, here not
				// ASCII, arrives escaped in plain-ASCII JSON.
				s.Anon().Post("/users/login", map[string]string{"login_id": "bob", "password": "wrong-naïve"}).
					Expect(http.StatusUnauthorized)
				s.Anon().Post("/users/login", map[string]string{"login_id": "zoë", "password": "x"}).Expect(http.StatusUnauthorized)
				srv.Wait(t, 10*time.Second, func(m syslogtest.Message) bool {
					if m.MsgID != model.AuditLoginFailed || !strings.Contains(m.Msg, `zo\u00eb`) {
						return false
					}
					if m.Severity != "4" {
						t.Errorf("failed login severity %s", m.Severity)
					}
					return true
				})
			}, syslogTo(srv, tc.protocol, tc.port, 1000))
		})
	}
}

// Forwarding turned on through PUT /config/patch with Mattermost's names
// (ExperimentalAuditSettings.SysLog*, TLS as in Mattermost) applies at once:
// the configuration change itself is the first entry forwarded.
func TestAuditSyslogWithMattermostSettings(t *testing.T) {
	srv := syslogtest.Start(t)
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		admin.Put("/config/patch", map[string]any{"ExperimentalAuditSettings": map[string]any{
			"SysLogEnabled": true, "SysLogIP": "127.0.0.1", "SysLogPort": srv.TLSPort, "SysLogCert": srv.CAFile,
			"SysLogTag": "chat-audit", "SysLogMaxQueueSize": 50,
		}}).Expect(http.StatusOK)
		var m syslogtest.Message
		srv.Wait(t, 10*time.Second, func(got syslogtest.Message) bool {
			m = got
			return got.MsgID == model.AuditConfigChange && got.AppName == "chat-audit" && strings.Contains(got.Msg, admin.UserID)
		})
		if m.Input != "tls" {
			t.Errorf("arrived over %s", m.Input)
		}
		var cfg map[string]map[string]any
		admin.Get("/config").Expect(http.StatusOK).JSON(&cfg)
		if a := cfg["ExperimentalAuditSettings"]; a["SysLogEnabled"] != true || a["SysLogPort"] != float64(srv.TLSPort) ||
			a["SysLogMaxQueueSize"] != float64(50) {
			t.Errorf("config answers %v", a)
		}
		// A setting that cannot work is refused, and nothing changes.
		admin.Put("/config/patch", map[string]any{"ExperimentalAuditSettings": map[string]any{"SysLogPort": 70000}}).
			ExpectError(http.StatusBadRequest, "model.config.is_valid.sys_log_port.app_error")
		admin.Get("/config").Expect(http.StatusOK).JSON(&cfg)
		if cfg["ExperimentalAuditSettings"]["SysLogPort"] != float64(srv.TLSPort) {
			t.Errorf("port after a refused change: %v", cfg["ExperimentalAuditSettings"]["SysLogPort"])
		}
	})
}

var syslogMetric = regexp.MustCompile(`(?m)^parley_audit_syslog_records_total\{outcome="(sent|dropped)"\} (\d+)$`)

func syslogCounts(t *testing.T, s *apitest.Server) (sent, dropped int) {
	t.Helper()
	rec := httptest.NewRecorder()
	s.Srv.Metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, m := range syslogMetric.FindAllStringSubmatch(rec.Body.String(), -1) {
		n, _ := strconv.Atoi(m[2])
		if m[1] == "sent" {
			sent = n
		} else {
			dropped = n
		}
	}
	return sent, dropped
}

// With the syslog server down, admin actions still succeed at once; what
// does not fit in the queue is dropped and counted in the metric, and once
// the server is back, later entries arrive.
func TestAuditSyslogServerDown(t *testing.T) {
	srv := syslogtest.Start(t)
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		first := s.SignUp("first")
		admin.Delete("/users/" + first.UserID).Expect(http.StatusOK)
		auditAt(t, srv, model.AuditUserDeactivate, first.UserID)
		srv.Stop()
		// The server hears of the closed connection before its next entry.
		time.Sleep(200 * time.Millisecond)
		var ids []string
		for i := range 8 {
			u := s.SignUp("down" + strconv.Itoa(i))
			began := time.Now()
			admin.Delete("/users/" + u.UserID).Expect(http.StatusOK)
			if took := time.Since(began); took > 2*time.Second {
				t.Errorf("deactivation took %s with syslog down", took)
			}
			ids = append(ids, u.UserID)
		}
		// Queue of 2 and one entry held: of the 8 deactivations (and the
		// sign-ups' entries), at least 5 are dropped.
		if _, dropped := syslogCounts(t, s); dropped < 5 {
			t.Errorf("dropped %d", dropped)
		}
		srv.Start()
		// Entries after the outage arrive once the held ones have gone.
		last := s.SignUp("last")
		deadline := time.Now().Add(15 * time.Second)
		for arrived := false; !arrived; {
			admin.Delete("/users/" + last.UserID).Expect(http.StatusOK)
			time.Sleep(200 * time.Millisecond)
			for _, m := range srv.Messages() {
				arrived = arrived || (m.MsgID == model.AuditUserDeactivate && strings.Contains(m.Msg, last.UserID))
			}
			if !arrived && time.Now().After(deadline) {
				t.Fatalf("no entry about %s after the server came back", last.UserID)
			}
			admin.Put("/users/"+last.UserID+"/active", map[string]bool{"active": true}).Expect(http.StatusOK)
		}
		sent, dropped := syslogCounts(t, s)
		if sent < 2 || dropped < 5 {
			t.Errorf("sent %d dropped %d", sent, dropped)
		}
		// The database has every entry, forwarded or not.
		for _, id := range ids {
			var listed []model.Audit
			admin.Get("/audits?action=" + model.AuditUserDeactivate + "&user_id=" + id).Expect(http.StatusOK).JSON(&listed)
			if len(listed) != 1 {
				t.Errorf("%s: %d entries", id, len(listed))
			}
		}
	}, syslogTo(srv, "tcp", srv.TCPPort, 2))
}
