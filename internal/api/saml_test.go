package api_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/samltest"
)

// TestSaml signs in through a real SAML 2.0 identity provider (crewjam/saml's
// samlidp, in the test process) as a browser does: Parley's metadata
// registers it with the provider, the first sign-in creates the account from
// the attributes, the next one finds it again; a tampered, unsigned,
// replayed, unsolicited or foreign answer is refused; a mobile app's sign-in
// hands the session to the app's URL scheme.
func TestSaml(t *testing.T) {
	idp := samltest.Start(t)
	sp := samltest.NewKeyPair(t, "parley")
	idp.AddUser(t, samltest.User{Name: "ann", Password: "ann-secret", Email: "ann@example.org", GivenName: "Ann",
		Surname: "Saml", CommonName: "Annie", Groups: []string{"staff"}})
	idp.AddUser(t, samltest.User{Name: "boss", Password: "boss-secret", Email: "boss@example.org", Groups: []string{"staff", "admins"}})
	idp.AddUser(t, samltest.User{Name: "taken", Password: "taken-secret", Email: "taken@example.com"})
	idp.AddUser(t, samltest.User{Name: "visitor", Password: "visitor-secret", Email: "visitor@example.org", Groups: []string{"guests"}})
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		s.SignUp("taken") // taken@example.com: a password account the IdP's user must not take over
		acs := s.URL + "/login/sso/saml"

		// The metadata Parley publishes is what the IdP is given.
		md := s.Anon().Get("/saml/metadata").Expect(http.StatusOK)
		if ct := md.Header.Get("Content-Type"); ct != "application/xml" {
			t.Fatalf("metadata content type %q", ct)
		}
		for _, want := range []string{`entityID="` + acs + `"`, `Location="` + acs + `"`, `use="encryption"`, `use="signing"`,
			`AuthnRequestsSigned="true"`} {
			if !strings.Contains(string(md.Body), want) {
				t.Fatalf("metadata lacks %s:\n%s", want, md.Body)
			}
		}
		if strings.Contains(string(md.Body), "SingleLogoutService") {
			t.Fatalf("metadata offers single logout:\n%s", md.Body)
		}
		idp.AddServiceProvider(t, "parley-"+s.Backend.Name, md.Body)

		var cc map[string]string
		s.Anon().Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cc)
		if cc["EnableSaml"] != "true" || cc["SamlLoginButtonText"] != "Company login" {
			t.Fatalf("client config EnableSaml %q, SamlLoginButtonText %q", cc["EnableSaml"], cc["SamlLoginButtonText"])
		}
		var lic map[string]string
		s.Anon().Get("/license/client?format=old").Expect(http.StatusOK).JSON(&lic)
		if lic["SAML"] != "true" {
			t.Fatalf("license SAML %q", lic["SAML"])
		}

		signIn := func(b *samltest.Browser, username, password string) (*http.Response, *apitest.Client) {
			t.Helper()
			f := b.Answer(t, acs+"?redirect_to=/staff/channels/town-square", username, password)
			if f.Action != acs || f.Fields.Get("RelayState") != "/staff/channels/town-square" {
				t.Fatalf("the IdP answers to %s with RelayState %q", f.Action, f.Fields.Get("RelayState"))
			}
			resp := b.Submit(t, f)
			resp.Body.Close()
			c := s.Anon()
			c.Token = b.Cookie(s.URL, "MMAUTHTOKEN")
			return resp, c
		}
		resp, ann := signIn(samltest.NewBrowser(t), "ann", "ann-secret")
		if resp.Request.URL.Path != "/staff/channels/town-square" || ann.Token == "" {
			t.Fatalf("sign-in ended at %s (%d), token %q", resp.Request.URL, resp.StatusCode, ann.Token)
		}
		var me model.User
		ann.Get("/users/me").Expect(http.StatusOK).JSON(&me)
		if me.AuthService != "saml" || me.Email != "ann@example.org" || me.Username != "ann" || me.FirstName != "Ann" ||
			me.LastName != "Saml" || me.Nickname != "Annie" || me.Roles != model.RoleSystemUser {
			t.Fatalf("account made by the first sign-in: %+v", me)
		}
		_, again := signIn(samltest.NewBrowser(t), "ann", "ann-secret")
		var me2 model.User
		again.Get("/users/me").Expect(http.StatusOK).JSON(&me2)
		if me2.ID != me.ID {
			t.Fatalf("second sign-in gave another account %s, want %s", me2.ID, me.ID)
		}
		// The mobile apps' sign-in hands the session to the app's scheme;
		// the RelayState carries the app's redirect_to as Mattermost writes it.
		mb := samltest.NewBrowser(t)
		mf := mb.Answer(t, acs+"?action=mobile&redirect_to="+url.QueryEscape("mmauth://callback"), "ann", "ann-secret")
		if rs := mustDecode(t, mf.Fields.Get("RelayState")); !strings.Contains(rs, `"action":"mobile"`) ||
			!strings.Contains(rs, `"redirect_to":"mmauth://callback"`) {
			t.Fatalf("mobile RelayState %s", rs)
		}
		if mob := mobileSignedIn(t, s, mb.Submit(t, mf)); mob.ID != me.ID {
			t.Fatalf("mobile sign-in gave account %s, want %s", mob.ID, me.ID)
		}
		mobileRefused(t, s, samltest.NewBrowser(t).Client,
			acs+"?action=mobile&redirect_to="+url.QueryEscape("https://evil.example/callback"))
		// The RelayState is not signed: one naming another scheme is refused
		// at the assertion consumer service, and no session is handed over.
		eb := samltest.NewBrowser(t)
		ef := eb.Answer(t, acs+"?action=mobile&redirect_to="+url.QueryEscape("mmauth://callback"), "ann", "ann-secret")
		ef.Fields.Set("RelayState", base64.StdEncoding.EncodeToString([]byte(`{"action":"mobile","redirect_to":"https://evil.example/callback"}`)))
		eresp := eb.Submit(t, ef)
		ebody, _ := io.ReadAll(eresp.Body)
		eresp.Body.Close()
		if !strings.Contains(string(ebody), "Invalid custom URL scheme") || strings.Contains(string(ebody), "MMAUTHTOKEN") ||
			eb.Cookie(s.URL, "MMAUTHTOKEN") != "" {
			t.Fatalf("forged mobile RelayState: %d\n%s", eresp.StatusCode, ebody)
		}

		// The identity provider owns the password and the mapped fields.
		ann.Put("/users/"+me.ID+"/password", map[string]string{"current_password": "x", "new_password": "another-pw-1"}).
			ExpectError(http.StatusBadRequest, "api.user.update_password.oauth.app_error")
		ann.Put("/users/"+me.ID+"/patch", map[string]string{"first_name": "Anna"}).
			ExpectError(http.StatusConflict, "api.user.patch_user.login_provider_attribute_set.app_error")
		ann.Put("/users/"+me.ID+"/patch", map[string]string{"position": "Engineer"}).Expect(http.StatusOK)

		// The admin attribute makes a system admin.
		_, boss := signIn(samltest.NewBrowser(t), "boss", "boss-secret")
		var bu model.User
		boss.Get("/users/me").Expect(http.StatusOK).JSON(&bu)
		if !strings.Contains(bu.Roles, model.RoleSystemAdmin) || bu.Username != "boss" {
			t.Fatalf("admin attribute: %+v", bu)
		}

		// The guest attribute makes a guest.
		_, guest := signIn(samltest.NewBrowser(t), "visitor", "visitor-secret")
		var gu model.User
		guest.Get("/users/me").Expect(http.StatusOK).JSON(&gu)
		if gu.Roles != model.RoleSystemGuest {
			t.Fatalf("guest attribute: roles %q", gu.Roles)
		}

		// With an id attribute, the account found by its email is re-keyed
		// to it; reset_auth_data makes the ids emails again.
		admin.Put("/config/patch", map[string]any{"SamlSettings": map[string]any{"IdAttribute": "uid"}}).Expect(http.StatusOK)
		if _, c := signIn(samltest.NewBrowser(t), "ann", "ann-secret"); c.Token == "" {
			t.Fatal("no sign-in with IdAttribute uid")
		}
		var reset map[string]int
		ann.Post("/saml/reset_auth_data", map[string]any{}).ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		admin.Post("/saml/reset_auth_data", map[string]any{"dry_run": true}).Expect(http.StatusOK).JSON(&reset)
		if reset["num_affected"] != 1 {
			t.Fatalf("reset_auth_data dry run: %v", reset)
		}
		admin.Post("/saml/reset_auth_data", map[string]any{"user_ids": []string{bu.ID}}).Expect(http.StatusOK).JSON(&reset)
		if reset["num_affected"] != 0 {
			t.Fatalf("reset_auth_data of boss (id attribute set after his sign-in): %v", reset)
		}
		admin.Post("/saml/reset_auth_data", nil).Expect(http.StatusOK).JSON(&reset)
		if reset["num_affected"] != 1 {
			t.Fatalf("reset_auth_data: %v", reset)
		}
		admin.Post("/saml/reset_auth_data", map[string]any{}).Expect(http.StatusOK).JSON(&reset)
		if reset["num_affected"] != 0 {
			t.Fatalf("reset_auth_data after the reset: %v", reset)
		}
		admin.Put("/config/patch", map[string]any{"SamlSettings": map[string]any{"IdAttribute": ""}}).Expect(http.StatusOK)

		// The System Console reads the provider's settings from its metadata.
		var fromIdp map[string]string
		admin.Post("/saml/metadatafromidp", map[string]string{"saml_metadata_url": idp.MetadataURL()}).Expect(http.StatusOK).JSON(&fromIdp)
		if fromIdp["idp_descriptor_url"] != idp.EntityID() || fromIdp["idp_url"] != idp.SSOURL() ||
			!strings.Contains(fromIdp["idp_public_certificate"], "BEGIN CERTIFICATE") {
			t.Fatalf("metadatafromidp: %v", fromIdp)
		}
		ann.Post("/saml/metadatafromidp", map[string]string{"saml_metadata_url": idp.MetadataURL()}).
			ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		admin.Post("/saml/metadatafromidp", map[string]string{"saml_metadata_url": "file:///etc/passwd"}).
			ExpectError(http.StatusBadRequest, "api.admin.saml.invalid_xml_missing_idpssodescriptors.app_error")

		// What is posted to the assertion consumer service that is no answer.
		for _, bad := range []struct {
			form   string
			status int
			id     string
		}{{"", http.StatusBadRequest, "api.user.saml.invalid_response.app_error"},
			{"SAMLResponse=%%%", http.StatusBadRequest, "api.user.saml.invalid_response.app_error"},
			{"SAMLResponse=bm90IFhNTA%3D%3D", http.StatusUnauthorized, "ent.saml.do_login.validate.app_error"}} {
			resp, err := http.Post(acs, "application/x-www-form-urlencoded", strings.NewReader(bad.form))
			if err != nil {
				t.Fatal(err)
			}
			var e model.AppError
			_ = json.NewDecoder(resp.Body).Decode(&e)
			resp.Body.Close()
			if resp.StatusCode != bad.status || e.ID != bad.id {
				t.Fatalf("ACS with %q: %d %s, want %d %s", bad.form, resp.StatusCode, e.ID, bad.status, bad.id)
			}
		}

		// An existing password account with the same email is not taken over.
		b := samltest.NewBrowser(t)
		taken := b.Submit(t, b.Answer(t, acs, "taken", "taken-secret"))
		taken.Body.Close()
		if taken.StatusCode != http.StatusConflict || b.Cookie(s.URL, "MMAUTHTOKEN") != "" {
			t.Fatalf("email of a password account: %d", taken.StatusCode)
		}

		// From here the assertions travel in clear, so that tampering with
		// them is tampering with signed content.
		admin.Put("/config/patch", map[string]any{"SamlSettings": map[string]any{"Encrypt": false}}).Expect(http.StatusOK)
		md = s.Anon().Get("/saml/metadata").Expect(http.StatusOK)
		if strings.Contains(string(md.Body), `use="encryption"`) {
			t.Fatalf("metadata without Encrypt still offers encryption:\n%s", md.Body)
		}
		idp.AddServiceProvider(t, "parley-"+s.Backend.Name, md.Body)
		refused := func(what string, f samltest.Form) {
			t.Helper()
			b := samltest.NewBrowser(t)
			resp := b.Submit(t, f)
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized || b.Cookie(s.URL, "MMAUTHTOKEN") != "" {
				t.Fatalf("%s: %d, want 401", what, resp.StatusCode)
			}
		}
		rewrite := func(f samltest.Form, fn func(string) string) samltest.Form {
			t.Helper()
			doc, err := base64.StdEncoding.DecodeString(f.Fields.Get("SAMLResponse"))
			if err != nil {
				t.Fatal(err)
			}
			out := samltest.Form{Action: f.Action, Fields: map[string][]string{}}
			for k, v := range f.Fields {
				out.Fields[k] = v
			}
			out.Fields.Set("SAMLResponse", base64.StdEncoding.EncodeToString([]byte(fn(string(doc)))))
			return out
		}
		ib := samltest.NewBrowser(t)
		f := ib.Answer(t, acs, "ann", "ann-secret")
		if !strings.Contains(mustDecode(t, f.Fields.Get("SAMLResponse")), "ann@example.org") {
			t.Fatal("the assertion is still encrypted")
		}
		refused("tampered assertion", rewrite(f, func(d string) string { return strings.ReplaceAll(d, "ann@example.org", "boss@example.org") }))
		sig := regexp.MustCompile(`(?s)<ds:Signature.*?</ds:Signature>`)
		refused("unsigned answer", rewrite(f, func(d string) string { return sig.ReplaceAllString(d, "") }))
		// The untouched answer is good, once.
		ok := ib.Submit(t, f)
		ok.Body.Close()
		if ok.StatusCode != http.StatusOK || ib.Cookie(s.URL, "MMAUTHTOKEN") == "" {
			t.Fatalf("clear assertion: %d", ok.StatusCode)
		}
		refused("replayed answer", f)

		// IdP-initiated sign-in is refused unless the Parley extension allows it.
		spID := "parley-" + s.Backend.Name
		idp.AddShortcut(t, spID, acs)
		unsolicited := ib.Answer(t, idp.URL+"/login/"+spID, "ann", "ann-secret")
		refused("IdP-initiated answer", unsolicited)
		cfgFile := filepath.Join(s.Backend.DataDir, "config.json")
		var fileCfg map[string]any
		raw, err := os.ReadFile(cfgFile)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &fileCfg); err != nil {
			t.Fatal(err)
		}
		fileCfg["saml_allow_idp_initiated"] = true
		raw, _ = json.Marshal(fileCfg)
		if err := os.WriteFile(cfgFile, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		admin.Post("/config/reload", nil).Expect(http.StatusOK)
		nb := samltest.NewBrowser(t)
		idpInit := nb.Submit(t, ib.Answer(t, idp.URL+"/login/"+spID, "ann", "ann-secret"))
		idpInit.Body.Close()
		if idpInit.StatusCode != http.StatusOK || nb.Cookie(s.URL, "MMAUTHTOKEN") == "" {
			t.Fatalf("allowed IdP-initiated sign-in: %d", idpInit.StatusCode)
		}
		// An answer for another service provider (audience) is refused even then.
		other := strings.Replace(string(md.Body), `entityID="`+acs+`"`, `entityID="https://other.example/saml"`, 1)
		idp.AddServiceProvider(t, "other-"+s.Backend.Name, []byte(other))
		idp.AddShortcut(t, "other-"+s.Backend.Name, "https://other.example/saml")
		refused("answer for another audience", ib.Answer(t, idp.URL+"/login/other-"+s.Backend.Name, "ann", "ann-secret"))

		// Certificates: system admins only; the file is checked, stored in
		// data_dir and its setting points at it.
		member := s.SignUp("member")
		member.Multipart("/saml/certificate/idp", nil, "certificate", apitest.FilePart{Name: "idp.crt", Data: idp.Keys.CertPEM}).
			ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		member.Get("/saml/certificate/status").ExpectError(http.StatusForbidden, "api.context.permissions.app_error")
		admin.Multipart("/saml/certificate/idp", nil, "certificate", apitest.FilePart{Name: "idp.crt", Data: []byte("not a certificate")}).
			ExpectError(http.StatusBadRequest, "api.admin.add_certificate.parse.app_error")
		admin.Multipart("/saml/certificate/idp", nil, "other", apitest.FilePart{Name: "idp.crt", Data: idp.Keys.CertPEM}).
			ExpectError(http.StatusBadRequest, "api.admin.add_certificate.no_file.app_error")
		admin.Multipart("/saml/certificate/private", nil, "certificate", apitest.FilePart{Name: "p.key", Data: idp.Keys.CertPEM}).
			ExpectError(http.StatusBadRequest, "api.admin.add_certificate.parse.app_error")
		// Two certificates, as while the provider rolls its key over: the
		// answer signed by either is good.
		rollover := append(append([]byte{}, sp.CertPEM...), idp.Keys.CertPEM...)
		admin.Multipart("/saml/certificate/idp", nil, "certificate", apitest.FilePart{Name: "idp.crt", Data: rollover}).
			Expect(http.StatusOK)
		var doc map[string]map[string]any
		admin.Get("/config").Expect(http.StatusOK).JSON(&doc)
		if doc["SamlSettings"]["IdpCertificateFile"] != "saml-idp.crt" {
			t.Fatalf("IdpCertificateFile after upload: %v", doc["SamlSettings"]["IdpCertificateFile"])
		}
		if _, err := os.Stat(filepath.Join(s.Backend.DataDir, "saml-idp.crt")); err != nil {
			t.Fatal(err)
		}
		// Signing in still works with the uploaded certificates.
		if _, c := signIn(samltest.NewBrowser(t), "ann", "ann-secret"); c.Token == "" {
			t.Fatal("no sign-in with the uploaded IdP certificate")
		}
		var st map[string]bool
		admin.Get("/saml/certificate/status").Expect(http.StatusOK).JSON(&st)
		if !st["idp_certificate_file"] || !st["public_certificate_file"] || !st["private_key_file"] {
			t.Fatalf("certificate status %v", st)
		}
		admin.Delete("/saml/certificate/idp").Expect(http.StatusOK)
		admin.Get("/saml/certificate/status").Expect(http.StatusOK).JSON(&st)
		if st["idp_certificate_file"] {
			t.Fatalf("certificate status after delete %v", st)
		}
		// Without the IdP certificate SAML is off.
		s.Anon().Get("/saml/metadata").ExpectError(http.StatusNotImplemented, "api.admin.saml.not_available.app_error")
		s.Anon().Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cc)
		if cc["EnableSaml"] != "false" {
			t.Fatalf("EnableSaml after the IdP certificate went: %q", cc["EnableSaml"])
		}
		off, err := http.Get(acs)
		if err != nil {
			t.Fatal(err)
		}
		off.Body.Close()
		if off.StatusCode != http.StatusNotImplemented {
			t.Fatalf("GET /login/sso/saml with SAML off: %d", off.StatusCode)
		}
	}, func(c *config.Config) {
		c.SamlEnable, c.SamlIdpURL, c.SamlIdpDescriptorURL, c.SamlIdpCertificateFile = true, idp.SSOURL(), idp.EntityID(), idp.Keys.CertFile
		c.SamlPublicCertificateFile, c.SamlPrivateKeyFile = sp.CertFile, sp.KeyFile
		c.SamlSignRequest, c.SamlSignatureAlgorithm = true, "RSAwithSHA256"
		c.SamlEmailAttribute, c.SamlUsernameAttribute = "mail", "uid"
		c.SamlFirstNameAttribute, c.SamlLastNameAttribute, c.SamlNicknameAttribute = "givenName", "urn:oid:2.5.4.4", "cn"
		c.SamlEnableAdminAttribute, c.SamlAdminAttribute = true, "eduPersonAffiliation=admins"
		c.SamlLoginButtonText = "Company login"
		c.SessionLengthMobileDays = 7
		c.GuestAccountsEnable, c.SamlGuestAttribute = true, "eduPersonAffiliation=guests"
	})
}

func mustDecode(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
