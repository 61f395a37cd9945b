package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// Password reset and address verification send a link with a single-use
// token. The token is 64 characters (Mattermost's size) of crypto/rand; the
// database keeps only its SHA-256, and using it deletes it.

func newToken() (raw, hash string) {
	b := make([]byte, model.TokenSize/2)
	_, _ = rand.Read(b)
	raw = hex.EncodeToString(b)
	return raw, hashToken(raw)
}

func hashToken(raw string) string {
	h := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(h[:])
}

func errMailNotConfigured(id string) *model.AppError {
	return model.NewAppError(http.StatusInternalServerError, id,
		"Failed to send the email: no SMTP server is configured.")
}

// link is siteURL + path with the query, as Mattermost builds its mail links.
func link(siteURL, path string, q url.Values) string {
	return strings.TrimSuffix(siteURL, "/") + path + "?" + q.Encode()
}

// issueToken voids the user's older tokens of typ, stores a new one and queues
// the mail carrying it, all in one transaction.
func (a *App) issueToken(ctx context.Context, u *model.User, typ string, mail func(raw string) (subject, text, htmlBody string)) error {
	return a.store.Tx(ctx, func(tx store.Store) error {
		return a.queueToken(ctx, tx, u, typ, mail)
	})
}

// queueToken is issueToken inside the caller's transaction.
func (a *App) queueToken(ctx context.Context, tx store.Store, u *model.User, typ string, mail func(raw string) (subject, text, htmlBody string)) error {
	raw, hash := newToken()
	if err := tx.DeleteUserTokens(ctx, u.ID, typ); err != nil {
		return model.ErrInternal(err)
	}
	if err := tx.SaveToken(ctx, &model.Token{Hash: hash, Type: typ, CreateAt: model.Now(), UserID: u.ID, Email: u.Email}); err != nil {
		return model.ErrInternal(err)
	}
	subject, text, htmlBody := mail(raw)
	if err := a.enqueueMail(ctx, tx, u.Email, subject, text, htmlBody); err != nil {
		return model.ErrInternal(err)
	}
	return nil
}

// mailBody is the plain and HTML text of a message with one action link.
func (a *App) mailBody(greeting, lead, action, href, footer string) (text, htmlBody string) {
	text = fmt.Sprintf("%s\n\n%s\n\n%s: %s\n\n%s\n", greeting, lead, action, href, footer)
	htmlBody = fmt.Sprintf(`<p>%s</p><p>%s</p><p><a href="%s">%s</a></p><p>%s</p>`,
		html.EscapeString(greeting), html.EscapeString(lead), html.EscapeString(href), html.EscapeString(action),
		html.EscapeString(footer))
	return text, htmlBody
}

// SendPasswordReset mails a reset link to the account with that address. It
// says nothing of whether there is one: an unknown or deactivated address
// gets no mail and the same answer.
func (a *App) SendPasswordReset(ctx context.Context, email, siteURL string) error {
	if email == "" {
		return model.ErrInvalidBody("email")
	}
	cfg := a.Config()
	if !cfg.MailEnabled() {
		return errMailNotConfigured("api.user.send_password_reset.send.app_error")
	}
	u, err := a.store.GetUserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return model.ErrInternal(err)
	}
	if u.DeleteAt > 0 || u.IsBot {
		return nil
	}
	if u.AuthService != "" {
		return model.NewAppError(http.StatusBadRequest, "api.user.send_password_reset.sso.app_error",
			"Cannot reset password for SSO accounts.")
	}
	return a.issueToken(ctx, u, model.TokenTypePasswordRecovery, func(raw string) (string, string, string) {
		href := link(siteURL, "/reset_password_complete", url.Values{"token": {raw}})
		text, body := a.mailBody("Hello "+u.Username+",",
			"You asked to reset your password on "+cfg.SiteName+". Use the link below to choose a new one; it works once, within 24 hours.",
			"Reset password", href, "If you did not ask for this, ignore this mail: your password stays as it is.")
		return "[" + cfg.SiteName + "] Reset your password", text, body
	})
}

func errResetInvalid() *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "api.user.reset_password.invalid_link.app_error",
		"The reset link provided is invalid.")
}

func errResetExpired() *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "api.user.reset_password.link_expired.app_error",
		"The password reset link has expired.")
}

// ResetPassword sets a new password with a token from a reset mail and ends
// every session of the user. A refused password leaves the token usable.
func (a *App) ResetPassword(ctx context.Context, token, newPassword string) error {
	if len(token) != model.TokenSize {
		return model.ErrInvalidBody("token")
	}
	// Hashing takes a while; it is done before the transaction so that it
	// holds no lock meanwhile. Its refusal is reported after the token's.
	pwErr := model.IsValidPassword(newPassword, a.passwordPolicy())
	var hash string
	if pwErr == nil {
		h, err := hashPassword(newPassword)
		if err != nil {
			return model.ErrInternal(err)
		}
		hash = h
	}
	var userID string
	err := a.store.Tx(ctx, func(tx store.Store) error {
		t, err := tx.TakeToken(ctx, hashToken(token), model.TokenTypePasswordRecovery)
		if err != nil {
			return storeErr(err, errResetInvalid())
		}
		if model.Now()-t.CreateAt >= model.PasswordRecoverExpiryTime {
			return errResetExpired()
		}
		u, err := tx.GetUser(ctx, t.UserID)
		if err != nil {
			return storeErr(err, errResetInvalid())
		}
		if u.Email != t.Email {
			return errResetExpired()
		}
		if u.AuthService != "" {
			return model.NewAppError(http.StatusBadRequest, "api.user.reset_password.sso.app_error",
				"Cannot reset password for SSO accounts.")
		}
		if pwErr != nil {
			return pwErr
		}
		userID = u.ID
		return storeErr(tx.UpdatePassword(ctx, u.ID, hash, model.Now()), errUserNotFound())
	})
	if err != nil {
		return err
	}
	// Whoever had the account (the reason for a reset) is logged out.
	return a.revokeOtherSessions(ctx, userID, "")
}

// SendVerifyEmail mails an address verification link to the account with
// that address, if there is one that is not verified yet; the answer is the
// same either way.
func (a *App) SendVerifyEmail(ctx context.Context, email, siteURL string) error {
	if email == "" {
		return model.ErrInvalidBody("email")
	}
	cfg := a.Config()
	if !cfg.MailEnabled() {
		return errMailNotConfigured("api.user.send_verify_email_and_forget.failed.error")
	}
	u, err := a.store.GetUserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return model.ErrInternal(err)
	}
	if u.DeleteAt > 0 || u.IsBot || u.EmailVerified {
		return nil
	}
	return a.issueVerifyEmail(ctx, u, siteURL)
}

func (a *App) issueVerifyEmail(ctx context.Context, u *model.User, siteURL string) error {
	return a.store.Tx(ctx, func(tx store.Store) error {
		return a.queueVerifyEmail(ctx, tx, u, siteURL)
	})
}

// queueVerifyEmail voids the user's older verification links and queues a
// new one, in tx.
func (a *App) queueVerifyEmail(ctx context.Context, tx store.Store, u *model.User, siteURL string) error {
	cfg := a.Config()
	return a.queueToken(ctx, tx, u, model.TokenTypeVerifyEmail, func(raw string) (string, string, string) {
		href := verifyLink(siteURL, u, raw)
		text, body := a.mailBody("Hello "+u.Username+",",
			"Please confirm that "+u.Email+" is your address on "+cfg.SiteName+". The link works once, within 48 hours.",
			"Verify email", href, "If you did not create this account, ignore this mail.")
		return "[" + cfg.SiteName + "] Email Verification", text, body
	})
}

func verifyLink(siteURL string, u *model.User, raw string) string {
	return link(siteURL, "/do_verify_email", url.Values{"token": {raw}, "email": {u.Email}})
}

// queueWelcomeMail queues the mail a new account gets, in the transaction
// that creates it, as Mattermost's SendWelcomeEmail: "You joined <server>",
// sent while notification mail or verification is on, and carrying the
// verification link when the address must be verified (so one mail, not
// two). disabled (the sign-up's disable_welcome_email) leaves only the
// verification mail, which the account cannot do without. Accounts of a
// single sign-on service get none, as in Mattermost.
func (a *App) queueWelcomeMail(ctx context.Context, tx store.Store, u *model.User, disabled bool) error {
	cfg := a.Config()
	if !cfg.MailEnabled() || u.AuthService != "" || u.IsBot {
		return nil
	}
	verify := cfg.RequireEmailVerification && !u.EmailVerified
	if disabled || (!cfg.SendEmailNotifications && !cfg.RequireEmailVerification) {
		if verify {
			return a.queueVerifyEmail(ctx, tx, u, cfg.SiteURL)
		}
		return nil
	}
	server := cfg.SiteURL
	if pu, err := url.Parse(cfg.SiteURL); err == nil && pu.Host != "" {
		server = pu.Host
	}
	if server == "" {
		server = cfg.SiteName
	}
	subject := "[" + cfg.SiteName + "] You joined " + server
	lead := "Your account " + u.Username + " on " + cfg.SiteName + " is ready."
	footer := "If you did not create this account, ignore this mail."
	if !verify {
		text, body := a.mailBody("Welcome, "+u.Username+"!", lead, "Open "+cfg.SiteName,
			strings.TrimSuffix(cfg.SiteURL, "/")+"/", footer)
		return storeErr(a.enqueueMail(ctx, tx, u.Email, subject, text, body), nil)
	}
	return a.queueToken(ctx, tx, u, model.TokenTypeVerifyEmail, func(raw string) (string, string, string) {
		text, body := a.mailBody("Welcome, "+u.Username+"!",
			lead+" Please confirm that "+u.Email+" is your address before you log in; the link works once, within 48 hours.",
			"Verify email", verifyLink(cfg.SiteURL, u, raw), footer)
		return subject, text, body
	})
}

// VerifyEmail marks an address verified with a token from a verification mail.
func (a *App) VerifyEmail(ctx context.Context, token string) error {
	if len(token) != model.TokenSize {
		return model.ErrInvalidBody("token")
	}
	return a.store.Tx(ctx, func(tx store.Store) error {
		t, err := tx.TakeToken(ctx, hashToken(token), model.TokenTypeVerifyEmail)
		if err != nil {
			return storeErr(err, model.NewAppError(http.StatusBadRequest, "api.user.verify_email.bad_link.app_error",
				"Bad verify email link."))
		}
		expired := model.NewAppError(http.StatusBadRequest, "api.user.verify_email.link_expired.app_error",
			"The email verification link has expired.")
		if model.Now()-t.CreateAt >= model.VerifyEmailExpiryTime {
			return expired
		}
		// The address changed since the mail went out: that one is not verified.
		return storeErr(tx.VerifyEmail(ctx, t.UserID, t.Email, model.Now()), expired)
	})
}
