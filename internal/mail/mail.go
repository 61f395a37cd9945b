// Package mail sends one message through an SMTP server: plain connection,
// implicit TLS or STARTTLS, optional PLAIN login, and a multipart/alternative
// body (plain text and HTML). It uses net/smtp from the standard library, which
// does all of that; a library would add a dependency for nothing Parley needs.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"
)

// Security is how the connection to the SMTP server is protected.
const (
	SecurityNone     = ""
	SecurityTLS      = "TLS"
	SecurityStartTLS = "STARTTLS"
)

// Settings say where and how to send.
type Settings struct {
	Host, Port         string
	Security           string
	Auth               bool
	Username, Password string
	// SkipVerify accepts any certificate (a test server's own).
	SkipVerify bool
	// FromName and FromAddress make the From header; ReplyTo is optional.
	FromName, FromAddress, ReplyTo string
	// Timeout bounds one whole delivery.
	Timeout time.Duration
}

// Message is one mail to one recipient.
type Message struct {
	To      string
	Subject string
	Text    string
	HTML    string
	// ListUnsubscribe, when set, is an https URL that unsubscribes the
	// recipient with one POST (RFC 8058), given in List-Unsubscribe.
	ListUnsubscribe string
}

// ErrInvalid marks a message that no retry can send (a bad address).
var ErrInvalid = errors.New("mail: invalid message")

// Send delivers m. An error wrapping ErrInvalid is permanent; any other error
// (the server down, a refusal) may pass on a later try.
func Send(ctx context.Context, s Settings, m Message) error {
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return fmt.Errorf("%w: recipient %q: %v", ErrInvalid, m.To, err)
	}
	from, err := mail.ParseAddress(s.FromAddress)
	if err != nil {
		return fmt.Errorf("%w: sender %q: %v", ErrInvalid, s.FromAddress, err)
	}
	from.Name = s.FromName
	if strings.ContainsAny(m.Subject, "\r\n") {
		return fmt.Errorf("%w: line break in subject", ErrInvalid)
	}
	if strings.ContainsAny(m.ListUnsubscribe, "\r\n<>") {
		return fmt.Errorf("%w: bad List-Unsubscribe URL", ErrInvalid)
	}
	body, err := compose(s, from, to, m)
	if err != nil {
		return err
	}
	if s.Timeout <= 0 {
		s.Timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	addr := net.JoinHostPort(s.Host, s.Port)
	tlsCfg := &tls.Config{ServerName: s.Host, InsecureSkipVerify: s.SkipVerify, MinVersion: tls.VersionTLS12} //nolint:gosec // only when the admin asks
	var d net.Dialer
	var conn net.Conn
	if s.Security == SecurityTLS {
		conn, err = (&tls.Dialer{NetDialer: &d, Config: tlsCfg}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("mail: connect %s: %w", addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail: greeting from %s: %w", addr, err)
	}
	defer c.Close()
	if s.Security == SecurityStartTLS {
		if err := c.StartTLS(tlsCfg); err != nil {
			return fmt.Errorf("mail: STARTTLS: %w", err)
		}
	}
	if s.Auth {
		// net/smtp refuses PLAIN over an unencrypted link except to localhost,
		// so a password never crosses the network in the clear.
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, s.Host)); err != nil {
			return fmt.Errorf("mail: login: %w", err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return fmt.Errorf("mail: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return fmt.Errorf("mail: RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if _, err := w.Write(body); err != nil {
		return fmt.Errorf("mail: write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail: end of data: %w", err)
	}
	return c.Quit()
}

// compose builds the message text with CRLF line ends.
func compose(s Settings, from, to *mail.Address, m Message) ([]byte, error) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	host := from.Address[strings.LastIndex(from.Address, "@")+1:]
	hdr := []string{
		"From: " + from.String(),
		"To: " + to.String(),
		"Subject: " + mime.QEncoding.Encode("utf-8", m.Subject),
		"Date: " + time.Now().UTC().Format(time.RFC1123Z),
		"Message-ID: <" + hex.EncodeToString(id) + "@" + host + ">",
		"MIME-Version: 1.0",
		"Auto-Submitted: auto-generated",
		"Content-Type: multipart/alternative; boundary=" + mw.Boundary(),
	}
	if m.ListUnsubscribe != "" {
		hdr = append(hdr, "List-Unsubscribe: <"+m.ListUnsubscribe+">", "List-Unsubscribe-Post: List-Unsubscribe=One-Click")
	}
	if s.ReplyTo != "" {
		rt, err := mail.ParseAddress(s.ReplyTo)
		if err != nil {
			return nil, fmt.Errorf("%w: reply-to %q: %v", ErrInvalid, s.ReplyTo, err)
		}
		hdr = append(hdr, "Reply-To: "+rt.String())
	}
	var head bytes.Buffer
	for _, h := range hdr {
		if strings.ContainsAny(h, "\r\n") {
			return nil, fmt.Errorf("%w: line break in header", ErrInvalid)
		}
		head.WriteString(h + "\r\n")
	}
	head.WriteString("\r\n")
	for _, part := range []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		if part.body == "" {
			continue
		}
		pw, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		qp := quotedprintable.NewWriter(pw)
		if _, err := qp.Write([]byte(strings.ReplaceAll(part.body, "\n", "\r\n"))); err != nil {
			return nil, err
		}
		if err := qp.Close(); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return append(head.Bytes(), b.Bytes()...), nil
}
