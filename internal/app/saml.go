package app

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
)

// SAML 2.0 single sign-on, routed as Mattermost routes it: GET
// /login/sso/saml sends the browser to the identity provider with an
// AuthnRequest (HTTP-Redirect binding), and the provider posts its signed
// answer back to POST /login/sso/saml, the assertion consumer service.
// crewjam/saml checks the answer: signature, issuer, audience, destination,
// time window and, unless IdP-initiated sign-in is allowed, that it answers a
// request Parley made.

// AuthServiceSAML is the auth_service of accounts the identity provider owns.
const AuthServiceSAML = "saml"

// samlRequestMaxAge is how long an AuthnRequest may wait for its answer.
const samlRequestMaxAge = 10 * time.Minute

// The files the certificate API writes, in data_dir, as Mattermost names them.
const (
	SamlIdpCertificateName    = "saml-idp.crt"
	SamlPublicCertificateName = "saml-public.crt"
	SamlPrivateKeyName        = "saml-private.key"
)

func errSamlNotAvailable() *model.AppError {
	return model.NewAppError(http.StatusNotImplemented, "api.user.saml.not_available.app_error",
		"SAML 2.0 is not configured or supported on this server.")
}

func errSamlInvalid(msg string) *model.AppError {
	return model.NewAppError(http.StatusUnauthorized, "ent.saml.do_login.validate.app_error", msg)
}

// samlFile is where a file setting points: relative names are in data_dir.
func samlFile(cfg *config.Config, name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(cfg.DataDir, name)
}

// parseCertificate reads the first certificate of a PEM file (or DER).
func parseCertificate(b []byte) (*x509.Certificate, error) {
	if blk, _ := pem.Decode(b); blk != nil {
		b = blk.Bytes
	}
	return x509.ParseCertificate(b)
}

// parseCertificates reads every certificate of a PEM file (or one DER
// certificate): while a provider rolls its key over, the file holds both.
func parseCertificates(b []byte) ([]*x509.Certificate, error) {
	if !bytes.Contains(b, []byte("-----BEGIN")) {
		c, err := x509.ParseCertificate(b)
		return []*x509.Certificate{c}, err
	}
	var out []*x509.Certificate
	for {
		var blk *pem.Block
		if blk, b = pem.Decode(b); blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("no certificate in the file")
	}
	return out, nil
}

// parseRSAKey reads a PKCS #1 or PKCS #8 RSA private key from PEM.
func parseRSAKey(b []byte) (*rsa.PrivateKey, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, errors.New("no PEM block")
	}
	if k, err := x509.ParsePKCS1PrivateKey(blk.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, err
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("the key is a %T, not RSA", k)
	}
	return rk, nil
}

var samlSignatureMethods = map[string]string{
	"RSAwithSHA1":   dsig.RSASHA1SignatureMethod,
	"RSAwithSHA256": dsig.RSASHA256SignatureMethod,
	"RSAwithSHA512": dsig.RSASHA512SignatureMethod,
}

// samlACSURL is the assertion consumer service: the setting, else
// <base>/login/sso/saml, base being the site URL the API layer found.
func samlACSURL(cfg *config.Config, base string) string {
	if cfg.SamlAssertionConsumerServiceURL != "" {
		return cfg.SamlAssertionConsumerServiceURL
	}
	return strings.TrimSuffix(base, "/") + "/login/sso/saml"
}

// samlProvider builds the service provider from the settings: Parley's
// entity ID and keys, and the identity provider as the settings describe it
// (Mattermost keeps no IdP metadata, only its URL, issuer and certificate).
func (a *App) samlProvider(ctx context.Context, base string) (*saml.ServiceProvider, error) {
	cfg := a.Config()
	if !cfg.SamlEnable {
		return nil, errSamlNotAvailable()
	}
	bad := func(setting string, err error) error {
		return model.NewAppError(http.StatusInternalServerError, "ent.saml.configure.load_certificate.app_error",
			"SAML: "+setting+" cannot be used: "+err.Error())
	}
	acs, err := url.Parse(samlACSURL(cfg, base))
	if err != nil {
		return nil, bad("AssertionConsumerServiceURL", err)
	}
	meta, err := url.Parse(strings.TrimSuffix(base, "/") + "/api/v4/saml/metadata")
	if err != nil {
		return nil, bad("SiteURL", err)
	}
	raw, err := os.ReadFile(samlFile(cfg, cfg.SamlIdpCertificateFile))
	if err != nil {
		return nil, bad("IdpCertificateFile", err)
	}
	idpCerts, err := parseCertificates(raw)
	if err != nil {
		return nil, bad("IdpCertificateFile", err)
	}
	entityID := cfg.SamlServiceProviderIdentifier
	if entityID == "" {
		entityID = acs.String()
	}
	sp := &saml.ServiceProvider{
		EntityID: entityID, AcsURL: *acs, MetadataURL: *meta,
		AssertionConsumerServiceBindings: []string{saml.HTTPPostBinding},
		// Unspecified, spelled out: the IdP picks the NameID, and Keycloak
		// refuses a request without a format.
		AuthnNameIDFormat: saml.UnspecifiedNameIDFormat, SendUnspecifiedNameIDFormat: true,
		AllowIDPInitiated: cfg.SamlAllowIDPInitiated,
		ReplayCache:       samlReplayCache{ctx: ctx, a: a},
		IDPMetadata:       samlIDPMetadata(cfg, idpCerts),
		// The certificate is the key the admin chose to trust, not a chain
		// to check; providers keep signing with expired ones (the metadata
		// interoperability profile allows it), and Mattermost accepts them.
		IgnoreCertificateExpiry: true,
	}
	if cfg.SamlScopingIDPProviderID != "" {
		sp.Scoping = &saml.Scoping{IDPList: &saml.IDPList{IDPEntries: []saml.IDPEntry{
			{ProviderID: cfg.SamlScopingIDPProviderID, Name: cfg.SamlScopingIDPName}}}}
	}
	if cfg.SamlPrivateKeyFile != "" && cfg.SamlPublicCertificateFile != "" {
		kb, err := os.ReadFile(samlFile(cfg, cfg.SamlPrivateKeyFile))
		if err != nil {
			return nil, bad("PrivateKeyFile", err)
		}
		key, err := parseRSAKey(kb)
		if err != nil {
			return nil, bad("PrivateKeyFile", err)
		}
		cb, err := os.ReadFile(samlFile(cfg, cfg.SamlPublicCertificateFile))
		if err != nil {
			return nil, bad("PublicCertificateFile", err)
		}
		cert, err := parseCertificate(cb)
		if err != nil {
			return nil, bad("PublicCertificateFile", err)
		}
		sp.Key, sp.Certificate = key, cert
		if cfg.SamlSignRequest {
			sp.SignatureMethod = samlSignatureMethods[cfg.SamlSignatureAlgorithm]
		}
	}
	return sp, nil
}

// samlIDPMetadata describes the identity provider from the settings: its
// issuer, its single sign-on URL for both front-channel bindings, and its
// signing certificate.
func samlIDPMetadata(cfg *config.Config, certs []*x509.Certificate) *saml.EntityDescriptor {
	kds := make([]saml.KeyDescriptor, 0, len(certs))
	for _, c := range certs {
		kds = append(kds, saml.KeyDescriptor{Use: "signing", KeyInfo: saml.KeyInfo{X509Data: saml.X509Data{
			X509Certificates: []saml.X509Certificate{{Data: base64.StdEncoding.EncodeToString(c.Raw)}}}}})
	}
	return &saml.EntityDescriptor{EntityID: cfg.SamlIdpDescriptorURL, IDPSSODescriptors: []saml.IDPSSODescriptor{{
		SSODescriptor: saml.SSODescriptor{RoleDescriptor: saml.RoleDescriptor{
			ProtocolSupportEnumeration: "urn:oasis:names:tc:SAML:2.0:protocol", KeyDescriptors: kds}},
		SingleSignOnServices: []saml.Endpoint{{Binding: saml.HTTPRedirectBinding, Location: cfg.SamlIdpURL},
			{Binding: saml.HTTPPostBinding, Location: cfg.SamlIdpURL}},
	}}}
}

// samlReplayCache keeps the ids of accepted assertions in the tokens table,
// shared by every node, so a captured answer is accepted once.
type samlReplayCache struct {
	ctx context.Context
	a   *App
}

func (c samlReplayCache) Consume(assertionID string, _ time.Time) error {
	err := c.a.store.SaveToken(c.ctx, &model.Token{Hash: hashToken("saml-assertion:" + assertionID),
		Type: model.TokenTypeSAMLAssertion, CreateAt: model.Now()})
	if err != nil {
		return fmt.Errorf("%w (%v)", saml.ErrAssertionReplayed, err)
	}
	return nil
}

// SamlStart is where StartSAML sends the browser: a redirect (HTTP-Redirect
// binding) or, for a signed request, a page whose form posts it (HTTP-POST
// binding, the XML signature surviving the identity provider's login form,
// which a signed query string does not). Nonce is the form's script nonce.
type SamlStart struct {
	RedirectURL   string
	Form          []byte
	Nonce, Target string
}

// StartSAML makes an AuthnRequest. Its id is signed with a key every node
// has (samlRequestID), so the answer can be matched to it on any node without
// anything stored per request; relayState, a local path the API layer
// checked, comes back with the answer.
func (a *App) StartSAML(ctx context.Context, base, relayState string) (*SamlStart, error) {
	sp, err := a.samlProvider(ctx, base)
	if err != nil {
		return nil, err
	}
	idpURL := a.Config().SamlIdpURL
	// Made unsigned, then given Parley's id, then signed if it goes by POST.
	req, err := sp.MakeAuthenticationRequest(idpURL, saml.HTTPRedirectBinding, saml.HTTPPostBinding)
	if err != nil {
		return nil, model.ErrInternal(fmt.Errorf("saml request: %w", err))
	}
	if req.ID, err = a.samlRequestID(ctx, time.Now()); err != nil {
		return nil, model.ErrInternal(err)
	}
	if sp.SignatureMethod != "" {
		if err := sp.SignAuthnRequest(req); err != nil {
			return nil, model.ErrInternal(fmt.Errorf("saml request: %w", err))
		}
		nonce := model.NewID()
		return &SamlStart{Form: req.PostWithNonce(relayState, nonce), Nonce: nonce, Target: idpURL}, nil
	}
	u, err := req.Redirect(relayState, sp)
	if err != nil {
		return nil, model.ErrInternal(fmt.Errorf("saml request: %w", err))
	}
	return &SamlStart{RedirectURL: u.String()}, nil
}

const samlSecretKey = "saml_request_secret"

// samlSecret is the key request ids are signed with, made on first use and
// kept in the database so that every node accepts every node's ids.
func (a *App) samlSecret(ctx context.Context) ([]byte, error) {
	v, err := a.store.GetSystem(ctx, samlSecretKey)
	if errors.Is(err, store.ErrNotFound) || (err == nil && v == "") {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		if err := a.store.SetSystem(ctx, samlSecretKey, hex.EncodeToString(b)); err != nil {
			return nil, err
		}
		v, err = a.store.GetSystem(ctx, samlSecretKey)
	}
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(v)
}

func samlMAC(secret []byte, payload string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(payload))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// samlRequestID is id-<millis>-<random>-<mac>: an xs:ID that says when
// Parley made it and that Parley did.
func (a *App) samlRequestID(ctx context.Context, now time.Time) (string, error) {
	secret, err := a.samlSecret(ctx)
	if err != nil {
		return "", err
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	payload := strconv.FormatInt(now.UnixMilli(), 16) + "-" + hex.EncodeToString(b)
	return "id-" + payload + "-" + samlMAC(secret, payload), nil
}

// samlRequestValid reports whether id is a request id Parley made no longer
// than samlRequestMaxAge ago.
func (a *App) samlRequestValid(ctx context.Context, id string) (bool, error) {
	parts := strings.Split(strings.TrimPrefix(id, "id-"), "-")
	if !strings.HasPrefix(id, "id-") || len(parts) != 3 {
		return false, nil
	}
	secret, err := a.samlSecret(ctx)
	if err != nil {
		return false, err
	}
	if !hmac.Equal([]byte(parts[2]), []byte(samlMAC(secret, parts[0]+"-"+parts[1]))) {
		return false, nil
	}
	ms, err := strconv.ParseInt(parts[0], 16, 64)
	if err != nil {
		return false, nil
	}
	age := time.Since(time.UnixMilli(ms))
	return age >= -time.Minute && age <= samlRequestMaxAge, nil
}

// inResponseTo reads the InResponseTo of a Response's root element, before
// anything is verified: it only picks the kept request to check against.
func inResponseTo(doc []byte) string {
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := d.Token()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, at := range se.Attr {
				if at.Name.Local == "InResponseTo" {
					return at.Value
				}
			}
			return ""
		}
	}
}

// samlIdentity is what an assertion says about the user.
type samlIdentity struct {
	ID, Email, Username, FirstName, LastName, Nickname, Position, Locale string
	Admin, Guest                                                         bool
}

// samlAttr is the first value of the attribute named name (its Name, or
// its FriendlyName, which the System Console's examples use).
func samlAttr(as *saml.Assertion, name string) string {
	if name == "" {
		return ""
	}
	for _, st := range as.AttributeStatements {
		for _, at := range st.Attributes {
			if (at.Name == name || at.FriendlyName == name) && len(at.Values) > 0 {
				return strings.TrimSpace(at.Values[0].Value)
			}
		}
	}
	return ""
}

// samlAttrIs reports whether an attribute=value condition holds: any value
// of the attribute equals the value.
func samlAttrIs(as *saml.Assertion, cond string) bool {
	name, want, ok := strings.Cut(cond, "=")
	name, want = strings.TrimSpace(name), strings.TrimSpace(want)
	if !ok || name == "" {
		return false
	}
	for _, st := range as.AttributeStatements {
		for _, at := range st.Attributes {
			if at.Name != name && at.FriendlyName != name {
				continue
			}
			for _, v := range at.Values {
				if strings.TrimSpace(v.Value) == want {
					return true
				}
			}
		}
	}
	return false
}

func samlIdentityOf(cfg *config.Config, as *saml.Assertion) (samlIdentity, error) {
	id := samlIdentity{
		Email:     strings.ToLower(samlAttr(as, cfg.SamlEmailAttribute)),
		Username:  strings.ToLower(samlAttr(as, cfg.SamlUsernameAttribute)),
		FirstName: samlAttr(as, cfg.SamlFirstNameAttribute), LastName: samlAttr(as, cfg.SamlLastNameAttribute),
		Nickname: samlAttr(as, cfg.SamlNicknameAttribute), Position: samlAttr(as, cfg.SamlPositionAttribute),
		Locale: samlAttr(as, cfg.SamlLocaleAttribute),
		Admin:  cfg.SamlEnableAdminAttribute && samlAttrIs(as, cfg.SamlAdminAttribute),
	}
	id.Guest = cfg.GuestAccountsEnable && cfg.SamlGuestAttribute != "" && samlAttrIs(as, cfg.SamlGuestAttribute) && !id.Admin
	if !model.IsValidEmail(id.Email) {
		return id, model.NewAppError(http.StatusBadRequest, "ent.saml.do_login.empty_email.app_error",
			"The identity provider's answer has no valid email address in the attribute "+cfg.SamlEmailAttribute+".")
	}
	if id.Username == "" {
		return id, model.NewAppError(http.StatusBadRequest, "ent.saml.do_login.empty_username.app_error",
			"The identity provider's answer has no username in the attribute "+cfg.SamlUsernameAttribute+".")
	}
	// Mattermost's rule: without an id attribute, the email is the id.
	id.ID = id.Email
	if cfg.SamlIDAttribute != "" {
		if id.ID = samlAttr(as, cfg.SamlIDAttribute); id.ID == "" {
			return id, model.NewAppError(http.StatusBadRequest, "ent.saml.do_login.empty_id.app_error",
				"The identity provider's answer has no value in the id attribute "+cfg.SamlIDAttribute+".")
		}
	}
	return id, nil
}

// CompleteSAML is the assertion consumer service: it verifies the identity
// provider's answer (base64, as posted), finds or creates the account and
// logs it in; mobile makes it a mobile app's session.
func (a *App) CompleteSAML(ctx context.Context, base, samlResponse, userAgent string, mobile bool) (*model.User, *model.Session, error) {
	sp, err := a.samlProvider(ctx, base)
	if err != nil {
		return nil, nil, err
	}
	doc, err := base64.StdEncoding.DecodeString(strings.TrimSpace(samlResponse))
	if err != nil || len(doc) == 0 {
		return nil, nil, model.NewAppError(http.StatusBadRequest, "api.user.saml.invalid_response.app_error",
			"The request carries no SAMLResponse.")
	}
	// The request the answer names must be one Parley made, recently.
	// Without one, only IdP-initiated sign-in can accept it.
	var ids []string
	irt := inResponseTo(doc)
	if irt != "" {
		ok, err := a.samlRequestValid(ctx, irt)
		if err != nil {
			return nil, nil, model.ErrInternal(err)
		}
		if ok {
			ids = []string{irt}
		}
	}
	as, err := sp.ParseXMLResponse(doc, ids, sp.AcsURL)
	if err != nil {
		detail := err
		var ire *saml.InvalidResponseError
		if errors.As(err, &ire) && ire.PrivateErr != nil {
			detail = ire.PrivateErr
		}
		a.log.WarnContext(ctx, "SAML answer refused", "err", detail)
		return nil, nil, errSamlInvalid("The identity provider's answer was refused: " + detail.Error())
	}
	// A request is answered once: its id is kept once an answer to it is
	// accepted (so only real sign-ins are stored), and a second is refused.
	if len(ids) > 0 {
		err := a.store.SaveToken(ctx, &model.Token{Hash: hashToken("saml-request:" + irt), Type: model.TokenTypeSAMLRequest,
			CreateAt: model.Now()})
		if errors.Is(err, store.ErrConflict) {
			return nil, nil, errSamlInvalid("The identity provider's answer was refused: the request was answered already.")
		}
		if err != nil {
			return nil, nil, model.ErrInternal(err)
		}
	}
	ident, err := samlIdentityOf(a.Config(), as)
	if err != nil {
		return nil, nil, err
	}
	u, err := a.samlUser(ctx, ident)
	if err != nil {
		return nil, nil, err
	}
	return a.finishLogin(ctx, u, LoginRequest{Mobile: mobile}, userAgent, 0)
}

// samlUser finds the account of an identity and brings it up to date, or
// creates it. An account found by its email is used only when it is a SAML
// account already (its id attribute changed, or it was migrated with
// `parley user migrate-auth`); another account with that email is not taken
// over, as Mattermost refuses it too.
func (a *App) samlUser(ctx context.Context, id samlIdentity) (*model.User, error) {
	u, err := a.store.GetUserByAuth(ctx, AuthServiceSAML, id.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, model.ErrInternal(err)
	}
	if u == nil {
		byEmail, err := a.store.GetUserByEmail(ctx, id.Email)
		switch {
		case err == nil && byEmail.AuthService == AuthServiceSAML:
			u = byEmail
		case err == nil:
			return nil, model.NewAppError(http.StatusConflict, "app.user.save.email_exists.app_error",
				"An account with that email already exists; an administrator can move it to SAML with `parley user migrate-auth`.")
		case !errors.Is(err, store.ErrNotFound):
			return nil, model.ErrInternal(err)
		}
	}
	if u == nil {
		return a.createSamlUser(ctx, id)
	}
	return a.applySamlIdentity(ctx, u, id)
}

func samlRoles(id samlIdentity) string {
	return ldapRoles(ldapEntry{Admin: id.Admin, Guest: id.Guest})
}

func (a *App) createSamlUser(ctx context.Context, id samlIdentity) (*model.User, error) {
	if !a.Config().EnableUserCreation {
		return nil, model.NewAppError(http.StatusNotImplemented, "api.user.create_user.signup_email_disabled.app_error",
			"User sign-up is disabled.")
	}
	now := model.Now()
	authData := id.ID
	u := &model.User{ID: model.NewID(), CreateAt: now, UpdateAt: now, Username: id.Username, Email: id.Email, EmailVerified: true,
		FirstName: id.FirstName, LastName: id.LastName, Nickname: id.Nickname, Position: id.Position, Locale: id.Locale,
		AuthService: AuthServiceSAML, AuthData: &authData, Roles: samlRoles(id)}
	u.PreSave()
	if appErr := u.IsValid(); appErr != nil {
		return nil, appErr
	}
	if err := a.saveNewUser(ctx, a.store, u); err != nil {
		return nil, err
	}
	a.audit(ctx, nil, model.AuditUserCreate, "user", u.ID, true, "username="+u.Username+" auth_service=saml")
	return u, nil
}

// applySamlIdentity copies the assertion's attributes onto u, as each LDAP
// login copies the directory's: the mapped fields follow the identity
// provider, the roles follow the admin and guest attributes when they are in
// use.
func (a *App) applySamlIdentity(ctx context.Context, u *model.User, id samlIdentity) (*model.User, error) {
	cfg := a.Config()
	before := *u
	authData := id.ID
	u.Username, u.Email, u.EmailVerified, u.AuthData = id.Username, id.Email, true, &authData
	for _, f := range []struct {
		attr string
		dst  *string
		from string
	}{{cfg.SamlFirstNameAttribute, &u.FirstName, id.FirstName}, {cfg.SamlLastNameAttribute, &u.LastName, id.LastName},
		{cfg.SamlNicknameAttribute, &u.Nickname, id.Nickname}, {cfg.SamlPositionAttribute, &u.Position, id.Position},
		{cfg.SamlLocaleAttribute, &u.Locale, id.Locale}} {
		if f.attr != "" && f.from != "" {
			*f.dst = f.from
		}
	}
	guestAttr := cfg.GuestAccountsEnable && cfg.SamlGuestAttribute != ""
	if cfg.SamlEnableAdminAttribute && !u.IsGuest() && !id.Guest {
		u.Roles = samlRoles(id)
	}
	changed := u.Username != before.Username || u.Email != before.Email || u.FirstName != before.FirstName || u.LastName != before.LastName ||
		u.Nickname != before.Nickname || u.Position != before.Position || u.Locale != before.Locale || u.Roles != before.Roles ||
		u.EmailVerified != before.EmailVerified || before.AuthData == nil || *before.AuthData != authData
	return a.saveProviderUser(ctx, u, changed, guestAttr, id.Guest)
}

// samlOwnedAttribute names the first field of p the identity provider owns
// for u and p would change, or "".
func (a *App) samlOwnedAttribute(u *model.User, p *model.UserPatch) string {
	cfg := a.Config()
	if u.AuthService != AuthServiceSAML || !cfg.SamlEnable {
		return ""
	}
	return changedOwnedAttribute(u, p, [6]string{cfg.SamlUsernameAttribute, cfg.SamlEmailAttribute, cfg.SamlFirstNameAttribute,
		cfg.SamlLastNameAttribute, cfg.SamlNicknameAttribute, cfg.SamlPositionAttribute})
}

// SamlMetadata is Parley's service provider metadata, for the identity
// provider: entity ID, assertion consumer service (HTTP-POST), and the
// certificate for encryption (with Encrypt) and for signed requests (with
// SignRequest).
func (a *App) SamlMetadata(ctx context.Context, base string) ([]byte, error) {
	sp, err := a.samlProvider(ctx, base)
	if err != nil {
		if ae := (*model.AppError)(nil); errors.As(err, &ae) && ae.ID == "api.user.saml.not_available.app_error" {
			return nil, model.NewAppError(http.StatusNotImplemented, "api.admin.saml.not_available.app_error",
				"SAML 2.0 is not configured or supported on this server.")
		}
		return nil, err
	}
	cfg := a.Config()
	md := sp.Metadata()
	for i := range md.SPSSODescriptors {
		d := &md.SPSSODescriptors[i]
		// Parley has no single logout endpoint to offer.
		d.SingleLogoutServices = nil
		var kds []saml.KeyDescriptor
		for _, kd := range d.KeyDescriptors {
			if (kd.Use == "encryption" && cfg.SamlEncrypt) || (kd.Use == "signing" && cfg.SamlSignRequest) {
				kds = append(kds, kd)
			}
		}
		d.KeyDescriptors = kds
	}
	out, err := xml.MarshalIndent(md, "", "  ")
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	return out, nil
}

// SamlCertificateStatus is GET /saml/certificate/status.
type SamlCertificateStatus struct {
	IdpCertificateFile    bool `json:"idp_certificate_file"`
	PrivateKeyFile        bool `json:"private_key_file"`
	PublicCertificateFile bool `json:"public_certificate_file"`
}

// SamlCertificates says which of the three files are set and readable.
func (a *App) SamlCertificates(s *model.Session) (SamlCertificateStatus, error) {
	if !a.IsAdmin(s) {
		return SamlCertificateStatus{}, model.ErrForbidden()
	}
	cfg := a.Config()
	present := func(name string) bool {
		if name == "" {
			return false
		}
		_, err := os.Stat(samlFile(cfg, name))
		return err == nil
	}
	return SamlCertificateStatus{IdpCertificateFile: present(cfg.SamlIdpCertificateFile),
		PrivateKeyFile: present(cfg.SamlPrivateKeyFile), PublicCertificateFile: present(cfg.SamlPublicCertificateFile)}, nil
}

// samlCertificateKinds maps the API's names to the file and setting.
var samlCertificateKinds = map[string]struct{ file, setting string }{
	"idp":     {SamlIdpCertificateName, "IdpCertificateFile"},
	"public":  {SamlPublicCertificateName, "PublicCertificateFile"},
	"private": {SamlPrivateKeyName, "PrivateKeyFile"},
}

// UploadSamlCertificate checks and stores one of the three files in
// data_dir and points its setting at it, as Mattermost does with a fixed
// file name.
func (a *App) UploadSamlCertificate(ctx context.Context, s *model.Session, kind string, data []byte) error {
	k, ok := samlCertificateKinds[kind]
	if !ok {
		return model.NewAppError(http.StatusNotFound, "api.context.404.app_error", "Sorry, we could not find the page.")
	}
	if !a.IsAdmin(s) {
		return model.ErrForbidden()
	}
	if len(data) == 0 {
		return model.NewAppError(http.StatusBadRequest, "api.admin.add_certificate.no_file.app_error", "No file under 'certificate' in request.")
	}
	var err error
	what := "certificate"
	switch kind {
	case "private":
		what = "RSA private key"
		_, err = parseRSAKey(data)
	case "idp":
		_, err = parseCertificates(data)
	default:
		_, err = parseCertificate(data)
	}
	if err != nil {
		return model.NewAppError(http.StatusBadRequest, "api.admin.add_certificate.parse.app_error",
			"The file is not a PEM "+what+": "+err.Error())
	}
	path := filepath.Join(a.Config().DataDir, k.file)
	old, readErr := os.ReadFile(path)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return model.NewAppError(http.StatusInternalServerError, "api.admin.add_certificate.saving.app_error",
			"The certificate could not be saved.").Wrap(err)
	}
	if err := a.setSamlSettings(ctx, s, map[string]any{k.setting: k.file}); err != nil {
		// The settings refused it: the file goes back to what it was.
		if readErr == nil {
			_ = os.WriteFile(path, old, 0o600)
		} else {
			_ = os.Remove(path)
		}
		return err
	}
	return nil
}

// RemoveSamlCertificate deletes one of the files and clears its setting; as
// in Mattermost, without the IdP certificate SAML is off, and without
// Parley's key or certificate so are encryption and signed requests.
func (a *App) RemoveSamlCertificate(ctx context.Context, s *model.Session, kind string) error {
	k, ok := samlCertificateKinds[kind]
	if !ok {
		return model.NewAppError(http.StatusNotFound, "api.context.404.app_error", "Sorry, we could not find the page.")
	}
	if !a.IsAdmin(s) {
		return model.ErrForbidden()
	}
	cfg := a.Config()
	set := map[string]any{k.setting: ""}
	if kind == "idp" {
		set["Enable"] = false
	} else {
		set["Encrypt"], set["SignRequest"] = false, false
	}
	if err := a.setSamlSettings(ctx, s, set); err != nil {
		return err
	}
	// Only the file the API wrote goes; a file the operator named stays.
	cur := map[string]string{"idp": cfg.SamlIdpCertificateFile, "public": cfg.SamlPublicCertificateFile, "private": cfg.SamlPrivateKeyFile}[kind]
	if cur == k.file {
		if err := os.Remove(filepath.Join(cfg.DataDir, k.file)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return model.NewAppError(http.StatusInternalServerError, "api.admin.remove_certificate.delete.app_error",
				"The certificate could not be removed.").Wrap(err)
		}
	}
	return nil
}

// setSamlSettings saves SamlSettings changes through the configuration API's
// path, so they are validated, written to the file and put in force.
func (a *App) setSamlSettings(ctx context.Context, s *model.Session, set map[string]any) error {
	doc := config.Doc{"SamlSettings": {}}
	for name, v := range set {
		js, err := json.Marshal(v)
		if err != nil {
			return model.ErrInternal(err)
		}
		doc["SamlSettings"][name] = js
	}
	_, err := a.UpdateConfig(ctx, s, doc, true)
	return err
}

// SamlMetadataFromIdp is what POST /saml/metadatafromidp answers: the
// settings an identity provider's metadata gives.
type SamlMetadataFromIdp struct {
	IdpDescriptorURL     string `json:"idp_descriptor_url"`
	IdpURL               string `json:"idp_url"`
	IdpPublicCertificate string `json:"idp_public_certificate"`
}

// SamlMetadataFromIdpURL reads an identity provider's metadata (from
// metadataURL, else IdpMetadataURL) for the System Console to fill in the
// settings. Admins only: it makes Parley fetch a URL.
func (a *App) SamlMetadataFromIdpURL(ctx context.Context, s *model.Session, metadataURL string) (*SamlMetadataFromIdp, error) {
	if !a.IsAdmin(s) {
		return nil, model.ErrForbidden()
	}
	if metadataURL == "" {
		metadataURL = a.Config().SamlIdpMetadataURL
	}
	u, err := url.Parse(metadataURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, model.NewAppError(http.StatusBadRequest, "api.admin.saml.invalid_xml_missing_idpssodescriptors.app_error",
			"saml_metadata_url is not an http(s) URL.")
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	fail := func(err error) error {
		return model.NewAppError(http.StatusInternalServerError, "app.admin.saml.failure_read_response_body_from_idp.app_error",
			"The identity provider's metadata could not be read: "+err.Error())
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fail(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fail(fmt.Errorf("%s answered %s", u, resp.Status))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, fail(err)
	}
	md, err := parseIdpMetadata(body)
	if err != nil {
		return nil, model.NewAppError(http.StatusBadRequest, "api.admin.saml.invalid_xml_missing_idpssodescriptors.app_error",
			"The metadata has no IDPSSODescriptor.")
	}
	out := &SamlMetadataFromIdp{IdpDescriptorURL: md.EntityID}
	d := md.IDPSSODescriptors[0]
	for _, e := range d.SingleSignOnServices {
		if e.Binding == saml.HTTPRedirectBinding || (out.IdpURL == "" && e.Binding == saml.HTTPPostBinding) {
			out.IdpURL = e.Location
		}
	}
	for _, kd := range d.KeyDescriptors {
		if kd.Use != "" && kd.Use != "signing" || len(kd.KeyInfo.X509Data.X509Certificates) == 0 {
			continue
		}
		der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(kd.KeyInfo.X509Data.X509Certificates[0].Data), ""))
		if err != nil {
			continue
		}
		out.IdpPublicCertificate = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
		break
	}
	return out, nil
}

// parseIdpMetadata finds the identity provider in a metadata document: an
// EntityDescriptor, or the first with an IDPSSODescriptor in an
// EntitiesDescriptor (federation metadata, Entra ID's).
func parseIdpMetadata(b []byte) (*saml.EntityDescriptor, error) {
	var one saml.EntityDescriptor
	if err := xml.Unmarshal(b, &one); err == nil && len(one.IDPSSODescriptors) > 0 {
		return &one, nil
	}
	var many saml.EntitiesDescriptor
	if err := xml.Unmarshal(b, &many); err != nil {
		return nil, err
	}
	for i := range many.EntityDescriptors {
		if len(many.EntityDescriptors[i].IDPSSODescriptors) > 0 {
			return &many.EntityDescriptors[i], nil
		}
	}
	return nil, errors.New("no IDPSSODescriptor")
}

// MigrateAuthToSaml is `parley user migrate-auth email saml` and `ldap
// saml` (mmctl user migrate-auth): the accounts of from (empty: email and
// password; or ldap) become SAML accounts. With auto, every one of them, its
// SAML id being its email (what the identity provider's email attribute must
// then say); else those whose email is a key of ids, with that value as SAML
// id (the id attribute's value, or the SAML email when IdAttribute is empty).
func (a *App) MigrateAuthToSaml(ctx context.Context, from string, ids map[string]string, auto, dryRun bool) ([]AuthMigration, error) {
	users, err := a.store.UsersByAuthService(ctx, from)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	byEmail := make(map[string]string, len(ids))
	for email, id := range ids {
		byEmail[strings.ToLower(strings.TrimSpace(email))] = strings.TrimSpace(id)
	}
	var plan []AuthMigration
	for _, u := range users {
		if u.IsBot {
			continue
		}
		id, ok := u.Email, auto
		if !auto {
			id, ok = byEmail[u.Email]
		}
		if !ok {
			continue
		}
		m := AuthMigration{UserID: u.ID, Username: u.Username}
		if id == "" {
			m.Problem = "empty SAML id"
		} else if !dryRun {
			if err := a.setAuth(ctx, u.ID, AuthServiceSAML, id); err != nil {
				m.Problem = err.Error()
			}
		}
		plan = append(plan, m)
	}
	return plan, nil
}

// ResetSamlAuthData is POST /saml/reset_auth_data: the SAML accounts' ids
// become their emails again, for when IdAttribute was cleared. Deactivated
// accounts only with includeDeleted; only userIDs when given; a dry run
// counts.
func (a *App) ResetSamlAuthData(ctx context.Context, s *model.Session, includeDeleted, dryRun bool, userIDs []string) (int, error) {
	if !a.IsAdmin(s) {
		return 0, model.ErrForbidden()
	}
	users, err := a.store.UsersByAuthService(ctx, AuthServiceSAML)
	if err != nil {
		return 0, model.ErrInternal(err)
	}
	only := make(map[string]bool, len(userIDs))
	for _, id := range userIDs {
		only[id] = true
	}
	n := 0
	for _, u := range users {
		if (u.DeleteAt > 0 && !includeDeleted) || (len(only) > 0 && !only[u.ID]) || (u.AuthData != nil && *u.AuthData == u.Email) {
			continue
		}
		if !dryRun {
			if err := a.setAuth(ctx, u.ID, AuthServiceSAML, u.Email); err != nil {
				return n, err
			}
		}
		n++
	}
	return n, nil
}
