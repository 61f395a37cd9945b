package app

import (
	"context"
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strconv"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"github.com/parley-chat/parley/internal/model"
)

// Parley stores bcrypt hashes. Current Mattermost moves its users from bcrypt
// to PBKDF2 as they log in (server/channels/app/password/hashers), so a
// database that comes from Mattermost may hold its PHC strings:
//
//	$pbkdf2$f=SHA256,w=<iterations>,l=<key bytes>$<salt>$<key>
//
// with salt and key in unpadded standard base64. They are accepted, and
// replaced by a bcrypt hash at the next successful login.
const pbkdf2Prefix = "$pbkdf2$"

// maxPBKDF2Work bounds the iterations a stored hash may ask for (Mattermost
// writes 600,000), so a damaged row cannot stall a login for minutes.
const maxPBKDF2Work = 10_000_000

// checkPassword compares in constant time, whatever the input.
func checkPassword(hash, pw string) bool {
	if strings.HasPrefix(hash, pbkdf2Prefix) {
		return checkPBKDF2(hash, pw)
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// passwordWork runs f, a bcrypt hash or comparison (tens of milliseconds of
// CPU), once one of the per-core slots is free, unless ctx ends first. Under
// a burst of logins the requests queue for a core rather than share it,
// and one whose client gave up while queued (its context is then done)
// costs no hash: otherwise a backlog of abandoned logins keeps the CPU from
// the live ones, and every later login times out too.
func (a *App) passwordWork(ctx context.Context, f func()) error {
	select {
	case a.hashes <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-a.hashes }()
	if err := ctx.Err(); err != nil {
		return err
	}
	f()
	return nil
}

func hashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	return string(h), err
}

// checkPBKDF2 compares pw with a Mattermost PBKDF2 PHC string.
func checkPBKDF2(phc, pw string) bool {
	if len(pw) > model.MaxPasswordLength {
		return false
	}
	parts := strings.Split(phc, "$") // "", "pbkdf2", params, salt, key
	if len(parts) != 5 {
		return false
	}
	params := map[string]string{}
	for _, kv := range strings.Split(parts[2], ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return false
		}
		params[k] = v
	}
	work, errW := strconv.Atoi(params["w"])
	keyLen, errL := strconv.Atoi(params["l"])
	if len(params) != 3 || params["f"] != "SHA256" || errW != nil || errL != nil ||
		work <= 0 || work > maxPBKDF2Work || keyLen <= 0 || keyLen > 1024 {
		return false
	}
	salt, errS := base64.RawStdEncoding.DecodeString(parts[3])
	want, errK := base64.RawStdEncoding.DecodeString(parts[4])
	if errS != nil || errK != nil || len(want) != keyLen {
		return false
	}
	got, err := pbkdf2.Key(sha256.New, pw, salt, work, keyLen)
	return err == nil && subtle.ConstantTimeCompare(got, want) == 1
}

// upgradePasswordHash replaces a Mattermost PBKDF2 hash by Parley's bcrypt
// once the user has proved the password. A failure is logged, not fatal: the
// old hash still works.
func (a *App) upgradePasswordHash(ctx context.Context, u *model.User, pw string) {
	if !strings.HasPrefix(u.Password, pbkdf2Prefix) {
		return
	}
	h, err := hashPassword(pw)
	if err == nil {
		err = a.store.UpdatePassword(ctx, u.ID, h, model.Now())
	}
	if err != nil {
		a.log.WarnContext(ctx, "re-hash a Mattermost PBKDF2 password", "user_id", u.ID, "err", err)
		return
	}
	u.Password = h
}
