package app

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/model"
)

func testSubscriptionKeys(t testing.TB) (p256dh, auth string) {
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(k.PublicKey().Bytes()), base64.RawURLEncoding.EncodeToString(make([]byte, 16))
}

func TestParseWebPushSubscription(t *testing.T) {
	key, auth := testSubscriptionKeys(t)
	body := func(endpoint, p256dh, auth string) string {
		b, _ := json.Marshal(map[string]any{"endpoint": endpoint, "expirationTime": nil,
			"keys": map[string]string{"p256dh": p256dh, "auth": auth}})
		return string(b)
	}
	fcm := "https://fcm.googleapis.com/fcm/send/abc:def"
	for _, tc := range []struct {
		name, body string
		loopback   bool
		field      string // "" when valid
	}{
		{"chrome", body(fcm, key, auth), false, ""},
		{"padded base64", body(fcm, key+"=", auth+"=="), false, ""},
		{"mozilla with port", body("https://updates.push.services.mozilla.com:443/wpush/v2/x", key, auth), false, ""},
		{"http loopback allowed", body("http://127.0.0.1:9/push/x", key, auth), true, ""},
		{"http ipv6 loopback allowed", body("http://[::1]:9/push/x", key, auth), true, ""},
		{"http loopback not allowed", body("http://127.0.0.1:9/push/x", key, auth), false, "endpoint"},
		{"http by name", body("http://localhost:9/push/x", key, auth), true, "endpoint"},
		{"http elsewhere", body("http://push.example.com/x", key, auth), true, "endpoint"},
		{"relative", body("/push/x", key, auth), false, "endpoint"},
		{"fragment", body(fcm+"#x", key, auth), false, "endpoint"},
		{"std base64 key", body(fcm, strings.ReplaceAll(strings.ReplaceAll(key, "-", "+"), "_", "/")+"+", auth), false, "p256dh"},
		{"compressed point", body(fcm, base64.RawURLEncoding.EncodeToString(append([]byte{2}, make([]byte, 32)...)), auth), false, "p256dh"},
		{"auth of 15 bytes", body(fcm, key, base64.RawURLEncoding.EncodeToString(make([]byte, 15))), false, "auth"},
		{"not an object", `"x"`, false, "invalid_body"},
		{"two values", body(fcm, key, auth) + "{}", false, "invalid_body"},
		{"keys not an object", `{"endpoint":"` + fcm + `","keys":"x"}`, false, "invalid_body"},
	} {
		sub, err := ParseWebPushSubscription([]byte(tc.body), tc.loopback)
		var ae *model.AppError
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.field == "" && (sub.P256dh != strings.TrimRight(key, "=") || sub.Auth != strings.TrimRight(auth, "=")):
			t.Errorf("%s: keys %q %q", tc.name, sub.P256dh, sub.Auth)
		case tc.field != "" && (!errors.As(err, &ae) || ae.ID != "api.web_push.subscription."+tc.field+".app_error" || ae.StatusCode != 400):
			t.Errorf("%s: got %v, want the %s error", tc.name, err, tc.field)
		}
	}
}

// Whatever the body, the parser answers a subscription or a 400, and what
// it accepts is an https (or allowed loopback) endpoint with usable keys.
func FuzzParseWebPushSubscription(f *testing.F) {
	key, auth := testSubscriptionKeys(f)
	f.Add(`{"endpoint":"https://fcm.googleapis.com/x","keys":{"p256dh":"`+key+`","auth":"`+auth+`"}}`, false)
	f.Add(`{"endpoint":"http://127.0.0.1:1/x","keys":{"p256dh":"`+key+`","auth":"`+auth+`"}}`, true)
	f.Add(`{"endpoint":"https://a","keys":{"p256dh":"","auth":""}}`, false)
	f.Add(`[]`, false)
	f.Fuzz(func(t *testing.T, raw string, loopback bool) {
		sub, err := ParseWebPushSubscription([]byte(raw), loopback)
		if err != nil {
			var ae *model.AppError
			if !errors.As(err, &ae) || ae.StatusCode != 400 || !strings.HasPrefix(ae.ID, "api.web_push.subscription.") {
				t.Fatalf("error %v", err)
			}
			return
		}
		if !strings.HasPrefix(sub.Endpoint, "https://") && !(loopback && strings.HasPrefix(sub.Endpoint, "http://")) {
			t.Fatalf("accepted endpoint %q", sub.Endpoint)
		}
		p, err1 := base64.RawURLEncoding.DecodeString(sub.P256dh)
		a, err2 := base64.RawURLEncoding.DecodeString(sub.Auth)
		if err1 != nil || err2 != nil || len(p) != 65 || len(a) != 16 {
			t.Fatalf("accepted keys %q %q", sub.P256dh, sub.Auth)
		}
	})
}
