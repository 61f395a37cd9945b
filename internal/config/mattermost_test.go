package config

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Every mm tag must name a setting of Mattermost's shape, of the same JSON type.
func TestEveryMattermostTagIsPlaced(t *testing.T) {
	placed := map[string]MattermostSetting{}
	for _, m := range MattermostSettings() {
		placed[m.Key] = m
	}
	defaults := MattermostDefaults()
	for _, s := range Settings() {
		if s.MM == "" {
			continue
		}
		m, ok := placed[s.Key]
		if !ok {
			t.Errorf("%s: %s names no setting of mattermost.json", s.Key, s.MM)
			continue
		}
		var v any
		if err := json.Unmarshal(defaults[m.Section][m.Name], &v); err != nil {
			t.Fatal(err)
		}
		want := map[reflect.Kind]string{reflect.String: "string", reflect.Bool: "bool", reflect.Int: "float64", reflect.Int64: "float64"}[s.Kind]
		if m.List {
			want = "[]interface {}"
		}
		if got := reflect.TypeOf(v).String(); got != want {
			t.Errorf("%s: %s is %s in Mattermost's shape, Parley's is %s", s.Key, m.Path(), got, s.Kind)
		}
	}
}

// Mattermost's TrustedProxyIPHeader is a list; Parley's setting is one
// space-separated string, and the two convert both ways.
func TestListSettingRoundTrip(t *testing.T) {
	c := Default()
	d := Doc{"ServiceSettings": {"TrustedProxyIPHeader": json.RawMessage(`["X-Forwarded-For","X-Real-IP"]`)}}
	if err := c.SetMattermost(d); err != nil {
		t.Fatal(err)
	}
	if c.TrustedProxyIPHeader != "X-Forwarded-For X-Real-IP" {
		t.Fatalf("trusted_proxy_ip_header = %q", c.TrustedProxyIPHeader)
	}
	if got := string(c.Mattermost(nil)["ServiceSettings"]["TrustedProxyIPHeader"]); got != `["X-Forwarded-For","X-Real-IP"]` {
		t.Fatalf("rendered %s", got)
	}
	def := Default()
	if got := string(def.Mattermost(nil)["ServiceSettings"]["TrustedProxyIPHeader"]); got != `[]` {
		t.Fatalf("default rendered %s", got)
	}
	bad := Doc{"ServiceSettings": {"TrustedProxyIPHeader": json.RawMessage(`"X-Real-IP"`)}}
	if err := c.SetMattermost(bad); err == nil || !strings.Contains(err.Error(), "ServiceSettings.TrustedProxyIPHeader") {
		t.Fatalf("a string for a list: %v", err)
	}
}

// A Mattermost config.json is a valid --config file: the settings Parley
// maps are taken, every other one is ignored, the environment still wins.
func TestMattermostConfigFile(t *testing.T) {
	c, err := Load("testdata/mattermost-config.json", env(map[string]string{"PARLEY_SITE_NAME": "From Env"}))
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.SiteURL, want.Listen, want.SiteName = "https://chat.example.com", ":8065", "From Env"
	want.Database = "postgres://mmuser:s3cret@db.internal:5432/mattermost?sslmode=require&connect_timeout=10"
	want.FilesDir, want.LogLevel, want.MetricsListen = "/opt/mattermost/data/", "debug", ""
	want.PasswordMinLength, want.PasswordRequireLowercase, want.PasswordRequireNumber = 10, true, true
	want.MaxFileSize, want.MaxImagePixels, want.ShowEmailAddress = 52428800, 40000000, false
	want.RateLimitEnabled, want.RateLimitPerSec, want.RateLimitBurst = true, 20, 150
	want.MaxUsersPerTeam, want.EnableOpenServer, want.MaxLoginAttempts = 250, false, 5
	want.EnableUserAccessTokens, want.EnableMFA, want.EnableBotAccountCreation = true, true, true
	want.SessionLengthDays, want.EnableLinkPreviews, want.PostEditTimeLimitSec = 14, false, 300
	want.AllowedInternalHosts, want.ExportRetentionDays = "10.0.0.0/8 gitlab.internal", 7
	want.EnableIncomingWebhooks, want.EnableOutgoingWebhooks, want.EnableCommands = true, true, true
	want.RevokeSessionsOnPasswordChange, want.EnablePostUsernameOverride, want.EnablePostIconOverride = true, false, false
	want.EnableCustomEmoji, want.EnableUserDeactivation, want.EnableAPIDeletion = true, false, false
	want.IntegrationTimeoutSec, want.TrustedProxyIPHeader = 30, "X-Forwarded-For X-Real-IP"
	want.SMTPServer, want.SMTPPort, want.SMTPConnectionSecurity = "smtp.example.com", "587", "STARTTLS"
	want.EnableSMTPAuth, want.SMTPUsername, want.SMTPPassword = true, "mattermost@example.com", "hunter2"
	want.FeedbackName, want.FeedbackEmail, want.ReplyToAddress = "", "no-reply@example.com", "no-reply@example.com"
	want.SendEmailNotifications, want.CollapsedThreads = true, "always_on"
	want.PushNotificationServer = "https://push.mattermost.com"
	want.DatabaseReplicas = "postgres://mmuser:s3cret@replica1.internal:5432/mattermost?sslmode=require"
	if c != want {
		for i, s := range Settings() {
			if g, w := reflect.ValueOf(c).Field(i).Interface(), reflect.ValueOf(want).Field(i).Interface(); g != w {
				t.Errorf("%s = %v, want %v", s.Key, g, w)
			}
		}
	}
}

func TestMattermostSectionsAndParleyKeysInOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.json")
	os.WriteFile(path, []byte(`{"site_name": "Native", "TeamSettings": {"SiteName": "Mattermost's", "MaxUsersPerTeam": 9},
		"FutureSettings": {"Anything": [1, {"x": null}]}}`), 0o600)
	c, err := Load(path, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.SiteName != "Native" || c.MaxUsersPerTeam != 9 {
		t.Fatalf("got %q %d", c.SiteName, c.MaxUsersPerTeam)
	}
	for _, tc := range []struct{ file, want string }{
		{`{"TeamSettings": {"MaxUsersPerTeam": "many"}}`, "TeamSettings.MaxUsersPerTeam"},
		{`{"TeamSettings": 3}`, "TeamSettings"},
		{`{"ServiceSettings": {"SiteURL": "ftp://x"}}`, "site_url"},
		{`{"no_such_setting": 1, "TeamSettings": {}}`, "no_such_setting"},
	} {
		os.WriteFile(path, []byte(tc.file), 0o600)
		if _, err := Load(path, env(nil)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want mention of %s", tc.file, err, tc.want)
		}
	}
}

func TestMaskAndUnmask(t *testing.T) {
	c, err := Load("testdata/mattermost-config.json", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	var file Doc
	b, _ := os.ReadFile("testdata/mattermost-config.json")
	json.Unmarshal(b, &file)
	actual := c.Mattermost(Unmapped(file))
	shown := Merge(actual, nil)
	Mask(shown)
	js := string(mustJSON(shown))
	for _, secret := range []string{"s3cret", "hunter2", "8k3xq9w1", "q1w2e3r4", "changeme", "s0meG1phyK3y"} {
		if strings.Contains(js, secret) {
			t.Errorf("masked configuration shows %q", secret)
		}
	}
	if string(shown["EmailSettings"]["SMTPPassword"]) != `"`+FakeSetting+`"` ||
		string(shown["FileSettings"]["AmazonS3SecretAccessKey"]) != `""` {
		t.Errorf("mask: SMTPPassword %s, empty S3 key %s", shown["EmailSettings"]["SMTPPassword"], shown["FileSettings"]["AmazonS3SecretAccessKey"])
	}
	Unmask(shown, actual)
	if !jsonEqual(mustJSON(shown), mustJSON(actual)) {
		t.Errorf("unmask did not restore every secret")
	}
}

func TestSaveWritesWhereTheFileHasIt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.json")
	os.WriteFile(path, []byte(`{"site_name": "Old", "TeamSettings": {"MaxUsersPerTeam": 9, "ExperimentalPrimaryTeam": "x"},
		"listen": "127.0.0.1:9000"}`), 0o600)
	src := Source{Path: path, Getenv: env(map[string]string{"PARLEY_LISTEN": "127.0.0.1:9100"})}
	c, err := src.Load()
	if err != nil {
		t.Fatal(err)
	}
	c.SiteName, c.MaxUsersPerTeam, c.ShowFullName, c.Listen = "New", 10, false, "127.0.0.1:1"
	kept := Doc{"TeamSettings": {"ExperimentalPrimaryTeam": json.RawMessage(`"y"`)},
		"ServiceSettings": {"EnableGifPicker": json.RawMessage(`true`), "GoogleDeveloperKey": json.RawMessage(`"k"`)}}
	if err := src.Save(c, kept); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	b, _ := os.ReadFile(path)
	json.Unmarshal(b, &got)
	want := map[string]any{"site_name": "New", "listen": "127.0.0.1:9000", "show_full_name": false,
		"TeamSettings":    map[string]any{"MaxUsersPerTeam": 10.0, "ExperimentalPrimaryTeam": "y"},
		"ServiceSettings": map[string]any{"GoogleDeveloperKey": "k"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("file:\n%s", b)
	}
	again, err := Source{Path: path, Getenv: env(nil)}.Load()
	if err != nil || again.SiteName != "New" || again.MaxUsersPerTeam != 10 || again.ShowFullName {
		t.Fatalf("reload: %+v %v", again, err)
	}
}

// Without --config the file is <data_dir>/config.json, read when it exists.
func TestSourceWithoutFileUsesDataDir(t *testing.T) {
	dir := t.TempDir()
	src := Source{Getenv: env(map[string]string{"PARLEY_DATA": dir})}
	if src.File() != filepath.Join(dir, "config.json") {
		t.Fatalf("file %s", src.File())
	}
	if _, err := src.Load(); err != nil {
		t.Fatal(err)
	}
	c := Default()
	c.DataDir, c.SiteName = dir, "Saved"
	if err := src.Save(c, nil); err != nil {
		t.Fatal(err)
	}
	got, err := src.Load()
	if err != nil || got.SiteName != "Saved" {
		t.Fatalf("after save: %q %v", got.SiteName, err)
	}
	if !src.Locked()["data_dir"] || src.Locked()["site_name"] {
		t.Fatalf("locked %v", src.Locked())
	}
}

func TestInvalidSettingNamesMattermostSetting(t *testing.T) {
	for _, tc := range []struct {
		mutate   func(*Config)
		name, id string
	}{
		{func(c *Config) { c.SiteURL = "ftp://x" }, "ServiceSettings.SiteURL", "model.config.is_valid.site_url.app_error"},
		{func(c *Config) { c.PasswordMinLength = 2 }, "PasswordSettings.MinimumLength", "model.config.is_valid.password_length.app_error"},
		{func(c *Config) { c.MaxUsersPerTeam = 0 }, "TeamSettings.MaxUsersPerTeam", "model.config.is_valid.max_users.app_error"},
		{func(c *Config) { c.MaxImagePixels = 0 }, "FileSettings.MaxImageResolution", "model.config.is_valid.max_image_resolution.app_error"},
		{func(c *Config) { c.RateLimitBurst = 0 }, "RateLimitSettings.PerSec", "model.config.is_valid.rate_sec.app_error"},
		{func(c *Config) { c.ShutdownTimeout = 0 }, "shutdown_timeout_seconds", "model.config.is_valid.shutdown_timeout_seconds.app_error"},
	} {
		c := Default()
		tc.mutate(&c)
		err := c.Validate()
		if err == nil {
			t.Fatalf("%s: valid", tc.name)
		}
		name, id := InvalidSetting(err)
		if name != tc.name || id != tc.id {
			t.Errorf("got %s %s, want %s %s", name, id, tc.name, tc.id)
		}
	}
	if _, id := InvalidSetting(errors.New("listen: bad")); id != "model.config.is_valid.listen_address.app_error" {
		t.Errorf("listen: %s", id)
	}
}
