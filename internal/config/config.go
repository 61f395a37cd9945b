// Package config holds Parley's settings: safe defaults, overridden by a JSON
// file, then by PARLEY_* environment variables, then by command-line flags.
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
)

// Config is every setting. The json name is the key in the file; env names the
// environment variable that overrides it.
type Config struct {
	Listen   string `json:"listen" env:"PARLEY_LISTEN" help:"address to listen on"`
	DataDir  string `json:"data_dir" env:"PARLEY_DATA" help:"directory for the SQLite database and files"`
	Database string `json:"database" env:"PARLEY_DATABASE" help:"data source: empty for SQLite in the data directory, or a postgres:// URL"`
	SiteURL  string `json:"site_url" env:"PARLEY_SITE_URL" help:"public URL clients use, e.g. https://chat.example.com"`
	SiteName string `json:"site_name" env:"PARLEY_SITE_NAME" help:"name shown to users"`
	LogLevel string `json:"log_level" env:"PARLEY_LOG_LEVEL" help:"debug, info, warn or error"`

	EnableOpenServer       bool `json:"enable_open_server" env:"PARLEY_ENABLE_OPEN_SERVER" help:"anyone may sign up without an invite"`
	EnableUserCreation     bool `json:"enable_user_creation" env:"PARLEY_ENABLE_USER_CREATION" help:"allow new accounts at all"`
	EnableTeamCreation     bool `json:"enable_team_creation" env:"PARLEY_ENABLE_TEAM_CREATION" help:"members may create teams"`
	EnableUserAccessTokens bool `json:"enable_user_access_tokens" env:"PARLEY_ENABLE_USER_ACCESS_TOKENS" help:"allow personal access tokens"`
	EnableUserDeactivation bool `json:"enable_user_deactivation" env:"PARLEY_ENABLE_USER_DEACTIVATION" help:"users may deactivate their own account"`
	EnableAPIDeletion      bool `json:"enable_api_deletion" env:"PARLEY_ENABLE_API_DELETION" help:"allow permanent=true deletes of users, teams, channels and posts through the API"`
	ShowEmailAddress       bool `json:"show_email_address" env:"PARLEY_SHOW_EMAIL_ADDRESS" help:"show users' email addresses to others"`
	ShowFullName           bool `json:"show_full_name" env:"PARLEY_SHOW_FULL_NAME" help:"show users' full names to others"`
	StrictCSRF             bool `json:"strict_csrf" env:"PARLEY_STRICT_CSRF" help:"refuse cookie requests without a CSRF token even when X-Requested-With is set"`

	SessionLengthDays    int `json:"session_length_days" env:"PARLEY_SESSION_LENGTH_DAYS" help:"days a login lasts"`
	PasswordMinLength    int `json:"password_min_length" env:"PARLEY_PASSWORD_MIN_LENGTH" help:"shortest password accepted"`
	MaxLoginAttempts     int `json:"max_login_attempts" env:"PARLEY_MAX_LOGIN_ATTEMPTS" help:"failed logins before an account is locked"`
	MaxRequestBodyKB     int `json:"max_request_body_kb" env:"PARLEY_MAX_REQUEST_BODY_KB" help:"largest JSON request body, in KiB"`
	PostEditTimeLimitSec int `json:"post_edit_time_limit" env:"PARLEY_POST_EDIT_TIME_LIMIT" help:"seconds a post stays editable; -1 for always"`
	MaxUsersPerTeam      int `json:"max_users_per_team" env:"PARLEY_MAX_USERS_PER_TEAM" help:"largest team size"`

	UserStatusAwayTimeoutSec int `json:"user_status_away_timeout" env:"PARLEY_USER_STATUS_AWAY_TIMEOUT" help:"seconds without activity before a connected user is shown away"`
}

// Default returns the configuration Parley runs with when nothing is set.
func Default() Config {
	return Config{
		Listen:                 ":8065",
		DataDir:                "./data",
		SiteName:               "Parley",
		LogLevel:               "info",
		EnableOpenServer:       true,
		EnableUserCreation:     true,
		EnableTeamCreation:     true,
		EnableUserAccessTokens: true,
		EnableUserDeactivation: false,
		ShowEmailAddress:       true,
		ShowFullName:           true,
		SessionLengthDays:      30,
		PasswordMinLength:      8,
		MaxLoginAttempts:       10,
		MaxRequestBodyKB:       1024,
		PostEditTimeLimitSec:   -1,
		MaxUsersPerTeam:        50000,

		UserStatusAwayTimeoutSec: 300,
	}
}

// Load builds the configuration: defaults, then file (if path is not empty), then
// environment from getenv. The result is validated.
func Load(path string, getenv func(string) string) (Config, error) {
	c := Default()
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("config file: %w", err)
		}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return c, fmt.Errorf("config file %s: %w", path, err)
		}
	}
	if err := c.applyEnv(getenv); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// Setting describes one setting for flags, help and the CLI.
type Setting struct {
	Key  string // json name
	Env  string
	Help string
	Kind reflect.Kind
}

// Settings lists every setting in declaration order.
func Settings() []Setting {
	t := reflect.TypeOf(Config{})
	out := make([]Setting, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		out = append(out, Setting{Key: f.Tag.Get("json"), Env: f.Tag.Get("env"), Help: f.Tag.Get("help"), Kind: f.Type.Kind()})
	}
	return out
}

// Set changes the setting named by its json key from text.
func (c *Config) Set(key, value string) error {
	v := reflect.ValueOf(c).Elem()
	t := v.Type()
	for i := range t.NumField() {
		if t.Field(i).Tag.Get("json") != key {
			continue
		}
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(value)
		case reflect.Bool:
			b, err := strconv.ParseBool(value)
			if err != nil {
				return fmt.Errorf("setting %s: %q is not true or false", key, value)
			}
			f.SetBool(b)
		case reflect.Int:
			n, err := strconv.Atoi(value)
			if err != nil {
				return fmt.Errorf("setting %s: %q is not a whole number", key, value)
			}
			f.SetInt(int64(n))
		}
		return nil
	}
	return fmt.Errorf("unknown setting %q", key)
}

// Get returns a setting's value as text.
func (c *Config) Get(key string) (string, error) {
	v := reflect.ValueOf(c).Elem()
	t := v.Type()
	for i := range t.NumField() {
		if t.Field(i).Tag.Get("json") == key {
			return fmt.Sprint(v.Field(i).Interface()), nil
		}
	}
	return "", fmt.Errorf("unknown setting %q", key)
}

func (c *Config) applyEnv(getenv func(string) string) error {
	for _, s := range Settings() {
		if val := getenv(s.Env); val != "" {
			if err := c.Set(s.Key, val); err != nil {
				return fmt.Errorf("%s: %w", s.Env, err)
			}
		}
	}
	return nil
}

// Validate names the first setting that cannot work.
func (c *Config) Validate() error {
	var errs []error
	if _, port, err := net.SplitHostPort(c.Listen); err != nil {
		errs = append(errs, fmt.Errorf("listen: %q is not host:port (%v)", c.Listen, err))
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		errs = append(errs, fmt.Errorf("listen: port %q is not a number from 0 to 65535", port))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("data_dir: must not be empty"))
	}
	if c.Database != "" && !strings.HasPrefix(c.Database, "postgres://") && !strings.HasPrefix(c.Database, "postgresql://") &&
		!strings.HasPrefix(c.Database, "sqlite:") {
		errs = append(errs, fmt.Errorf("database: %q is neither empty (SQLite), sqlite:PATH, nor a postgres:// URL", c.Database))
	}
	if c.SiteURL != "" {
		u, err := url.Parse(c.SiteURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("site_url: %q is not an http(s) URL", c.SiteURL))
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log_level: %q is not debug, info, warn or error", c.LogLevel))
	}
	if c.SessionLengthDays < 1 {
		errs = append(errs, errors.New("session_length_days: must be at least 1"))
	}
	if c.PasswordMinLength < 5 || c.PasswordMinLength > 72 {
		errs = append(errs, errors.New("password_min_length: must be from 5 to 72"))
	}
	if c.MaxLoginAttempts < 1 {
		errs = append(errs, errors.New("max_login_attempts: must be at least 1"))
	}
	if c.MaxRequestBodyKB < 16 {
		errs = append(errs, errors.New("max_request_body_kb: must be at least 16"))
	}
	if c.MaxUsersPerTeam < 1 {
		errs = append(errs, errors.New("max_users_per_team: must be at least 1"))
	}
	if c.UserStatusAwayTimeoutSec < 1 {
		errs = append(errs, errors.New("user_status_away_timeout: must be at least 1"))
	}
	return errors.Join(errs...)
}

// SitePath is the path prefix of the site URL ("" at the root).
func (c *Config) SitePath() string {
	if c.SiteURL == "" {
		return ""
	}
	u, err := url.Parse(c.SiteURL)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(u.Path, "/")
}
