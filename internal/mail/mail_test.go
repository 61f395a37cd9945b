package mail_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/mail"
	"github.com/parley-chat/parley/internal/mailtest"
)

// selfSigned writes a certificate for 127.0.0.1 and its key, as mailpit flags.
func selfSigned(t *testing.T) []string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cert, keyPath := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{"--smtp-tls-cert", cert, "--smtp-tls-key", keyPath}
}

func TestSend(t *testing.T) {
	tlsFlags := selfSigned(t)
	for _, tc := range []struct {
		name     string
		flags    []string
		security string
		auth     bool
	}{
		{"plain", nil, mail.SecurityNone, false},
		{"plain with login", []string{"--smtp-auth-accept-any", "--smtp-auth-allow-insecure"}, mail.SecurityNone, true},
		{"STARTTLS", append([]string{"--smtp-require-starttls", "--smtp-auth-accept-any"}, tlsFlags...), mail.SecurityStartTLS, true},
		{"TLS", append([]string{"--smtp-require-tls"}, tlsFlags...), mail.SecurityTLS, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := mailtest.Start(t, tc.flags...)
			s := mail.Settings{Host: srv.Host, Port: srv.SMTPPort, Security: tc.security, SkipVerify: true,
				Auth: tc.auth, Username: "parley", Password: "secret",
				FromName: "Parley Ops", FromAddress: "ops@example.com", ReplyTo: "help@example.com"}
			m := mail.Message{To: "ann@example.com", Subject: "Grüße from Parley",
				Text: "Hello Ann,\nline two", HTML: "<p>Hello <b>Ann</b></p>"}
			if err := mail.Send(context.Background(), s, m); err != nil {
				t.Fatal(err)
			}
			got := srv.WaitFor(t, "ann@example.com", 1)[0]
			if got.From != "ops@example.com" || got.Subject != m.Subject || len(got.ReplyTo) != 1 || got.ReplyTo[0] != "help@example.com" {
				t.Errorf("headers: %+v", got)
			}
			if !strings.Contains(got.Text, "line two") || !strings.Contains(got.HTML, "<b>Ann</b>") {
				t.Errorf("body: text %q html %q", got.Text, got.HTML)
			}
		})
	}
}

func TestSendRefused(t *testing.T) {
	srv := mailtest.Start(t)
	good := mail.Settings{Host: srv.Host, Port: srv.SMTPPort, FromAddress: "ops@example.com"}
	if err := mail.Send(context.Background(), good, mail.Message{To: "not an address", Subject: "x", Text: "x"}); !errors.Is(err, mail.ErrInvalid) {
		t.Errorf("bad recipient: %v, want ErrInvalid", err)
	}
	if err := mail.Send(context.Background(), good, mail.Message{To: "a@example.com", Subject: "x\r\nBcc: b@example.com", Text: "x"}); !errors.Is(err, mail.ErrInvalid) {
		t.Errorf("header injection: %v, want ErrInvalid", err)
	}
	// A certificate that does not verify is refused unless told to skip.
	tlsSrv := mailtest.Start(t, append([]string{"--smtp-require-tls"}, selfSigned(t)...)...)
	strict := mail.Settings{Host: tlsSrv.Host, Port: tlsSrv.SMTPPort, Security: mail.SecurityTLS, FromAddress: "ops@example.com"}
	if err := mail.Send(context.Background(), strict, mail.Message{To: "a@example.com", Subject: "x", Text: "x"}); err == nil || errors.Is(err, mail.ErrInvalid) {
		t.Errorf("unverified certificate: %v, want a transient error", err)
	}
	// Nobody listening: a transient error, to be retried.
	down := mail.Settings{Host: "127.0.0.1", Port: "1", FromAddress: "ops@example.com", Timeout: 5 * time.Second}
	if err := mail.Send(context.Background(), down, mail.Message{To: "a@example.com", Subject: "x", Text: "x"}); err == nil || errors.Is(err, mail.ErrInvalid) {
		t.Errorf("server down: %v, want a transient error", err)
	}
}
