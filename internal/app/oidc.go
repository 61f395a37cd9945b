package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// OpenID Connect sign-in, routed as Mattermost routes its SSO services:
// GET /oauth/{service}/login sends the browser to the provider, which sends
// it back to /signup/{service}/complete (or /login/{service}/complete). The
// services are openid and Mattermost's gitlab, google and office365, each an
// OpenID Connect provider found through its discovery document.

// oidcService is one enabled provider's settings.
type oidcService struct {
	id, secret, discovery string
	scopes                []string
}

func errOAuthUnsupported(service string) *model.AppError {
	return model.NewAppError(http.StatusNotImplemented, "api.user.authorize_oauth_user.unsupported.app_error",
		"The sign-in service "+strconv.Quote(service)+" is not enabled on this server.")
}

func oidcServiceOf(cfg *config.Config, service string) (oidcService, bool) {
	std := []string{oidc.ScopeOpenID, "profile", "email"}
	switch service {
	case "openid":
		scopes := strings.Fields(cfg.OpenIDScope)
		if len(scopes) == 0 {
			scopes = std
		}
		return oidcService{cfg.OpenIDID, cfg.OpenIDSecret, cfg.OpenIDDiscoveryEndpoint, scopes}, cfg.OpenIDEnable
	case "gitlab":
		return oidcService{cfg.GitLabID, cfg.GitLabSecret, cfg.GitLabDiscoveryEndpoint, std}, cfg.GitLabEnable
	case "google":
		d := cfg.GoogleDiscoveryEndpoint
		if d == "" {
			d = "https://accounts.google.com/.well-known/openid-configuration"
		}
		return oidcService{cfg.GoogleID, cfg.GoogleSecret, d, std}, cfg.GoogleEnable
	case "office365":
		d := cfg.Office365DiscoveryEndpoint
		if d == "" {
			dir := cfg.Office365DirectoryID
			if dir == "" {
				dir = "common"
			}
			d = "https://login.microsoftonline.com/" + dir + "/v2.0/.well-known/openid-configuration"
		}
		return oidcService{cfg.Office365ID, cfg.Office365Secret, d, std}, cfg.Office365Enable
	}
	return oidcService{}, false
}

// oidcClient discovers the provider and builds the OAuth client.
func (a *App) oidcClient(ctx context.Context, service, redirectURL string) (*oidc.Provider, *oauth2.Config, oidcService, error) {
	svc, on := oidcServiceOf(a.Config(), service)
	if !on {
		return nil, nil, svc, errOAuthUnsupported(service)
	}
	issuer, err := discoveredIssuer(ctx, svc.discovery)
	if err != nil {
		return nil, nil, svc, model.NewAppError(http.StatusInternalServerError, "api.user.authorize_oauth_user.service.app_error",
			"The OpenID provider's discovery failed: "+err.Error())
	}
	// NewProvider fetches the document again under the issuer and checks
	// the two agree.
	p, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		return nil, nil, svc, model.NewAppError(http.StatusInternalServerError, "api.user.authorize_oauth_user.service.app_error",
			"The OpenID provider's discovery failed: "+err.Error())
	}
	oc := &oauth2.Config{ClientID: svc.id, ClientSecret: svc.secret, Endpoint: p.Endpoint(), RedirectURL: redirectURL, Scopes: svc.scopes}
	return p, oc, svc, nil
}

// OAuthState is what the browser keeps between the two legs of a sign-in
// (in an HttpOnly cookie): the state and nonce the answer must carry, the
// PKCE verifier, and where to go afterwards.
type OAuthState struct {
	State, Nonce, Verifier, RedirectTo string
	// Mobile: a mobile app started it (/oauth/{service}/mobile_login), and
	// RedirectTo, when set, is the app's custom-scheme callback.
	Mobile bool `json:",omitempty"`
}

// StartOAuth returns the provider's authorization URL and the state to keep.
func (a *App) StartOAuth(ctx context.Context, service, redirectURL, redirectTo string) (string, OAuthState, error) {
	_, oc, _, err := a.oidcClient(ctx, service, redirectURL)
	if err != nil {
		return "", OAuthState{}, err
	}
	st := OAuthState{State: model.NewID(), Nonce: model.NewID(), Verifier: oauth2.GenerateVerifier(), RedirectTo: redirectTo}
	u := oc.AuthCodeURL(st.State, oidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier))
	return u, st, nil
}

func errOAuthFailed(msg string) *model.AppError {
	return model.NewAppError(http.StatusBadRequest, "api.user.authorize_oauth_user.invalid_state.app_error", msg)
}

// oidcClaims are the ID token claims Parley reads.
type oidcClaims struct {
	Email             string `json:"email"`
	EmailVerified     any    `json:"email_verified"`
	PreferredUsername string `json:"preferred_username"`
	GivenName         string `json:"given_name"`
	FamilyName        string `json:"family_name"`
	Nickname          string `json:"nickname"`
}

// verified reads email_verified, which some providers send as a string.
func (c oidcClaims) verified() bool {
	switch v := c.EmailVerified.(type) {
	case bool:
		return v
	case string:
		return v == "true"
	}
	return false
}

// CompleteOAuth checks the provider's answer against the kept state,
// exchanges the code (with the PKCE verifier), verifies the ID token and
// logs the user in: the account of this provider's subject, else an
// existing account with the same email when the provider says the address
// is verified (it is linked), else a new account.
func (a *App) CompleteOAuth(ctx context.Context, service, redirectURL, code, state string, kept OAuthState, userAgent string) (*model.User, *model.Session, error) {
	if kept.State == "" || state != kept.State {
		return nil, nil, errOAuthFailed("The sign-in answer does not match the sign-in this browser started.")
	}
	p, oc, svc, err := a.oidcClient(ctx, service, redirectURL)
	if err != nil {
		return nil, nil, err
	}
	tok, err := oc.Exchange(ctx, code, oauth2.VerifierOption(kept.Verifier))
	if err != nil {
		return nil, nil, model.NewAppError(http.StatusUnauthorized, "api.user.authorize_oauth_user.token_failed.app_error",
			"The OpenID provider refused the code: "+err.Error())
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := p.Verifier(&oidc.Config{ClientID: svc.id}).Verify(ctx, raw)
	if err != nil || idt.Nonce != kept.Nonce {
		return nil, nil, model.NewAppError(http.StatusUnauthorized, "api.user.authorize_oauth_user.token_failed.app_error",
			"The OpenID provider's ID token is not valid.")
	}
	var c oidcClaims
	if err := idt.Claims(&c); err != nil {
		return nil, nil, model.ErrInternal(err)
	}
	// The ID token may carry only sub; the userinfo endpoint has the rest.
	if c.Email == "" {
		if info, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err == nil {
			_ = info.Claims(&c)
		}
	}
	u, err := a.oauthUser(ctx, service, idt.Subject, c)
	if err != nil {
		return nil, nil, err
	}
	return a.finishLogin(ctx, u, LoginRequest{Mobile: kept.Mobile}, userAgent, 0)
}

func (a *App) oauthUser(ctx context.Context, service, subject string, c oidcClaims) (*model.User, error) {
	u, err := a.store.GetUserByAuth(ctx, service, subject)
	if err == nil {
		return u, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, model.ErrInternal(err)
	}
	email := strings.ToLower(strings.TrimSpace(c.Email))
	if !model.IsValidEmail(email) {
		return nil, model.NewAppError(http.StatusBadRequest, "api.user.authorize_oauth_user.missing.app_error",
			"The OpenID provider gave no email address.")
	}
	existing, err := a.store.GetUserByEmail(ctx, email)
	switch {
	case err == nil && c.verified():
		existing.AuthService, existing.AuthData, existing.Password = service, &subject, ""
		existing.UpdateAt = model.Now()
		if err := a.store.UpdateUser(ctx, existing); err != nil {
			return nil, userConflict(err)
		}
		a.audit(ctx, nil, model.AuditUserUpdate, "user", existing.ID, true, "linked auth_service="+service)
		return existing, nil
	case err == nil:
		return nil, model.NewAppError(http.StatusConflict, "api.user.authorize_oauth_user.email_not_verified.app_error",
			"An account with this email exists, and the provider does not say the address is verified, so it is not linked.")
	case !errors.Is(err, store.ErrNotFound):
		return nil, model.ErrInternal(err)
	}
	if !a.Config().EnableUserCreation {
		return nil, model.NewAppError(http.StatusNotImplemented, "api.user.create_user.signup_email_disabled.app_error",
			"User sign-up is disabled.")
	}
	now := model.Now()
	sub := subject
	nu := &model.User{ID: model.NewID(), CreateAt: now, UpdateAt: now, Email: email, EmailVerified: c.verified(),
		FirstName: c.GivenName, LastName: c.FamilyName, AuthService: service, AuthData: &sub, Roles: model.RoleSystemUser}
	base := oauthUsername(c, email)
	for i := 0; ; i++ {
		nu.Username, nu.NotifyProps = base, nil
		if i > 0 {
			nu.Username = base + strconv.Itoa(i)
		}
		nu.PreSave()
		if appErr := nu.IsValid(); appErr != nil {
			return nil, appErr
		}
		err := a.store.SaveUser(ctx, nu)
		if err == nil {
			break
		}
		if !errors.Is(err, store.ErrConflict) || i >= 20 {
			return nil, userConflict(err)
		}
	}
	a.audit(ctx, nil, model.AuditUserCreate, "user", nu.ID, true, "username="+nu.Username+" auth_service="+service)
	a.publish(ctx, model.NewEvent(model.EventNewUser, model.Broadcast{}, map[string]any{"user_id": nu.ID}))
	return nu, nil
}

var notUsername = regexp.MustCompile(`[^a-z0-9.\-_]+`)

// oauthUsername makes a valid username from the provider's preferred
// username, else the email's local part.
func oauthUsername(c oidcClaims, email string) string {
	name := c.PreferredUsername
	if name == "" || strings.Contains(name, "@") {
		name, _, _ = strings.Cut(email, "@")
	}
	name = notUsername.ReplaceAllString(strings.ToLower(name), "-")
	if name == "" || name[0] < 'a' || name[0] > 'z' {
		name = "u" + name
	}
	if len(name) > 60 {
		name = name[:60]
	}
	return name
}

// discoveredIssuer reads the issuer from a discovery document: Mattermost's
// settings name the document, go-oidc wants the issuer, which may or may not
// end in a slash.
func discoveredIssuer(ctx context.Context, url string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s answered %s", url, resp.Status)
	}
	var doc struct {
		Issuer string `json:"issuer"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&doc); err != nil || doc.Issuer == "" {
		return "", fmt.Errorf("%s is not a discovery document", url)
	}
	return doc.Issuer, nil
}
