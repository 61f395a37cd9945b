package app

import "testing"

// Vectors computed apart from Parley (Python's hashlib.pbkdf2_hmac) in the
// PHC form of Mattermost's hashers.PBKDF2.
func TestCheckPBKDF2(t *testing.T) {
	const (
		h32 = "$pbkdf2$f=SHA256,w=1000,l=32$cGFybGV5LXNhbHQtMDAwMQ$BKxydzqFGdlr+0L1kdnL8ExVYS5HnpEkwsfjLhb5XWA"
		h16 = "$pbkdf2$f=SHA256,w=1000,l=16$cGFybGV5LXNhbHQtMDAwMQ$BKxydzqFGdlr+0L1kdnL8A"
	)
	for _, tc := range []struct {
		name, hash, pw string
		ok             bool
	}{
		{"right", h32, "s3cret", true},
		{"other key length", h16, "s3cret", true},
		{"wrong", h32, "s3cret!", false},
		{"empty", h32, "", false},
		{"other function", "$pbkdf2$f=SHA512,w=1000,l=32$cGFybGV5LXNhbHQtMDAwMQ$BKxydzqFGdlr+0L1kdnL8ExVYS5HnpEkwsfjLhb5XWA", "s3cret", false},
		{"other iterations", "$pbkdf2$f=SHA256,w=1001,l=32$cGFybGV5LXNhbHQtMDAwMQ$BKxydzqFGdlr+0L1kdnL8ExVYS5HnpEkwsfjLhb5XWA", "s3cret", false},
		{"length disagrees", "$pbkdf2$f=SHA256,w=1000,l=16$cGFybGV5LXNhbHQtMDAwMQ$BKxydzqFGdlr+0L1kdnL8ExVYS5HnpEkwsfjLhb5XWA", "s3cret", false},
		{"missing parameter", "$pbkdf2$f=SHA256,w=1000$cGFybGV5LXNhbHQtMDAwMQ$BKxydzqFGdlr+0L1kdnL8ExVYS5HnpEkwsfjLhb5XWA", "s3cret", false},
		{"extra parameter", "$pbkdf2$f=SHA256,w=1000,l=32,x=1$cGFybGV5LXNhbHQtMDAwMQ$BKxydzqFGdlr+0L1kdnL8ExVYS5HnpEkwsfjLhb5XWA", "s3cret", false},
		{"zero iterations", "$pbkdf2$f=SHA256,w=0,l=32$cGFybGV5LXNhbHQtMDAwMQ$BKxydzqFGdlr+0L1kdnL8ExVYS5HnpEkwsfjLhb5XWA", "s3cret", false},
		{"huge work", "$pbkdf2$f=SHA256,w=999999999,l=32$cGFybGV5LXNhbHQtMDAwMQ$BKxydzqFGdlr+0L1kdnL8ExVYS5HnpEkwsfjLhb5XWA", "s3cret", false},
		{"bad base64", "$pbkdf2$f=SHA256,w=1000,l=32$!!$BKxydzqFGdlr+0L1kdnL8ExVYS5HnpEkwsfjLhb5XWA", "s3cret", false},
		{"no key", "$pbkdf2$f=SHA256,w=1000,l=32$cGFybGV5LXNhbHQtMDAwMQ", "s3cret", false},
		{"too long password", h32, string(make([]byte, 73)), false},
	} {
		if got := checkPassword(tc.hash, tc.pw); got != tc.ok {
			t.Errorf("%s: checkPassword = %v, want %v", tc.name, got, tc.ok)
		}
	}
}
