// Package syslogtest runs a real syslog server, Debian's rsyslogd, for tests:
// its own instance with its own configuration, listening on 127.0.0.1 on
// random ports for UDP, TCP and TLS (rsyslog-gnutls, with a certificate
// authority made for the test), writing every message it parses as one JSON
// object a line to a file in the test's temporary directory. The system's
// rsyslog (installed by scripts/test-deps.sh, its service kept from
// starting) is never touched. A test that cannot start rsyslogd fails
// rather than skips.
package syslogtest

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/proctest"
)

// Server is one rsyslogd, which Stop and Start take down and bring back on
// the same ports.
type Server struct {
	t                         testing.TB
	Host                      string
	UDPPort, TCPPort, TLSPort int
	// CAFile is the PEM certificate of the authority that signed the TLS
	// input's certificate (for 127.0.0.1 and localhost).
	CAFile string
	dir    string
	conf   string
	out    string
	cmd    *exec.Cmd
	log    *strings.Builder
}

// Message is a message as rsyslog parsed it (RFC 5424 properties).
type Message struct {
	Input          string `json:"input"` // udp, tcp or tls: the input it arrived on
	PRI            string `json:"pri"`
	Facility       string `json:"facility"`
	Severity       string `json:"severity"`
	Version        string `json:"protocol_version"`
	Timestamp      string `json:"timestamp"`
	Hostname       string `json:"hostname"`
	AppName        string `json:"app_name"`
	ProcID         string `json:"procid"`
	MsgID          string `json:"msgid"`
	StructuredData string `json:"structured_data"`
	Msg            string `json:"msg"`
}

// probeApp is the APP-NAME of the messages Start sends to know the server is
// up; Messages leaves them out.
const probeApp = "syslogtest"

// binary finds rsyslogd in /usr/sbin or on PATH.
func binary(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("rsyslogd"); err == nil {
		return p
	}
	const p = "/usr/sbin/rsyslogd"
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("syslogtest: rsyslogd not found; run scripts/test-deps.sh (apt-get install rsyslog rsyslog-gnutls)")
	}
	return p
}

// Start runs rsyslogd until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	dir := t.TempDir()
	s := &Server{t: t, Host: "127.0.0.1", dir: dir, conf: filepath.Join(dir, "rsyslog.conf"), out: filepath.Join(dir, "messages.jsonl"),
		UDPPort: freeUDPPort(t), TCPPort: proctest.FreePort(t), TLSPort: proctest.FreePort(t)}
	ca, cert, key := writeCerts(t, dir)
	s.CAFile = ca
	conf := fmt.Sprintf(`global(workDirectory=%[1]q defaultNetstreamDriverCAFile=%[2]q
       defaultNetstreamDriverCertFile=%[3]q defaultNetstreamDriverKeyFile=%[4]q)
module(load="imudp")
module(load="imtcp" maxSessions="200")
input(type="imudp" address="127.0.0.1" port="%[5]d" ruleset="udp")
input(type="imtcp" address="127.0.0.1" port="%[6]d" ruleset="tcp")
input(type="imtcp" address="127.0.0.1" port="%[7]d" ruleset="tls"
      streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")
template(name="json" type="list" option.jsonf="on") {
  property(outname="input" name="$!input" format="jsonf")
  property(outname="pri" name="pri" format="jsonf")
  property(outname="facility" name="syslogfacility" format="jsonf")
  property(outname="severity" name="syslogseverity" format="jsonf")
  property(outname="protocol_version" name="protocol-version" format="jsonf")
  property(outname="timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")
  property(outname="hostname" name="hostname" format="jsonf")
  property(outname="app_name" name="app-name" format="jsonf")
  property(outname="procid" name="procid" format="jsonf")
  property(outname="msgid" name="msgid" format="jsonf")
  property(outname="structured_data" name="structured-data" format="jsonf")
  property(outname="msg" name="msg" format="jsonf")
}
ruleset(name="udp") { set $!input = "udp"; action(type="omfile" file=%[8]q template="json") }
ruleset(name="tcp") { set $!input = "tcp"; action(type="omfile" file=%[8]q template="json") }
ruleset(name="tls") { set $!input = "tls"; action(type="omfile" file=%[8]q template="json") }
`, dir, ca, cert, key, s.UDPPort, s.TCPPort, s.TLSPort, s.out)
	if err := os.WriteFile(s.conf, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	s.Start()
	return s
}

// Start brings a stopped server back on its ports, and returns once it
// has written a message received over UDP.
func (s *Server) Start() {
	s.t.Helper()
	// -n keeps rsyslogd in the foreground, so it ends with the test; -i keeps
	// it off the system's pid file.
	s.cmd = exec.Command(binary(s.t), "-n", "-f", s.conf, "-i", filepath.Join(s.dir, "rsyslogd.pid"))
	s.log = proctest.Run(s.t, "rsyslogd", s.cmd)
	deadline := time.Now().Add(10 * time.Second)
	for n := 0; ; n++ {
		if c, err := net.Dial("tcp", net.JoinHostPort(s.Host, strconv.Itoa(s.TCPPort))); err == nil {
			c.Close()
			id := fmt.Sprintf("probe-%d-%d", os.Getpid(), n)
			if u, err := net.Dial("udp", net.JoinHostPort(s.Host, strconv.Itoa(s.UDPPort))); err == nil {
				fmt.Fprintf(u, "<14>1 2026-01-01T00:00:00Z localhost %s - %s - ready", probeApp, id)
				u.Close()
			}
			wait := time.Now().Add(200 * time.Millisecond)
			for time.Now().Before(wait) {
				for _, m := range s.all() {
					if m.MsgID == id {
						return
					}
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("syslogtest: rsyslogd did not answer on 127.0.0.1:%d/%d/%d\n%s", s.UDPPort, s.TCPPort, s.TLSPort, s.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop kills the server, as a crash would.
func (s *Server) Stop() {
	s.t.Helper()
	if err := s.cmd.Process.Kill(); err != nil {
		s.t.Fatalf("syslogtest: stop rsyslogd: %v", err)
	}
	_ = s.cmd.Wait()
}

// Messages returns what the server has written so far, in order of arrival.
func (s *Server) Messages() []Message {
	var out []Message
	for _, m := range s.all() {
		if m.AppName != probeApp {
			out = append(out, m)
		}
	}
	return out
}

func (s *Server) all() []Message {
	f, err := os.Open(s.out)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		s.t.Fatal(err)
	}
	defer f.Close()
	var out []Message
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		var m Message
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			continue // a line still being written
		}
		out = append(out, m)
	}
	return out
}

// Wait returns the messages once one of them satisfies match, failing t
// after timeout.
func (s *Server) Wait(t testing.TB, timeout time.Duration, match func(Message) bool) []Message {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ms := s.Messages()
		for _, m := range ms {
			if match(m) {
				return ms
			}
		}
		if time.Now().After(deadline) {
			js, _ := json.MarshalIndent(ms, "", "  ")
			t.Fatalf("syslogtest: no matching message within %s; received:\n%s\nrsyslogd:\n%s", timeout, js, s.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freeUDPPort returns a UDP port of 127.0.0.1 that was free a moment ago.
func freeUDPPort(t testing.TB) int {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// writeCerts makes a certificate authority and a server certificate it
// signs, for 127.0.0.1 and localhost, and writes them as PEM files.
func writeCerts(t testing.TB, dir string) (caFile, certFile, keyFile string) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "syslogtest CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	caFile, certFile, keyFile = filepath.Join(dir, "ca.pem"), filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	for _, f := range []struct {
		path, typ string
		der       []byte
	}{{caFile, "CERTIFICATE", caDER}, {certFile, "CERTIFICATE", der}, {keyFile, "PRIVATE KEY", keyDER}} {
		if err := os.WriteFile(f.path, pem.EncodeToMemory(&pem.Block{Type: f.typ, Bytes: f.der}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return caFile, certFile, keyFile
}
