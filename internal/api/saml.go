package api

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/parley-chat/parley/internal/model"
)

// SAML 2.0: the metadata and certificate calls of the System Console under
// /api/v4/saml, and the browser's sign-in at /login/sso/saml (SamlHandler).
func (h *Handler) samlRoutes() {
	h.get("/saml/metadata", h.samlMetadata, authOptional)
	h.post("/saml/metadatafromidp", h.samlMetadataFromIdp)
	h.get("/saml/certificate/status", h.samlCertificateStatus)
	h.post("/saml/reset_auth_data", h.resetSamlAuthData)
	for _, kind := range []string{"idp", "public", "private"} {
		h.post("/saml/certificate/"+kind, h.uploadSamlCertificate(kind))
		h.delete("/saml/certificate/"+kind, h.removeSamlCertificate(kind))
	}
}

// maxSamlBody bounds what the identity provider posts and what an admin
// uploads; answers and certificates are a few kilobytes.
const maxSamlBody = 1 << 20

// siteBase is the site's address: SiteURL, else what the browser reached.
func (c *Context) siteBase() string {
	if base := strings.TrimSuffix(c.app.Config().SiteURL, "/"); base != "" {
		return base
	}
	scheme := "http"
	if c.secure() {
		scheme = "https"
	}
	return scheme + "://" + c.r.Host
}

func (h *Handler) samlMetadata(c *Context) error {
	md, err := c.app.SamlMetadata(c.ctx, c.siteBase())
	if err != nil {
		return err
	}
	c.w.Header().Set("Content-Type", "application/xml")
	c.w.Header().Set("Content-Disposition", `attachment; filename="metadata.xml"`)
	c.status = http.StatusOK
	c.w.WriteHeader(http.StatusOK)
	_, err = c.w.Write(md)
	return err
}

func (h *Handler) samlMetadataFromIdp(c *Context) error {
	var body struct {
		URL string `json:"saml_metadata_url"`
	}
	if err := c.decode(&body, "saml_metadata_url"); err != nil {
		return err
	}
	md, err := c.app.SamlMetadataFromIdpURL(c.ctx, c.Session, body.URL)
	if err != nil {
		return err
	}
	return c.ok(md)
}

func (h *Handler) resetSamlAuthData(c *Context) error {
	var body struct {
		IncludeDeleted bool     `json:"include_deleted"`
		DryRun         bool     `json:"dry_run"`
		UserIDs        []string `json:"user_ids"`
	}
	// Every field has a default, so an empty body is all of them.
	if c.r.ContentLength != 0 {
		if err := c.decode(&body, "body"); err != nil {
			return err
		}
	}
	n, err := c.app.ResetSamlAuthData(c.ctx, c.Session, body.IncludeDeleted, body.DryRun, body.UserIDs)
	if err != nil {
		return err
	}
	return c.ok(map[string]int{"num_affected": n})
}

func (h *Handler) samlCertificateStatus(c *Context) error {
	st, err := c.app.SamlCertificates(c.Session)
	if err != nil {
		return err
	}
	return c.ok(st)
}

// uploadSamlCertificate reads the multipart field "certificate".
func (h *Handler) uploadSamlCertificate(kind string) handlerFunc {
	return func(c *Context) error {
		if !c.app.IsAdmin(c.Session) {
			return model.ErrForbidden()
		}
		c.r.Body = http.MaxBytesReader(c.w, c.r.Body, maxSamlBody)
		f, _, err := c.r.FormFile("certificate")
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return model.NewAppError(http.StatusRequestEntityTooLarge, "api.admin.add_certificate.too_large.app_error",
					"The certificate file is too large.")
			}
			return model.NewAppError(http.StatusBadRequest, "api.admin.add_certificate.no_file.app_error",
				"No file under 'certificate' in request.")
		}
		defer f.Close()
		data, err := io.ReadAll(f)
		if err != nil {
			return model.NewAppError(http.StatusBadRequest, "api.admin.add_certificate.open.app_error",
				"Could not open the certificate file.").Wrap(err)
		}
		if err := c.app.UploadSamlCertificate(c.ctx, c.Session, kind, data); err != nil {
			return err
		}
		return c.statusOK()
	}
}

func (h *Handler) removeSamlCertificate(kind string) handlerFunc {
	return func(c *Context) error {
		if err := c.app.RemoveSamlCertificate(c.ctx, c.Session, kind); err != nil {
			return err
		}
		return c.statusOK()
	}
}

// SamlHandler serves Mattermost's browser route of SAML sign-in, outside
// /api/v4: GET /login/sso/saml (optional redirect_to; action=mobile with a
// mobile app's redirect_to, docs/identity.md#mobile-apps) sends the browser to
// the identity provider; POST /login/sso/saml is the assertion consumer
// service, where the provider posts SAMLResponse and RelayState.
func (h *Handler) SamlHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := h.newContext(w, r)
		w.Header().Set("X-Request-Id", c.RequestID)
		// Anyone may post here and each post is XML to parse and a
		// signature to check: the API's per-address limit applies.
		if !c.rateLimit() {
			return
		}
		var err error
		switch r.Method {
		case http.MethodGet:
			err = h.samlLogin(c)
		case http.MethodPost:
			err = h.samlComplete(c)
		default:
			err = model.NewAppError(http.StatusNotFound, "api.context.404.app_error", "Sorry, we could not find the page.")
		}
		if err != nil {
			c.writeError(err)
		}
	})
}

// samlRelay is a mobile app's RelayState as Mattermost writes it: base64 of
// a JSON object with action "mobile" and the app's redirect_to.
type samlRelay struct {
	Action     string `json:"action"`
	RedirectTo string `json:"redirect_to,omitempty"`
	IsMobile   string `json:"isMobile"`
}

// mobileRelay reads a mobile RelayState; a browser's, a local path, is not one.
func mobileRelay(relay string) (samlRelay, bool) {
	var r samlRelay
	js, err := base64.StdEncoding.DecodeString(relay)
	if err != nil || json.Unmarshal(js, &r) != nil || r.Action != samlActionMobile {
		return samlRelay{}, false
	}
	return r, true
}

func (h *Handler) samlLogin(c *Context) error {
	// The RelayState carries where to go afterwards; for a browser only a
	// local path is kept, here and again when it comes back.
	relay := localPath(c.query("redirect_to"))
	if c.query("action") == samlActionMobile {
		to := c.query("redirect_to")
		if to != "" && !c.validMobileRedirect(to) {
			return c.mobileError(errInvalidURLScheme(), "")
		}
		js, err := json.Marshal(samlRelay{Action: samlActionMobile, RedirectTo: to, IsMobile: "true"})
		if err != nil {
			return model.ErrInternal(err)
		}
		relay = base64.StdEncoding.EncodeToString(js)
	}
	st, err := c.app.StartSAML(c.ctx, c.siteBase(), relay)
	if err != nil {
		return err
	}
	if st.Form == nil {
		http.Redirect(c.w, c.r, st.RedirectURL, http.StatusFound)
		return nil
	}
	// The page only posts its form to the identity provider: its own
	// policy lets that one script run and that one form go there.
	origin := st.Target
	if u, err := url.Parse(st.Target); err == nil {
		origin = u.Scheme + "://" + u.Host
	}
	hdr := c.w.Header()
	hdr.Set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-"+st.Nonce+"'; form-action "+origin+"; base-uri 'none'")
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Cache-Control", "no-store")
	c.status = http.StatusOK
	c.w.WriteHeader(http.StatusOK)
	_, err = c.w.Write(st.Form)
	return err
}

func (h *Handler) samlComplete(c *Context) error {
	c.r.Body = http.MaxBytesReader(c.w, c.r.Body, maxSamlBody)
	if err := c.r.ParseForm(); err != nil {
		return model.NewAppError(http.StatusBadRequest, "api.user.saml.invalid_response.app_error",
			"The request carries no SAMLResponse.").Wrap(err)
	}
	// The RelayState is not signed: a mobile one may only name an app
	// scheme, checked again here.
	relay := c.r.PostForm.Get("RelayState")
	mr, mobile := mobileRelay(relay)
	if mobile && mr.RedirectTo != "" && !c.validMobileRedirect(mr.RedirectTo) {
		return c.mobileError(errInvalidURLScheme(), "")
	}
	u, s, err := c.app.CompleteSAML(c.ctx, c.siteBase(), c.r.PostForm.Get("SAMLResponse"), c.r.UserAgent(), mobile)
	if err != nil {
		if mobile && mr.RedirectTo != "" {
			return c.mobileError(err, mr.RedirectTo)
		}
		return err
	}
	c.setSessionCookies(u, s)
	if mobile {
		if mr.RedirectTo != "" {
			return c.mobileAuthComplete(mr.RedirectTo, s)
		}
		// An app without redirect_to reads the cookies in its web view.
		return c.statusOK()
	}
	to := localPath(relay)
	if to == "" {
		to = c.cookiePath()
	}
	http.Redirect(c.w, c.r, to, http.StatusFound)
	return nil
}
