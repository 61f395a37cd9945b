package pushtest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// WebPush is a push service stand-in for Web Push (RFC 8030) that plays the
// browser's side too: each Browser has its own key pair and auth secret, and
// every message that reaches its endpoint is decrypted as the browser would
// (RFC 8291, written here independently of Parley's sender, with HMAC for
// HKDF) and its VAPID authorization (RFC 8292) verified: an ES256 JWT signed
// by the key in k=, for aud = this service's origin, expiring within a day.
// A message that fails any check is answered 400 and recorded as an error.
type WebPush struct {
	URL string

	mu       sync.Mutex
	browsers map[string]*Browser
	errs     []string
	changed  chan struct{}
}

// Browser is one subscription: what a browser's PushManager would hold.
type Browser struct {
	ID       string
	Endpoint string
	priv     *ecdh.PrivateKey
	auth     []byte
	status   int // the answer to a push; 0 is 201
	got      []WebPushMessage
}

// WebPushMessage is one decrypted push and the headers and claims it came with.
type WebPushMessage struct {
	Payload   []byte
	TTL       string
	Urgency   string
	VAPIDKey  string // k=, base64url
	Audience  string
	Subject   string
	ExpiresAt time.Time
}

// StartWebPush runs a push service until the test ends.
func StartWebPush(t *testing.T) *WebPush {
	t.Helper()
	s := &WebPush{browsers: map[string]*Browser{}, changed: make(chan struct{}, 1)}
	hs := httptest.NewServer(http.HandlerFunc(s.push))
	t.Cleanup(hs.Close)
	s.URL = hs.URL
	return s
}

// NewBrowser makes a subscription with fresh keys.
func (s *WebPush) NewBrowser(t *testing.T) *Browser {
	t.Helper()
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	b := &Browser{priv: priv, auth: make([]byte, 16)}
	if _, err := rand.Read(b.auth); err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 12)
	_, _ = rand.Read(id)
	b.ID = base64.RawURLEncoding.EncodeToString(id)
	b.Endpoint = s.URL + "/push/" + b.ID
	s.mu.Lock()
	s.browsers[b.ID] = b
	s.mu.Unlock()
	return b
}

// Subscription is the browser's PushSubscription.toJSON().
func (b *Browser) Subscription() map[string]any {
	return map[string]any{"endpoint": b.Endpoint, "expirationTime": nil, "keys": map[string]string{
		"p256dh": base64.RawURLEncoding.EncodeToString(b.priv.PublicKey().Bytes()),
		"auth":   base64.RawURLEncoding.EncodeToString(b.auth)}}
}

// Answer makes the service answer pushes to b with status (410: the
// subscription expired).
func (s *WebPush) Answer(b *Browser, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b.status = status
}

// Messages returns what reached b, decrypted (including pushes answered
// with an error status).
func (s *WebPush) Messages(b *Browser) []WebPushMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]WebPushMessage(nil), b.got...)
}

// Errors lists the messages that failed a check.
func (s *WebPush) Errors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.errs...)
}

// WaitFor waits until n messages reached b and returns them; a message
// that failed a check fails the test.
func (s *WebPush) WaitFor(t *testing.T, b *Browser, n int) []WebPushMessage {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		if errs := s.Errors(); len(errs) > 0 {
			t.Fatalf("bad web push: %v", errs)
		}
		if got := s.Messages(b); len(got) >= n {
			return got
		}
		select {
		case <-s.changed:
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			t.Fatalf("%d web pushes to %s, want %d", len(s.Messages(b)), b.ID, n)
		}
	}
}

func (s *WebPush) push(w http.ResponseWriter, r *http.Request) {
	defer func() {
		select {
		case s.changed <- struct{}{}:
		default:
		}
	}()
	s.mu.Lock()
	b := s.browsers[strings.TrimPrefix(r.URL.Path, "/push/")]
	s.mu.Unlock()
	if r.Method != http.MethodPost || b == nil {
		http.NotFound(w, r)
		return
	}
	msg, err := s.receive(r, b)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.errs = append(s.errs, err.Error())
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	b.got = append(b.got, *msg)
	if b.status != 0 {
		w.WriteHeader(b.status)
		return
	}
	w.Header().Set("Location", b.Endpoint+"/message")
	w.WriteHeader(http.StatusCreated)
}

func (s *WebPush) receive(r *http.Request, b *Browser) (*WebPushMessage, error) {
	msg := &WebPushMessage{TTL: r.Header.Get("TTL"), Urgency: r.Header.Get("Urgency")}
	if msg.TTL == "" {
		return nil, errors.New("no TTL header (RFC 8030 section 5.2 requires it)")
	}
	if err := s.checkVAPID(r.Header.Get("Authorization"), msg); err != nil {
		return nil, fmt.Errorf("vapid: %w", err)
	}
	if ce := r.Header.Get("Content-Encoding"); ce != "aes128gcm" {
		return nil, fmt.Errorf("Content-Encoding %q, want aes128gcm", ce)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 8192))
	if err != nil {
		return nil, err
	}
	if len(body) > 4096 {
		return nil, fmt.Errorf("body of %d bytes: push services take 4096", len(body))
	}
	if msg.Payload, err = b.decrypt(body); err != nil {
		return nil, fmt.Errorf("decrypt: %w", err)
	}
	return msg, nil
}

// checkVAPID verifies "vapid t=<jwt>, k=<key>" (RFC 8292 section 3).
func (s *WebPush) checkVAPID(h string, msg *WebPushMessage) error {
	rest, ok := strings.CutPrefix(h, "vapid ")
	if !ok {
		return fmt.Errorf("authorization %q is not vapid", h)
	}
	params := map[string]string{}
	for _, p := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		params[k] = v
	}
	keyBytes, err := base64.RawURLEncoding.DecodeString(params["k"])
	if err != nil {
		return fmt.Errorf("k: %w", err)
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), keyBytes)
	if err != nil {
		return fmt.Errorf("k: %w", err)
	}
	parts := strings.Split(params["t"], ".")
	if len(parts) != 3 {
		return errors.New("t is not a JWT")
	}
	var hdr struct{ Typ, Alg string }
	if err := decodeJSONPart(parts[0], &hdr); err != nil || hdr.Alg != "ES256" {
		return fmt.Errorf("JWT header %+v (%v), want alg ES256", hdr, err)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return fmt.Errorf("signature of %d bytes (%v), want 64", len(sig), err)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return errors.New("JWT signature does not verify with k")
	}
	var claims struct {
		Aud string `json:"aud"`
		Exp int64  `json:"exp"`
		Sub string `json:"sub"`
	}
	if err := decodeJSONPart(parts[1], &claims); err != nil {
		return err
	}
	exp := time.Unix(claims.Exp, 0)
	if claims.Aud != s.URL {
		return fmt.Errorf("aud %q, want %q", claims.Aud, s.URL)
	}
	if now := time.Now(); exp.Before(now) || exp.After(now.Add(24*time.Hour)) {
		return fmt.Errorf("exp %v is not within the next 24 hours", exp)
	}
	if claims.Sub != "" && !strings.HasPrefix(claims.Sub, "mailto:") && !strings.HasPrefix(claims.Sub, "https:") {
		return fmt.Errorf("sub %q is neither mailto: nor https:", claims.Sub)
	}
	msg.VAPIDKey, msg.Audience, msg.Subject, msg.ExpiresAt = params["k"], claims.Aud, claims.Sub, exp
	return nil
}

func decodeJSONPart(part string, v any) error {
	raw, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

// hmacSHA256 is HKDF's building block: Extract is hmac(salt, ikm), and
// Expand of up to 32 bytes hmac(prk, info || 0x01).
func hmacSHA256(key []byte, parts ...[]byte) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

// decrypt is the user agent's side of RFC 8291 section 3.4 and RFC 8188.
func (b *Browser) decrypt(body []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("shorter than the aes128gcm header")
	}
	salt, rs, idLen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if idLen != 65 || len(body) < 21+idLen {
		return nil, fmt.Errorf("keyid of %d bytes, want the 65-byte sender key", idLen)
	}
	asPublic, ciphertext := body[21:21+idLen], body[21+idLen:]
	if rs < 18 || uint32(len(ciphertext)) > rs {
		return nil, fmt.Errorf("record size %d for %d bytes: want one record", rs, len(ciphertext))
	}
	as, err := ecdh.P256().NewPublicKey(asPublic)
	if err != nil {
		return nil, fmt.Errorf("sender key: %w", err)
	}
	secret, err := b.priv.ECDH(as)
	if err != nil {
		return nil, err
	}
	uaPublic := b.priv.PublicKey().Bytes()
	prkKey := hmacSHA256(b.auth, secret)
	ikm := hmacSHA256(prkKey, []byte("WebPush: info\x00"), uaPublic, asPublic, []byte{1})
	prk := hmacSHA256(salt, ikm)
	cek := hmacSHA256(prk, []byte("Content-Encoding: aes128gcm\x00"), []byte{1})[:16]
	nonce := hmacSHA256(prk, []byte("Content-Encoding: nonce\x00"), []byte{1})[:12]
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, nonce, ciphertext, nil)
	if err != nil {
		return nil, err
	}
	// Padding: zeros after the delimiter, which is 2 in the last record.
	i := len(plain) - 1
	for i >= 0 && plain[i] == 0 {
		i--
	}
	if i < 0 || plain[i] != 2 {
		return nil, errors.New("no last-record delimiter")
	}
	return plain[:i], nil
}
