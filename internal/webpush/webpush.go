// Package webpush is the sending side of standard Web Push: the message
// encryption of RFC 8291 (aes128gcm, RFC 8188) and the VAPID authorization
// of RFC 8292, on the standard library's crypto/ecdh, crypto/ecdsa and
// crypto/hkdf. The browser's push service (Google's, Mozilla's, Apple's)
// carries the encrypted message to the browser, which alone can read it.
package webpush

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"
)

const (
	// recordSize is the one record's size (rs) in the aes128gcm header. A
	// push service must accept 4096 bytes of body (RFC 8030 section 7.2),
	// so the header (86 bytes) and the tag (16) leave MaxPlaintext.
	recordSize = 4096
	headerLen  = 16 + 4 + 1 + 65
	// MaxPlaintext is the largest message Encrypt takes.
	MaxPlaintext = recordSize - headerLen - 16 - 1
	// AuthLen is the length of the browser's auth secret.
	AuthLen = 16
)

// ErrTooLong: the message does not fit in one 4096-byte push.
var ErrTooLong = errors.New("web push message longer than 3993 bytes")

var b64 = base64.RawURLEncoding

// Encrypt encrypts plaintext for the browser whose subscription has the
// public key uaPublic (an uncompressed P-256 point) and the auth secret, as
// RFC 8291 section 3 says, with a new key pair and salt each call. The
// result is the request body, sent with Content-Encoding: aes128gcm.
func Encrypt(plaintext, uaPublic, auth []byte) ([]byte, error) {
	if len(plaintext) > MaxPlaintext {
		return nil, ErrTooLong
	}
	ua, err := ecdh.P256().NewPublicKey(uaPublic)
	if err != nil {
		return nil, fmt.Errorf("subscription key: %w", err)
	}
	if len(auth) != AuthLen {
		return nil, fmt.Errorf("auth secret of %d bytes, want %d", len(auth), AuthLen)
	}
	as, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	secret, err := as.ECDH(ua)
	if err != nil {
		return nil, err
	}
	asPublic := as.PublicKey().Bytes()
	// IKM = HKDF(auth, ecdh_secret, "WebPush: info\x00" 0x00 ua_public as_public, 32)
	info := append(append([]byte("WebPush: info\x00"), uaPublic...), asPublic...)
	ikm, err := hkdf.Key(sha256.New, secret, auth, string(info), 32)
	if err != nil {
		return nil, err
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	prk, err := hkdf.Extract(sha256.New, ikm, salt)
	if err != nil {
		return nil, err
	}
	cek, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	out := make([]byte, headerLen, headerLen+len(plaintext)+1+gcm.Overhead())
	copy(out, salt)
	binary.BigEndian.PutUint32(out[16:], recordSize)
	out[20] = byte(len(asPublic))
	copy(out[21:], asPublic)
	// One record, the last: the padding delimiter 0x02 and no padding.
	record := append(append(make([]byte, 0, len(plaintext)+1), plaintext...), 2)
	return gcm.Seal(out, nonce, record, nil), nil
}

// Keys is the server's VAPID key pair (RFC 8292), P-256.
type Keys struct {
	private *ecdsa.PrivateKey
	// Public is the public key as browsers take it for
	// applicationServerKey: the uncompressed point, base64url.
	Public string
}

// NewKeys makes a key pair and returns it with its private key encoded
// for storage (PKCS #8, base64).
func NewKeys() (*Keys, string, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, "", err
	}
	keys, err := keysOf(k)
	return keys, base64.StdEncoding.EncodeToString(der), err
}

// ParseKeys reads a private key stored by NewKeys.
func ParseKeys(stored string) (*Keys, error) {
	der, err := base64.StdEncoding.DecodeString(stored)
	if err != nil {
		return nil, fmt.Errorf("vapid key: %w", err)
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("vapid key: %w", err)
	}
	ec, ok := k.(*ecdsa.PrivateKey)
	if !ok || ec.Curve != elliptic.P256() {
		return nil, errors.New("vapid key: not a P-256 key")
	}
	return keysOf(ec)
}

func keysOf(k *ecdsa.PrivateKey) (*Keys, error) {
	pub, err := k.PublicKey.ECDH()
	if err != nil {
		return nil, err
	}
	return &Keys{private: k, Public: b64.EncodeToString(pub.Bytes())}, nil
}

// Authorization is the Authorization header of a push to endpoint (RFC
// 8292 section 3): "vapid t=<JWT>, k=<public key>", the JWT signed with
// ES256 and claiming aud (the endpoint's origin), exp and sub (a mailto: or
// https: URL to reach the server's operator; left out when empty).
func (k *Keys) Authorization(endpoint, sub string, exp time.Time) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("endpoint %q is not a URL", endpoint)
	}
	claims := map[string]any{"aud": u.Scheme + "://" + u.Host, "exp": exp.Unix()}
	if sub != "" {
		claims["sub"] = sub
	}
	body, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signed := b64.EncodeToString([]byte(`{"typ":"JWT","alg":"ES256"}`)) + "." + b64.EncodeToString(body)
	digest := sha256.Sum256([]byte(signed))
	r, s, err := ecdsa.Sign(rand.Reader, k.private, digest[:])
	if err != nil {
		return "", err
	}
	// JWS ES256 signatures are R || S, each 32 bytes (RFC 7518 section 3.4).
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return "vapid t=" + signed + "." + b64.EncodeToString(sig) + ", k=" + k.Public, nil
}
