package config

import (
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

// The documentation lists every setting; this keeps it from falling behind.
func TestDocsListEverySetting(t *testing.T) {
	b, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Settings() {
		if !strings.Contains(string(b), "`"+s.Env+"`") || !strings.Contains(string(b), "`"+s.Key+"`") {
			t.Errorf("docs/configuration.md does not describe %s (%s)", s.Key, s.Env)
		}
	}
}
