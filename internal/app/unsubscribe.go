package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/parley-chat/parley/internal/model"
)

// Notification mails carry a link that turns the recipient's email
// notifications off without a login: <site_url>/unsubscribe?u=<user>&s=<sig>,
// signed with a key kept in the database. It is also the mail's
// List-Unsubscribe URL, which a mail client POSTs to on one click (RFC 8058).
// The link does not expire; it can only ever turn mail off.

const unsubscribeSecretKey = "unsubscribe_secret"

func errUnsubscribeLink() *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "app.unsubscribe.invalid_link.app_error",
		"This unsubscribe link is not valid.")
}

func (a *App) unsubscribeSig(ctx context.Context, userID string) (string, error) {
	secret, err := a.systemSecret(ctx, unsubscribeSecretKey)
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("unsubscribe:" + userID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}

// unsubscribeURL is the signed link for the user; "" when it cannot be made
// (the mail then goes without it rather than not at all).
func (a *App) unsubscribeURL(ctx context.Context, userID string) string {
	sig, err := a.unsubscribeSig(ctx, userID)
	if err != nil {
		a.log.WarnContext(ctx, "sign unsubscribe link", "user", userID, "err", err)
		return ""
	}
	return strings.TrimSuffix(a.Config().SiteURL, "/") + "/unsubscribe?" + url.Values{"u": {userID}, "s": {sig}}.Encode()
}

// UnsubscribeUser returns the user a signed link is for.
func (a *App) UnsubscribeUser(ctx context.Context, userID, sig string) (*model.User, error) {
	want, err := a.unsubscribeSig(ctx, userID)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	if !model.IsValidID(userID) || !hmac.Equal([]byte(sig), []byte(want)) {
		return nil, errUnsubscribeLink()
	}
	u, err := a.store.GetUser(ctx, userID)
	if err != nil {
		return nil, storeErr(err, errUnsubscribeLink())
	}
	return u, nil
}

// Unsubscribe turns off the email notifications of the user a signed link
// is for (their email notify prop, as the settings page does).
func (a *App) Unsubscribe(ctx context.Context, userID, sig string) (*model.User, error) {
	u, err := a.UnsubscribeUser(ctx, userID, sig)
	if err != nil {
		return nil, err
	}
	if u.NotifyProps["email"] == "false" {
		return u, nil
	}
	props := make(map[string]string, len(u.NotifyProps)+1)
	for k, v := range u.NotifyProps {
		props[k] = v
	}
	props["email"] = "false"
	u.NotifyProps = props
	return a.saveUser(ctx, SystemSession(), u, u.Username)
}
