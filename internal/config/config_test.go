package config

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaultsAreValid(t *testing.T) {
	c, err := Load("", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != ":8065" || c.DataDir != "./data" || c.Database != "" {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestFileThenEnv(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.json")
	if err := os.WriteFile(path, []byte(`{"listen": "127.0.0.1:9000", "site_name": "Acme"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path, env(map[string]string{"PARLEY_LISTEN": "127.0.0.1:9100", "PARLEY_SHOW_FULL_NAME": "false"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:9100" || c.SiteName != "Acme" || c.ShowFullName {
		t.Fatalf("got %+v", c)
	}
}

func TestMattermostEnvironmentNames(t *testing.T) {
	c, err := Load("", env(map[string]string{
		"MM_SQLSETTINGS_DATASOURCE":        "postgres://mm@db/mattermost",
		"MM_SERVICESETTINGS_SITEURL":       "https://chat.example.com",
		"MM_SERVICESETTINGS_LISTENADDRESS": ":9065",
		"MM_LOGSETTINGS_CONSOLELEVEL":      "DEBUG",
		"PARLEY_SITE_URL":                  "https://parley.example.com",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Database != "postgres://mm@db/mattermost" || c.Listen != ":9065" || c.LogLevel != "debug" {
		t.Fatalf("MM_ names not applied: %+v", c)
	}
	if c.SiteURL != "https://parley.example.com" {
		t.Fatalf("PARLEY_ must win over MM_: %s", c.SiteURL)
	}
}

func TestReloadKeepsRestartOnlySettings(t *testing.T) {
	cur := Default()
	next := Default()
	next.Listen, next.SiteName, next.RateLimitPerSec = ":1", "Renamed", 5
	got := cur.Reloadable(next)
	if got.Listen != cur.Listen || got.SiteName != "Renamed" || got.RateLimitPerSec != 5 {
		t.Fatalf("reloadable: %+v", got)
	}
}

func TestInvalidSettingsAreNamed(t *testing.T) {
	cases := []struct {
		env  map[string]string
		file string
		want string
	}{
		{env: map[string]string{"PARLEY_LISTEN": "8065"}, want: "listen"},
		{env: map[string]string{"PARLEY_DATABASE": "mysql://x"}, want: "database"},
		{env: map[string]string{"PARLEY_SITE_URL": "ftp://x"}, want: "site_url"},
		{env: map[string]string{"PARLEY_SESSION_LENGTH_DAYS": "many"}, want: "PARLEY_SESSION_LENGTH_DAYS"},
		{env: map[string]string{"PARLEY_LOG_LEVEL": "loud"}, want: "log_level"},
		{file: `{"no_such_setting": 1}`, want: "no_such_setting"},
		{file: `{"listen": 8065}`, want: "listen"},
		{env: map[string]string{"PARLEY_TLS_CERT_FILE": "/x.pem"}, want: "tls_key_file"},
		{env: map[string]string{"PARLEY_LOG_FORMAT": "xml"}, want: "log_format"},
		{env: map[string]string{"MM_SERVICESETTINGS_LISTENADDRESS": "nowhere"}, want: "listen"},
		{env: map[string]string{"MM_SERVICESETTINGS_TRUSTEDPROXYIPHEADER": "X-Real-IP:"}, want: "trusted_proxy_ip_header"},
		{env: map[string]string{"PARLEY_TRUSTED_PROXIES": "10.0.0.0/33"}, want: "trusted_proxies"},
	}
	for _, tc := range cases {
		path := ""
		if tc.file != "" {
			path = filepath.Join(t.TempDir(), "c.json")
			os.WriteFile(path, []byte(tc.file), 0o600)
		}
		_, err := Load(path, env(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %s: err = %v, want mention of %q", tc.env, tc.file, err, tc.want)
		}
	}
}

var update = flag.Bool("update", false, "rewrite docs/configuration.md's settings table")

// settingsTable renders the table of every setting for the docs.
func settingsTable() string {
	d := Default()
	var b strings.Builder
	b.WriteString("| file key | environment | Mattermost variable | default | meaning |\n|---|---|---|---|---|\n")
	for _, s := range Settings() {
		v, _ := d.Get(s.Key)
		if v == "" {
			v = "(empty)"
		}
		mm := ""
		if s.MM != "" {
			mm = "`" + s.MM + "`"
		}
		help := s.Help
		if s.Restart {
			help += " (restart to change)"
		}
		fmt.Fprintf(&b, "| `%s` | `%s` | %s | `%s` | %s |\n", s.Key, s.Env, mm, v, help)
	}
	return b.String()
}

// The documentation's table must match the settings; run with -update to rewrite it.
func TestDocsListEverySetting(t *testing.T) {
	const path = "../../docs/configuration.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	const start, end = "<!-- settings -->\n", "<!-- /settings -->"
	i, j := strings.Index(doc, start), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the %q ... %q markers", path, start, end)
	}
	want := settingsTable()
	if doc[i+len(start):j] == want {
		return
	}
	if !*update {
		t.Fatalf("%s is out of date; run: go test ./internal/config -run TestDocs -update", path)
	}
	if err := os.WriteFile(path, []byte(doc[:i+len(start)]+want+doc[j:]), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A variable set to "" empties the settings where empty means something and
// is ignored (as unset) where empty is invalid.
func TestEmptyEnvironmentValues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.json")
	os.WriteFile(path, []byte(`{"site_url": "https://chat.example.com", "allowed_file_types": "pdf"}`), 0o600)
	for _, tc := range []struct {
		name string
		env  map[string]string
		ok   func(Config) bool
	}{
		{"metrics off", map[string]string{"PARLEY_METRICS_LISTEN": EmptyValue}, func(c Config) bool { return c.MetricsListen == "" }},
		{"metrics off, Mattermost's name", map[string]string{"MM_METRICSSETTINGS_LISTENADDRESS": EmptyValue},
			func(c Config) bool { return c.MetricsListen == "" }},
		{"site_url from the file emptied", map[string]string{"PARLEY_SITE_URL": EmptyValue}, func(c Config) bool { return c.SiteURL == "" }},
		{"empty PARLEY_ wins over MM_", map[string]string{"PARLEY_SITE_URL": EmptyValue, "MM_SERVICESETTINGS_SITEURL": "https://mm.example.com"},
			func(c Config) bool { return c.SiteURL == "" }},
		{"every file type", map[string]string{"PARLEY_ALLOWED_FILE_TYPES": EmptyValue}, func(c Config) bool { return len(c.FileTypes()) == 0 }},
		{"empty listen ignored", map[string]string{"PARLEY_LISTEN": EmptyValue}, func(c Config) bool { return c.Listen == ":8065" }},
		{"empty listen falls back to MM_", map[string]string{"PARLEY_LISTEN": EmptyValue, "MM_SERVICESETTINGS_LISTENADDRESS": ":9065"},
			func(c Config) bool { return c.Listen == ":9065" }},
		{"empty number ignored", map[string]string{"PARLEY_SESSION_LENGTH_DAYS": EmptyValue}, func(c Config) bool { return c.SessionLengthDays == 30 }},
		{"empty boolean ignored", map[string]string{"PARLEY_RATE_LIMIT_ENABLED": EmptyValue}, func(c Config) bool { return c.RateLimitEnabled }},
	} {
		c, err := Load(path, env(tc.env))
		if err != nil || !tc.ok(c) {
			t.Errorf("%s: %v %+v", tc.name, err, c)
		}
	}
}

func TestGetenvTellsEmptyFromUnset(t *testing.T) {
	t.Setenv("PARLEY_TEST_EMPTY", "")
	t.Setenv("PARLEY_TEST_SET", "x")
	if Getenv("PARLEY_TEST_EMPTY") != EmptyValue || Getenv("PARLEY_TEST_SET") != "x" || Getenv("PARLEY_TEST_UNSET_VARIABLE") != "" {
		t.Fatal("Getenv does not tell a variable set to empty from an unset one")
	}
}

func TestUnknownMattermostEnv(t *testing.T) {
	got := UnknownMattermostEnv([]string{"MM_LDAPSETTINGS_LDAPSERVER=ldap", "MM_SQLSETTINGS_DRIVERNAME=postgres",
		"PATH=/bin", "MM_SERVICESETTINGS_SITEURL=https://x", "MM_NOSUCH_THING=1", "MM_NOSUCH_THING=2"})
	want := []string{"MM_NOSUCH_THING", "MM_SQLSETTINGS_DRIVERNAME"}
	if !slices.Equal(got, want) {
		t.Fatalf("UnknownMattermostEnv = %v, want %v", got, want)
	}
}
