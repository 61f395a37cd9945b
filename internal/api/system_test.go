package api_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
)

var versionIDRE = regexp.MustCompile(`^\d+\.\d+\.\d+\.[A-Za-z0-9_-]+\.[0-9a-f]+\.(true|false)$`)

func TestSystemPingConfigLicense(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		anon := s.Anon()

		var ping map[string]string
		anon.Get("/system/ping").Expect(http.StatusOK).JSON(&ping)
		for _, k := range []string{"status", "AndroidLatestVersion", "AndroidMinVersion", "DesktopLatestVersion",
			"DesktopMinVersion", "IosLatestVersion", "IosMinVersion"} {
			if _, ok := ping[k]; !ok {
				t.Errorf("ping lacks %s: %v", k, ping)
			}
		}
		if ping["status"] != "OK" {
			t.Errorf("ping status %q", ping["status"])
		}
		anon.Get("/system/ping?get_server_status=true").Expect(http.StatusOK).JSON(&ping)
		if ping["database_status"] != "OK" || ping["filestore_status"] != "OK" {
			t.Errorf("server status: %v", ping)
		}

		// The limited client config, before and after the first account.
		var cfg map[string]string
		anon.Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cfg)
		if cfg["NoAccounts"] != "true" || cfg["Version"] == "" || cfg["SiteName"] == "" {
			t.Errorf("limited config before sign-up: NoAccounts=%q Version=%q", cfg["NoAccounts"], cfg["Version"])
		}
		if _, ok := cfg["TeammateNameDisplay"]; ok {
			t.Error("anonymous callers got the full client config")
		}
		admin := s.SignUp("admin")
		anon.Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cfg)
		if cfg["NoAccounts"] != "false" {
			t.Errorf("NoAccounts after sign-up = %q", cfg["NoAccounts"])
		}
		var full map[string]string
		admin.Get("/config/client?format=old").Expect(http.StatusOK).JSON(&full)
		for _, k := range []string{"Version", "BuildNumber", "BuildHash", "BuildEnterpriseReady", "SiteURL", "SiteName",
			"DiagnosticsEnabled", "EnableSignInWithEmail", "EnableSignInWithUsername", "EnableSignUpWithEmail",
			"EnableUserCreation", "EnableOpenServer", "NoAccounts", "DefaultClientLocale", "AvailableLocales",
			"TeammateNameDisplay", "RestrictDirectMessage", "EnableCustomEmoji", "EnableFileAttachments", "MaxFileSize",
			"EnableUserTypingMessages", "TimeBetweenUserTypingUpdatesMilliseconds", "EnableChannelViewedMessages",
			"CollapsedThreads", "ExperimentalViewArchivedChannels", "EnableLinkPreviews", "PostEditTimeLimit",
			"ShowEmailAddress", "ShowFullName", "WebsocketURL", "WebsocketPort", "WebsocketSecurePort",
			"PasswordMinimumLength", "EnableBotAccountCreation", "EnableUserAccessTokens", "EnableIncomingWebhooks",
			"EnableOutgoingWebhooks", "EnableCommands", "SQLDriverName", "ExperimentalEnablePostMetadata", "RunJobs",
			"EmailNotificationContentsType", "EnableCompliance", "EnableBanner", "AllowSyncedDrafts"} {
			if _, ok := full[k]; !ok {
				t.Errorf("full client config lacks %s", k)
			}
		}
		if want := map[string]string{"sqlite": "sqlite3", "postgres": "postgres"}[s.Backend.Name]; full["SQLDriverName"] != want {
			t.Errorf("SQLDriverName %q, want %q", full["SQLDriverName"], want)
		}
		if _, ok := cfg["SQLDriverName"]; ok {
			t.Error("SQLDriverName in the anonymous client config")
		}
		if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(full["Version"]) {
			t.Errorf("Version %q does not look like a Mattermost version", full["Version"])
		}

		var lic map[string]string
		anon.Get("/license/client?format=old").Expect(http.StatusOK).JSON(&lic)
		// Parley's licence of itself: licensed, and a feature on only where Parley has it.
		if lic["IsLicensed"] != "true" || lic["MFA"] != "true" || lic["Cluster"] != "true" || lic["LDAP"] != "false" ||
			lic["SAML"] != "false" || lic["DataRetention"] != "true" || lic["GuestAccounts"] != "false" || lic["LDAPGroups"] != "false" {
			t.Errorf("license = %v", lic)
		}

		for _, tc := range []refusal{
			{"config without format", anon, "GET", "/config/client", nil, 501, "api.config.client.old_format.app_error"},
			{"config format=new", anon, "GET", "/config/client?format=new", nil, 400, "api.context.invalid_body_param.app_error"},
			{"license without format", anon, "GET", "/license/client", nil, 501, "api.license.client.old_format.app_error"},
			{"license format=json", anon, "GET", "/license/client?format=json", nil, 400, "api.context.invalid_body_param.app_error"},
			{"timezones need a session", anon, "GET", "/system/timezones", nil, 401, "api.context.session_expired.app_error"},
			{"roles need a session", anon, "POST", "/roles/names", []string{"system_user"}, 401, "api.context.session_expired.app_error"},
		} {
			checkError(t, tc.name, tc.c.Do(tc.method, tc.path, tc.body), tc.status, tc.id)
		}
	})
}

func TestHeadersAndUnknownRoutes(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		anon := s.Anon()
		r1 := anon.Get("/system/ping")
		r2 := admin.Get("/users/me")
		v1, v2 := r1.Header.Get("X-Version-Id"), r2.Header.Get("X-Version-Id")
		if !versionIDRE.MatchString(v1) || v1 != v2 {
			t.Errorf("X-Version-Id %q / %q", v1, v2)
		}
		id1, id2 := r1.Header.Get("X-Request-Id"), r2.Header.Get("X-Request-Id")
		if !model.IsValidID(id1) || !model.IsValidID(id2) || id1 == id2 {
			t.Errorf("X-Request-Id %q / %q", id1, id2)
		}
		if r1.Header.Get("Expires") != "0" || r1.Header.Get("Content-Type") != "application/json" {
			t.Errorf("GET headers: %v", r1.Header)
		}
		// Errors carry the version header too.
		if r := anon.Get("/users/me"); !versionIDRE.MatchString(r.Header.Get("X-Version-Id")) {
			t.Errorf("error response X-Version-Id %q", r.Header.Get("X-Version-Id"))
		}

		post := admin.CreatePost(createTownSquare(t, admin), "hello", "")
		notFound := "api.context.404.app_error"
		for _, tc := range []refusal{
			{"unknown path", anon, "GET", "/no/such/thing", nil, 404, notFound},
			{"unknown path with session", admin, "GET", "/users/me/nothing/here", nil, 404, notFound},
			{"bare prefix", admin, "GET", "", nil, 404, notFound},
			{"wrong method on ping", anon, "POST", "/system/ping", nil, 404, notFound},
			{"wrong method on reactions", admin, "DELETE", "/reactions", nil, 404, notFound},
			{"wrong method on channel members", admin, "PATCH", "/channels/members/me/view", nil, 404, notFound},
			{"PATCH is never served", admin, "PATCH", "/posts/" + post.ID, map[string]string{"message": "x"}, 404, notFound},
			{"id with bad characters", admin, "GET", "/posts/" + post.ID[:20] + "!!!!!!", nil, 404, notFound},
			{"short id", admin, "GET", "/posts/abc", nil, 400, "api.context.invalid_url_param.app_error"},
			{"user id neither me nor id", admin, "GET", "/users/myself", nil, 400, "api.context.invalid_url_param.app_error"},
			{"trailing segment", admin, "GET", "/posts/" + post.ID + "/nothing", nil, 404, notFound},
		} {
			checkError(t, tc.name, tc.c.Do(tc.method, tc.path, tc.body), tc.status, tc.id)
		}
	})
}

func TestSystemMisc(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		bob := s.SignUp("bob")
		anon := s.Anon()

		var echoed map[string]string
		anon.Post("/logs", map[string]string{"level": "ERROR", "message": "boom"}).Expect(http.StatusOK).JSON(&echoed)
		if echoed["level"] != "ERROR" || echoed["message"] != "boom" {
			t.Errorf("logs echo %v", echoed)
		}
		var zones []string
		bob.Get("/system/timezones").Expect(http.StatusOK).JSON(&zones)
		if len(zones) == 0 {
			t.Error("no timezones")
		}

		var roles []model.Role
		bob.Post("/roles/names", []string{"system_user", "team_user", "channel_user", "no_such_role", "system_user"}).
			Expect(http.StatusOK).JSON(&roles)
		if len(roles) != 3 {
			t.Errorf("roles by names: %d roles", len(roles))
		}
		for _, r := range roles {
			if r.ID == "" || r.Permissions == nil {
				t.Errorf("role shape: %+v", r)
			}
		}
		if r := bob.Post("/roles/names", []string{"nothing"}).Expect(http.StatusOK); !isEmptyArray(r.Body) {
			t.Errorf("unknown roles: %s", r.Body)
		}
		var role model.Role
		bob.Get("/roles/name/system_admin").Expect(http.StatusOK).JSON(&role)
		bob.Get("/roles/" + role.ID).Expect(http.StatusOK)
		admin.Get("/limits/server").Expect(http.StatusOK)

		for _, tc := range []refusal{
			{"roles malformed", bob, "POST", "/roles/names", `["system_user"`, 400, "api.context.invalid_body_param.app_error"},
			{"roles wrong type", bob, "POST", "/roles/names", `{"names":["system_user"]}`, 400, "api.context.invalid_body_param.app_error"},
			{"roles oversized", bob, "POST", "/roles/names", oversized("x"), 413, "api.context.request_body_too_large.app_error"},
			{"unknown role name", bob, "GET", "/roles/name/no_such_role", nil, 404, "app.role.get.app_error"},
			{"unknown role id", bob, "GET", "/roles/" + model.NewID(), nil, 404, "app.role.get.app_error"},
			{"limits need admin", bob, "GET", "/limits/server", nil, 403, "api.context.permissions.app_error"},
			{"logs malformed", anon, "POST", "/logs", `{"level":`, 400, "api.context.invalid_body_param.app_error"},
		} {
			checkError(t, tc.name, tc.c.Do(tc.method, tc.path, tc.body), tc.status, tc.id)
		}
	})
}

// createTownSquare makes a team as c and returns its town-square channel id.
func createTownSquare(t *testing.T, c *apitest.Client) string {
	t.Helper()
	team := c.CreateTeam("t"+model.NewID()[:8], true)
	var ch model.Channel
	c.Get("/teams/" + team.ID + "/channels/name/town-square").Expect(http.StatusOK).JSON(&ch)
	return ch.ID
}
