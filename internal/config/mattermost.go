package config

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode"
)

// Doc is a configuration in Mattermost's shape: section → setting → JSON
// value, as GET /api/v4/config answers and a Mattermost config.json holds.
type Doc map[string]map[string]json.RawMessage

// FakeSetting is what Mattermost shows in place of a secret (model.FakeSetting);
// sent back unchanged, it keeps the secret.
const FakeSetting = "********************************"

// mattermostDefaults is every section of Mattermost's configuration with the
// settings the System Console and mmctl read, at Mattermost's defaults. It
// gives the API's answer its full shape, and the mm tags their spelling.
//
//go:embed mattermost.json
var mattermostDefaults []byte

// MattermostDefaults returns Mattermost's default configuration.
func MattermostDefaults() Doc {
	var d Doc
	if err := json.Unmarshal(mattermostDefaults, &d); err != nil {
		panic("config: embedded mattermost.json: " + err.Error())
	}
	return d
}

// secretSettings are the settings Mattermost masks in GET /config
// (model.Config.Sanitize); always marks those masked even when empty.
var secretSettings = []struct {
	section, name string
	always        bool
}{
	{"SqlSettings", "DataSource", true}, {"SqlSettings", "AtRestEncryptKey", true},
	{"FileSettings", "PublicLinkSalt", true}, {"FileSettings", "AmazonS3SecretAccessKey", false},
	{"FileSettings", "ExportAmazonS3SecretAccessKey", false}, {"EmailSettings", "SMTPPassword", false},
	{"LdapSettings", "BindPassword", false}, {"GitLabSettings", "Secret", false},
	{"GoogleSettings", "Secret", false}, {"Office365Settings", "Secret", false},
	{"OpenIdSettings", "Secret", false}, {"ElasticsearchSettings", "Password", true},
	{"ServiceSettings", "SplitKey", false}, {"ServiceSettings", "GiphySdkKey", false},
}

// replicaSettings are lists of data sources, each entry masked.
var replicaSettings = []string{"DataSourceReplicas", "DataSourceSearchReplicas"}

// MattermostSetting is a Parley setting with its place in Mattermost's shape.
type MattermostSetting struct {
	Setting
	Section, Name string
	// List: Mattermost's value is a list of strings (TrustedProxyIPHeader)
	// where Parley's is one space-separated string.
	List  bool
	index int
}

// Path is the dotted name mmctl uses, e.g. ServiceSettings.SiteURL.
func (m MattermostSetting) Path() string { return m.Section + "." + m.Name }

// MattermostSettings lists the settings with an mm tag, placed by matching
// the tag (MM_<SECTION>_<SETTING>) against Mattermost's defaults; the tag is
// the one place the mapping is written.
func MattermostSettings() []MattermostSetting {
	byEnv := map[string][2]string{}
	defaults := MattermostDefaults()
	for section, settings := range defaults {
		for name := range settings {
			byEnv["MM_"+strings.ToUpper(section)+"_"+strings.ToUpper(name)] = [2]string{section, name}
		}
	}
	var out []MattermostSetting
	for i, s := range Settings() {
		if p, ok := byEnv[s.MM]; ok && s.MM != "" {
			def := defaults[p[0]][p[1]]
			list := s.Kind == reflect.String && len(def) > 0 && def[0] == '['
			out = append(out, MattermostSetting{Setting: s, Section: p[0], Name: p[1], List: list, index: i})
		}
	}
	return out
}

// metricsEnable is Mattermost's switch for the metrics listener, which Parley
// folds into metrics_listen (empty is off).
const metricsEnable = "Enable"

// Mattermost renders c in Mattermost's shape: Mattermost's defaults, then the
// kept settings (those Parley does not use, from the file), then every
// setting Parley maps. Secrets are not masked; see Mask.
func (c *Config) Mattermost(kept Doc) Doc {
	d := MattermostDefaults()
	for section, settings := range kept {
		if d[section] == nil {
			d[section] = map[string]json.RawMessage{}
		}
		for name, v := range settings {
			d[section][name] = v
		}
	}
	v := reflect.ValueOf(c).Elem()
	for _, m := range MattermostSettings() {
		f := v.Field(m.index).Interface()
		switch m.Key {
		case "log_level":
			f = strings.ToUpper(c.LogLevel)
		case "metrics_listen":
			d[m.Section][metricsEnable] = mustJSON(c.MetricsListen != "")
			if c.MetricsListen == "" {
				continue
			}
		}
		if m.List {
			list := strings.FieldsFunc(f.(string), func(r rune) bool { return r == ' ' || r == ',' })
			if list == nil {
				list = []string{} // [] in the file, not null
			}
			f = list
		}
		d[m.Section][m.Name] = mustJSON(f)
	}
	return d
}

// SetMattermost applies the mapped settings present (and not null) in d;
// every other key is ignored, so a whole Mattermost config.json is accepted.
// A value of the wrong type is an error naming the Mattermost setting.
func (c *Config) SetMattermost(d Doc) error {
	v := reflect.ValueOf(c).Elem()
	var errs []error
	for _, m := range MattermostSettings() {
		section := d[m.Section]
		raw, ok := section[m.Name]
		if m.Key == "metrics_listen" {
			if on, set := section[metricsEnable]; set && string(on) == "false" {
				c.MetricsListen = ""
				continue
			}
		}
		if !ok || isNull(raw) {
			continue
		}
		if m.List {
			var list []string
			if err := json.Unmarshal(raw, &list); err != nil {
				errs = append(errs, fmt.Errorf("%s: %s is not a list of strings", m.Path(), raw))
				continue
			}
			raw = mustJSON(strings.Join(list, " "))
		}
		if err := setJSON(v.Field(m.index), raw); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", m.Path(), err))
			continue
		}
		if m.Key == "log_level" {
			c.LogLevel = strings.ToLower(c.LogLevel)
		}
	}
	return errors.Join(errs...)
}

func setJSON(f reflect.Value, raw json.RawMessage) error {
	switch f.Kind() {
	case reflect.String:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return fmt.Errorf("%s is not a string", raw)
		}
		f.SetString(s)
	case reflect.Bool:
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return fmt.Errorf("%s is not true or false", raw)
		}
		f.SetBool(b)
	case reflect.Int, reflect.Int64:
		var n int64
		if err := json.Unmarshal(raw, &n); err != nil || (f.Kind() == reflect.Int && int64(int(n)) != n) {
			return fmt.Errorf("%s is not a whole number", raw)
		}
		f.SetInt(n)
	}
	return nil
}

// Unmapped returns the settings of d that Parley does not map: the ones a
// Mattermost configuration carries that Parley keeps but ignores.
func Unmapped(d Doc) Doc {
	mapped := map[[2]string]bool{}
	for _, m := range MattermostSettings() {
		mapped[[2]string{m.Section, m.Name}] = true
		if m.Key == "metrics_listen" {
			mapped[[2]string{m.Section, metricsEnable}] = true
		}
	}
	out := Doc{}
	for section, settings := range d {
		for name, v := range settings {
			if mapped[[2]string{section, name}] {
				continue
			}
			if out[section] == nil {
				out[section] = map[string]json.RawMessage{}
			}
			out[section][name] = v
		}
	}
	return out
}

// Merge returns base with the settings of patch over it; a null in patch
// changes nothing, as in Mattermost's config.Merge.
func Merge(base, patch Doc) Doc {
	out := Doc{}
	for section, settings := range base {
		out[section] = make(map[string]json.RawMessage, len(settings))
		for name, v := range settings {
			out[section][name] = v
		}
	}
	for section, settings := range patch {
		if out[section] == nil {
			out[section] = map[string]json.RawMessage{}
		}
		for name, v := range settings {
			if !isNull(v) {
				out[section][name] = v
			}
		}
	}
	return out
}

// Mask replaces the secrets of d with FakeSetting, as Mattermost's Sanitize.
func Mask(d Doc) {
	fake := mustJSON(FakeSetting)
	for _, s := range secretSettings {
		v, ok := d[s.section][s.name]
		if ok && (s.always || (!isNull(v) && string(v) != `""`)) {
			d[s.section][s.name] = fake
		}
	}
	for _, name := range replicaSettings {
		var list []string
		if json.Unmarshal(d["SqlSettings"][name], &list) != nil {
			continue
		}
		for i := range list {
			list[i] = FakeSetting
		}
		d["SqlSettings"][name] = mustJSON(list)
	}
}

// Unmask puts back the secrets of actual wherever d still holds FakeSetting,
// as Mattermost's desanitize does with a configuration sent back.
func Unmask(d, actual Doc) {
	fake := mustJSON(FakeSetting)
	for _, s := range secretSettings {
		if v, ok := d[s.section][s.name]; ok && bytes.Equal(v, fake) {
			d[s.section][s.name] = actual[s.section][s.name]
		}
	}
	for _, name := range replicaSettings {
		var got, had []string
		if json.Unmarshal(d["SqlSettings"][name], &got) != nil || json.Unmarshal(actual["SqlSettings"][name], &had) != nil ||
			len(got) != len(had) {
			continue
		}
		for i := range got {
			if got[i] == FakeSetting {
				got[i] = had[i]
			}
		}
		d["SqlSettings"][name] = mustJSON(got)
	}
}

// EnvironmentDoc lists the settings named by keys (json keys) in the shape
// of GET /api/v4/config/environment: section → setting → true.
func EnvironmentDoc(keys map[string]bool) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, m := range MattermostSettings() {
		if !keys[m.Key] {
			continue
		}
		if out[m.Section] == nil {
			out[m.Section] = map[string]bool{}
		}
		out[m.Section][m.Name] = true
		if m.Key == "metrics_listen" {
			out[m.Section][metricsEnable] = true
		}
	}
	return out
}

// Keep copies from src the settings named by keys (json keys).
func (c *Config) Keep(src *Config, keys map[string]bool) {
	dst, from := reflect.ValueOf(c).Elem(), reflect.ValueOf(src).Elem()
	for i, s := range Settings() {
		if keys[s.Key] {
			dst.Field(i).Set(from.Field(i))
		}
	}
}

// validIDs are Mattermost's error ids (model.config.is_valid.*) for the
// checks of Validate; a setting without one gets an id of the same form
// built from its Mattermost name.
var validIDs = map[string]string{
	"listen": "listen_address", "site_url": "site_url", "database": "sql_data_src", "files_dir": "directory",
	"password_min_length": "password_length", "max_users_per_team": "max_users", "max_login_attempts": "login_attempts",
	"rate_limit_per_sec": "rate_sec", "rate_limit_burst": "max_burst", "tls_cert_file": "tls_cert_file_missing",
	"tls_key_file": "tls_key_file_missing", "max_file_size": "max_file_size", "site_name": "sitename_length",
	"export_retention_days": "export.retention_days_too_low", "import_retention_days": "import.retention_days_too_low",
	"session_length_days": "session_length_web_in_days",
}

// InvalidSetting names the first setting a Validate error is about: its
// Mattermost path (or json key when Mattermost has no such setting) and the
// Mattermost error id. Validate's messages start with the json key(s).
func InvalidSetting(err error) (name, id string) {
	msg := err.Error()
	if j, ok := err.(interface{ Unwrap() []error }); ok && len(j.Unwrap()) > 0 {
		msg = j.Unwrap()[0].Error()
	}
	key, _, _ := strings.Cut(msg, ":")
	key, _, _ = strings.Cut(key, ",")
	name = key
	for _, m := range MattermostSettings() {
		if m.Key == key {
			name = m.Path()
			break
		}
	}
	suffix, ok := validIDs[key]
	if !ok {
		_, setting, _ := strings.Cut(name, ".")
		suffix = snake(setting)
		if setting == "" {
			suffix = key
		}
	}
	return name, "model.config.is_valid." + suffix + ".app_error"
}

// snake turns SessionLengthWebInDays into session_length_web_in_days.
func snake(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) || (i+1 < len(rs) && unicode.IsLower(rs[i+1]))) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// ParseDoc reads a configuration in Mattermost's shape as a client sends it.
// A section Mattermost has must be an object (or null); any other key that
// is not an object is ignored, as Mattermost's decoder ignores unknown fields.
func ParseDoc(top map[string]json.RawMessage) (Doc, error) {
	known := MattermostDefaults()
	d := Doc{}
	for k, v := range top {
		var section map[string]json.RawMessage
		if err := json.Unmarshal(v, &section); err != nil {
			if _, ok := known[k]; ok {
				return nil, fmt.Errorf("%s: not an object", k)
			}
			continue
		}
		if section != nil {
			d[k] = section
		}
	}
	return d, nil
}

// isSection tells a Mattermost section (ServiceSettings) from a Parley key
// (site_url) at the top of a configuration file.
func isSection(key string) bool {
	r := []rune(key)
	return len(r) > 0 && unicode.IsUpper(r[0])
}

// decodeFile reads a configuration file onto c. It may hold Parley keys,
// Mattermost sections (a Mattermost config.json as it is), or both; a Parley
// key wins over the Mattermost setting it maps. Unknown Parley keys are
// refused, to catch typos; unknown Mattermost settings are ignored.
func decodeFile(b []byte, c *Config) error {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return err
	}
	sections, native := map[string]json.RawMessage{}, map[string]json.RawMessage{}
	for k, v := range top {
		if isSection(k) {
			sections[k] = v
		} else {
			native[k] = v
		}
	}
	mm, err := ParseDoc(sections)
	if err != nil {
		return err
	}
	if err := c.SetMattermost(mm); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(mustJSON(native)))
	dec.DisallowUnknownFields()
	return dec.Decode(c)
}

func isNull(v json.RawMessage) bool { return len(v) == 0 || string(v) == "null" }

// mustJSON encodes values that always encode (strings, numbers, bools, maps of those).
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("config: encode: " + err.Error())
	}
	return b
}
