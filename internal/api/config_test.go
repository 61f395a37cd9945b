package api_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
)

// mmConfig is a configuration as mmctl holds it after GET /config.
type mmConfig map[string]map[string]any

func getMMConfig(t *testing.T, c *apitest.Client) mmConfig {
	t.Helper()
	r := c.Get("/config").Expect(http.StatusOK)
	if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("GET /config Cache-Control %q", cc)
	}
	var cfg mmConfig
	r.JSON(&cfg)
	return cfg
}

// mmctlSend is the body mmctl sends back: it decodes into model.Config, so a
// field Parley did not send goes back as null and a section as an object of
// nulls.
func mmctlSend(cfg mmConfig) mmConfig {
	cfg["ServiceSettings"]["ScheduledPosts"] = nil
	cfg["CacheSettings"] = map[string]any{"CacheType": nil, "RedisAddress": nil}
	return cfg
}

// mmctlSet is `mmctl config set PATH VALUE`: the value is converted to the
// type of the setting as it came from GET /config.
func mmctlSet(t *testing.T, cfg mmConfig, path, value string) {
	t.Helper()
	section, name, _ := strings.Cut(path, ".")
	switch cfg[section][name].(type) {
	case bool:
		b, err := strconv.ParseBool(value)
		if err != nil {
			t.Fatal(err)
		}
		cfg[section][name] = b
	case float64:
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		cfg[section][name] = n
	case string:
		cfg[section][name] = value
	default:
		t.Fatalf("mmctl: invalid key %s", path)
	}
}

func clientConfig(t *testing.T, c *apitest.Client) map[string]string {
	t.Helper()
	var m map[string]string
	c.Get("/config/client?format=old").Expect(http.StatusOK).JSON(&m)
	return m
}

func TestConfigIsForSystemAdmins(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		member := s.SignUp("member")
		body := map[string]any{"TeamSettings": map[string]any{"SiteName": "Taken"}}
		var cases []refusal
		for _, rt := range []struct {
			method, path string
		}{{"GET", "/config"}, {"PUT", "/config"}, {"PUT", "/config/patch"}, {"POST", "/config/reload"}, {"GET", "/config/environment"}} {
			cases = append(cases,
				refusal{"member " + rt.method + " " + rt.path, member, rt.method, rt.path, body, http.StatusForbidden, "api.context.permissions.app_error"},
				refusal{"anonymous " + rt.method + " " + rt.path, s.Anon(), rt.method, rt.path, body, http.StatusUnauthorized, "api.context.session_expired.app_error"})
		}
		expectRefused(t, admin, []string{"/config"}, cases)
		if clientConfig(t, admin)["SiteName"] != "Parley" {
			t.Error("a refused request changed the site name")
		}
	})
}

func TestConfigGetInMattermostShape(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		cfg := getMMConfig(t, admin)
		for _, section := range []string{"ServiceSettings", "TeamSettings", "SqlSettings", "LogSettings", "PasswordSettings",
			"FileSettings", "EmailSettings", "RateLimitSettings", "PrivacySettings", "MetricsSettings", "PluginSettings",
			"SupportSettings", "LdapSettings", "ExperimentalSettings"} {
			if cfg[section] == nil {
				t.Errorf("no %s", section)
			}
		}
		for path, want := range map[string]any{
			"TeamSettings.SiteName": "Parley", "TeamSettings.MaxUsersPerTeam": 50000.0, "LogSettings.ConsoleLevel": "INFO",
			"SqlSettings.DataSource": config.FakeSetting, "SqlSettings.AtRestEncryptKey": config.FakeSetting,
			"FileSettings.PublicLinkSalt": config.FakeSetting, "EmailSettings.SMTPPassword": "",
			"RateLimitSettings.Enable": false, "FileSettings.MaxFileSize": float64(100 << 20),
			"MetricsSettings.Enable": false, "ServiceSettings.EnableMultifactorAuthentication": true,
		} {
			section, name, _ := strings.Cut(path, ".")
			if got := cfg[section][name]; got != want {
				t.Errorf("%s = %#v, want %#v", path, got, want)
			}
		}
		if s.Backend.DSN != "" && strings.Contains(string(admin.Get("/config").Body), s.Backend.DSN) {
			t.Error("data source shown")
		}
	})
}

// Each mmctl config subcommand, replayed as mmctl sends it
// (server/cmd/mmctl/commands/config.go).
func TestConfigMmctlCommands(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")

		// mmctl config show; mmctl config get ServiceSettings.EnableCommands
		cfg := getMMConfig(t, admin)
		if cfg["ServiceSettings"]["EnableCommands"] != true {
			t.Fatalf("config get: %v", cfg["ServiceSettings"]["EnableCommands"])
		}

		// mmctl config set TeamSettings.SiteName "Acme Chat": GET, then PUT /config/patch with the whole object.
		mmctlSet(t, cfg, "TeamSettings.SiteName", "Acme Chat")
		mmctlSet(t, cfg, "PasswordSettings.MinimumLength", "12")
		mmctlSet(t, cfg, "PasswordSettings.Symbol", "true")
		mmctlSet(t, cfg, "ServiceSettings.EnableMultifactorAuthentication", "false")
		var saved mmConfig
		admin.Put("/config/patch", mmctlSend(cfg)).Expect(http.StatusOK).JSON(&saved)
		if saved["TeamSettings"]["SiteName"] != "Acme Chat" || saved["SqlSettings"]["DataSource"] != config.FakeSetting {
			t.Fatalf("config set answered %v %v", saved["TeamSettings"]["SiteName"], saved["SqlSettings"]["DataSource"])
		}
		// The client configuration is derived from the same settings.
		if cc := clientConfig(t, admin); cc["SiteName"] != "Acme Chat" || cc["PasswordMinimumLength"] != "12" ||
			cc["PasswordRequireSymbol"] != "true" || cc["EnableMultifactorAuthentication"] != "false" {
			t.Errorf("not in force: %s %s %s %s", cc["SiteName"], cc["PasswordMinimumLength"], cc["PasswordRequireSymbol"],
				cc["EnableMultifactorAuthentication"])
		}
		if s.Srv.App.Config().Database != s.Backend.DSN {
			t.Errorf("the masked data source replaced the real one: %q", s.Srv.App.Config().Database)
		}

		// mmctl config patch patch.json: GET, the file unmarshalled over it, PUT /config/patch.
		cfg = getMMConfig(t, admin)
		if err := json.Unmarshal([]byte(`{"PrivacySettings": {"ShowEmailAddress": false},
			"ServiceSettings": {"EnableGifPicker": false}}`), &cfg); err != nil {
			t.Fatal(err)
		}
		before := admin.Get("/users/me").Header.Get("X-Version-Id")
		admin.Put("/config/patch", mmctlSend(cfg)).Expect(http.StatusOK)
		if after := admin.Get("/users/me").Header.Get("X-Version-Id"); after == before {
			t.Errorf("X-Version-Id %s did not change with the client configuration", after)
		}
		cfg = getMMConfig(t, admin)
		if cfg["PrivacySettings"]["ShowEmailAddress"] != false || cfg["TeamSettings"]["SiteName"] != "Acme Chat" {
			t.Errorf("config patch: %v %v", cfg["PrivacySettings"]["ShowEmailAddress"], cfg["TeamSettings"]["SiteName"])
		}
		admin.Put("/config/patch", map[string]any{"SomethingNew": 3, "AlsoNew": nil}).Expect(http.StatusOK)
		if cfg["ServiceSettings"]["EnableGifPicker"] != false {
			t.Errorf("a setting Parley does not use was not kept: %v", cfg["ServiceSettings"]["EnableGifPicker"])
		}

		// mmctl config edit / reset: GET, change, PUT /config with the whole object.
		mmctlSet(t, cfg, "TeamSettings.MaxUsersPerTeam", "77")
		admin.Put("/config", mmctlSend(cfg)).Expect(http.StatusOK)
		if got := s.Srv.App.Config(); got.MaxUsersPerTeam != 77 || got.SiteName != "Acme Chat" || got.ShowEmailAddress {
			t.Errorf("config edit: %d %q %v", got.MaxUsersPerTeam, got.SiteName, got.ShowEmailAddress)
		}

		// The file is changed in place, so a restart reads the same.
		file := filepath.Join(s.Backend.DataDir, "config.json")
		restarted, err := config.Source{Path: file}.Load()
		if err != nil {
			t.Fatal(err)
		}
		if restarted.SiteName != "Acme Chat" || restarted.MaxUsersPerTeam != 77 || restarted.Database != s.Backend.DSN ||
			restarted.PasswordMinLength != 12 || restarted.RateLimitEnabled {
			t.Errorf("file after saves: %+v", restarted)
		}

		// mmctl config reload: POST /config/reload reads the file again.
		b, _ := os.ReadFile(file)
		var raw map[string]any
		json.Unmarshal(b, &raw)
		raw["site_name"] = "Edited On Disk"
		b, _ = json.Marshal(raw)
		os.WriteFile(file, b, 0o600)
		var ok map[string]string
		admin.Post("/config/reload", nil).Expect(http.StatusOK).JSON(&ok)
		if ok["status"] != "OK" || clientConfig(t, admin)["SiteName"] != "Edited On Disk" {
			t.Errorf("config reload: %v %s", ok, clientConfig(t, admin)["SiteName"])
		}
	})
}

func TestConfigRefusesBadSettings(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		file := filepath.Join(s.Backend.DataDir, "config.json")
		before, _ := os.ReadFile(file)
		patch := func(section, name string, v any) map[string]any {
			return map[string]any{section: map[string]any{name: v}}
		}
		expectRefused(t, admin, []string{"/config", "/config/client?format=old"}, []refusal{
			{"short passwords", admin, "PUT", "/config/patch", patch("PasswordSettings", "MinimumLength", 2),
				http.StatusBadRequest, "model.config.is_valid.password_length.app_error"},
			{"bad site url", admin, "PUT", "/config/patch", patch("ServiceSettings", "SiteURL", "ftp://x"),
				http.StatusBadRequest, "model.config.is_valid.site_url.app_error"},
			{"no users per team", admin, "PUT", "/config", patch("TeamSettings", "MaxUsersPerTeam", 0),
				http.StatusBadRequest, "model.config.is_valid.max_users.app_error"},
			{"wrong type", admin, "PUT", "/config/patch", patch("TeamSettings", "MaxUsersPerTeam", "many"),
				http.StatusBadRequest, "api.context.invalid_body_param.app_error"},
			{"not an object", admin, "PUT", "/config/patch", `{"TeamSettings": 3}`,
				http.StatusBadRequest, "api.context.invalid_body_param.app_error"},
			{"not json", admin, "PUT", "/config", `{`, http.StatusBadRequest, "api.context.invalid_body_param.app_error"},
			{"not an object at all", admin, "PUT", "/config", `[1]`, http.StatusBadRequest, "api.context.invalid_body_param.app_error"},
		})
		r := admin.Put("/config/patch", patch("PasswordSettings", "MinimumLength", 2))
		var e struct {
			Message       string `json:"message"`
			DetailedError string `json:"detailed_error"`
		}
		json.Unmarshal(r.Body, &e)
		e.DetailedError = strings.ToLower(e.DetailedError)
		if !strings.Contains(e.Message, "PasswordSettings.MinimumLength") || !strings.Contains(e.DetailedError, "password_min_length") {
			t.Errorf("error does not name the setting: %s", r.Body)
		}
		if after, _ := os.ReadFile(file); string(after) != string(before) {
			t.Errorf("a refused change was written:\n%s", after)
		}
	})
}

func TestConfigRestartOnly(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		listen := s.Srv.App.Config().Listen
		admin.Put("/config/patch", map[string]any{"ServiceSettings": map[string]any{"ListenAddress": "127.0.0.1:9999"},
			"LogSettings": map[string]any{"ConsoleLevel": "DEBUG"}}).Expect(http.StatusOK)
		if got := s.Srv.App.Config(); got.Listen != listen || got.LogLevel != "debug" {
			t.Errorf("in force: listen %s (restart-only), log level %s (live)", got.Listen, got.LogLevel)
		}
		if cfg := getMMConfig(t, admin); cfg["ServiceSettings"]["ListenAddress"] != "127.0.0.1:9999" {
			t.Errorf("saved listen address not shown: %v", cfg["ServiceSettings"]["ListenAddress"])
		}
		if next, err := (config.Source{Path: filepath.Join(s.Backend.DataDir, "config.json")}).Load(); err != nil || next.Listen != "127.0.0.1:9999" {
			t.Errorf("restart would listen on %s (%v)", next.Listen, err)
		}
	})
}

func TestConfigKeepsSiteURL(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		admin.Put("/config/patch", map[string]any{"ServiceSettings": map[string]any{"SiteURL": ""}}).
			ExpectError(http.StatusBadRequest, "api.config.update_config.clear_siteurl.app_error")
	}, func(c *config.Config) { c.SiteURL = "https://chat.example.com" })
}

// Settings the environment sets are listed by /config/environment and a PUT
// leaves them as they are, in memory and in the file.
func TestConfigEnvironmentLocksSettings(t *testing.T) {
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		file := filepath.Join(s.Backend.DataDir, "config.json")
		env := map[string]string{"PARLEY_SITE_NAME": "From Env", "MM_TEAMSETTINGS_MAXUSERSPERTEAM": "33"}
		s.Srv.App.SetConfigSource(config.Source{Path: file, Getenv: func(k string) string { return env[k] }}, nil)
		admin.Post("/config/reload", nil).Expect(http.StatusOK)
		var got map[string]map[string]bool
		admin.Get("/config/environment").Expect(http.StatusOK).JSON(&got)
		want := map[string]map[string]bool{"TeamSettings": {"SiteName": true, "MaxUsersPerTeam": true}}
		if len(got) != 1 || len(got["TeamSettings"]) != 2 || !got["TeamSettings"]["SiteName"] || !got["TeamSettings"]["MaxUsersPerTeam"] {
			t.Fatalf("environment %v, want %v", got, want)
		}
		admin.Put("/config/patch", map[string]any{"TeamSettings": map[string]any{"SiteName": "From API", "MaxUsersPerTeam": 5,
			"EnableUserCreation": false}}).Expect(http.StatusOK)
		cfg := s.Srv.App.Config()
		if cfg.SiteName != "From Env" || cfg.MaxUsersPerTeam != 33 || cfg.EnableUserCreation {
			t.Errorf("in force: %q %d %v", cfg.SiteName, cfg.MaxUsersPerTeam, cfg.EnableUserCreation)
		}
		fromFile, err := config.Load(file, func(string) string { return "" })
		if err != nil || fromFile.SiteName != "Parley" || fromFile.MaxUsersPerTeam != 50000 || fromFile.EnableUserCreation {
			t.Errorf("file: %q %d %v (%v)", fromFile.SiteName, fromFile.MaxUsersPerTeam, fromFile.EnableUserCreation, err)
		}
	})
}

// A whole Mattermost config.json, sent as it is, is accepted: the settings
// Parley maps are taken, the others kept and shown again, the secrets masked
// and, sent back masked, kept.
func TestConfigAcceptsMattermostConfigJSON(t *testing.T) {
	fixture, err := os.ReadFile("../config/testdata/mattermost-config.json")
	if err != nil {
		t.Fatal(err)
	}
	apitest.Each(t, func(t *testing.T, s *apitest.Server) {
		admin := s.SignUp("admin")
		file := filepath.Join(s.Backend.DataDir, "config.json")
		admin.Put("/config", fixture).Expect(http.StatusOK)
		got := s.Srv.App.Config()
		if got.SiteName != "Example Chat" || got.MaxUsersPerTeam != 250 || got.ShowEmailAddress || got.LogLevel != "debug" {
			t.Errorf("in force: %q %d %v %s", got.SiteName, got.MaxUsersPerTeam, got.ShowEmailAddress, got.LogLevel)
		}
		if got.Database != s.Backend.DSN {
			t.Errorf("restart-only database changed while running: %q", got.Database)
		}
		cfg := getMMConfig(t, admin)
		if cfg["FeatureFlags"]["CustomFeature"] != true || cfg["AccessControlSettings"]["EnableChannelScopeAccessControl"] != true ||
			cfg["LocalizationSettings"]["DefaultServerLocale"] != "de" || cfg["PluginSettings"]["Plugins"] == nil {
			t.Errorf("settings Parley does not use were not kept: %v %v %v", cfg["FeatureFlags"], cfg["AccessControlSettings"],
				cfg["LocalizationSettings"])
		}
		body := string(admin.Get("/config").Body)
		for _, secret := range []string{"hunter2", "s3cret", "q1w2e3r4", "8k3xq9w1", "s0meG1phyK3y"} {
			if strings.Contains(body, secret) {
				t.Errorf("GET /config shows %q", secret)
			}
		}
		// The System Console sends back what it got, secrets masked.
		admin.Put("/config", mmctlSend(cfg)).Expect(http.StatusOK)
		saved, _ := os.ReadFile(file)
		for _, secret := range []string{"hunter2", "s3cret@db.internal", "q1w2e3r4"} {
			if !strings.Contains(string(saved), secret) {
				t.Errorf("the file lost %q after a masked round trip:\n%s", secret, saved)
			}
		}
		if strings.Contains(string(saved), config.FakeSetting) {
			t.Errorf("the file holds the mask:\n%s", saved)
		}
		restarted, err := config.Source{Path: file}.Load()
		if err != nil || restarted.Database != "postgres://mmuser:s3cret@db.internal:5432/mattermost?sslmode=require&connect_timeout=10" ||
			restarted.SiteURL != "https://chat.example.com" || restarted.MetricsListen != "" {
			t.Errorf("restart would run with %+v (%v)", restarted, err)
		}
	})
}
