package webpush

import (
	"crypto/ecdh"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"
)

// The stored key reads back as the same pair; the Authorization header is
// "vapid t=<three-part JWT>, k=<the public key>". Decryption is tested by
// the push service stand-in (internal/pushtest), independently written.
func TestKeysAndAuthorization(t *testing.T) {
	k, stored, err := NewKeys()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseKeys(stored)
	if err != nil || back.Public != k.Public || len(k.Public) != 87 {
		t.Fatalf("parsed %+v, %v; made %s", back, err, k.Public)
	}
	h, err := back.Authorization("https://push.example.com:8443/x/y", "mailto:ops@example.com", time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	jwt, key, ok := strings.Cut(strings.TrimPrefix(h, "vapid t="), ", k=")
	if !ok || key != k.Public || strings.Count(jwt, ".") != 2 {
		t.Errorf("authorization %q", h)
	}
	if _, err := ParseKeys("bm90IGEga2V5"); err == nil {
		t.Error("garbage parsed as a key")
	}
	if _, err := k.Authorization("not a url", "", time.Now()); err == nil {
		t.Error("an endpoint without a host was signed for")
	}
}

func TestEncryptRefuses(t *testing.T) {
	ua, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub, auth := ua.PublicKey().Bytes(), make([]byte, AuthLen)
	body, err := Encrypt(make([]byte, MaxPlaintext), pub, auth)
	if err != nil || len(body) != 4096 {
		t.Fatalf("largest message: %d bytes, %v; want exactly 4096", len(body), err)
	}
	if _, err := Encrypt(make([]byte, MaxPlaintext+1), pub, auth); !errors.Is(err, ErrTooLong) {
		t.Errorf("too long: %v", err)
	}
	if _, err := Encrypt([]byte("x"), pub[:33], auth); err == nil {
		t.Error("a compressed key was taken")
	}
	if _, err := Encrypt([]byte("x"), pub, auth[:8]); err == nil {
		t.Error("a short auth secret was taken")
	}
}
