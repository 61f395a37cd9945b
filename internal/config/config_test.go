package config

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
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
