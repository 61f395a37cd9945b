package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
)

// Source is where the settings come from: a file, the environment and the
// command line. The API reads it again on reload and writes the file on save.
type Source struct {
	// Path is the file given with --config or PARLEY_CONFIG. When empty, the
	// file is <data_dir>/config.json, read if it exists and created by Save.
	Path   string
	Getenv func(string) string
	// Flags are settings given on the command line, by json key.
	Flags map[string]string
}

func (s Source) getenv(name string) string {
	if s.Getenv == nil {
		return ""
	}
	return s.Getenv(name)
}

// File is the configuration file the source reads and Save writes.
func (s Source) File() string {
	if s.Path != "" {
		return s.Path
	}
	c := Default()
	_ = c.applyEnv(s.getenv) // a bad variable is reported by Load
	if v := s.Flags["data_dir"]; v != "" {
		c.DataDir = v
	}
	return filepath.Join(c.DataDir, "config.json")
}

// Load builds the configuration: defaults, file, environment, flags.
func (s Source) Load() (Config, error) {
	path := s.File()
	if s.Path == "" {
		// An unreadable data directory is not this step's to report: the
		// command line then names the account to run as, and the server
		// fails to open its database with the same reason.
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
			path = ""
		}
	}
	cfg, err := Load(path, s.getenv)
	if err != nil {
		return cfg, err
	}
	for key, v := range s.Flags {
		if v == "" {
			continue
		}
		if err := cfg.Set(key, v); err != nil {
			return cfg, err
		}
	}
	return cfg, cfg.Validate()
}

// Locked names (by json key) the settings that the environment or the
// command line sets, by the same rule as applyEnv: the file cannot change
// them, so neither can the API.
func (s Source) Locked() map[string]bool {
	out := map[string]bool{}
	for _, st := range Settings() {
		if s.envSets(st, st.Env) || s.envSets(st, st.MM) || s.Flags[st.Key] != "" {
			out[st.Key] = true
		}
	}
	return out
}

// envSets tells whether the variable name sets st: a value, or an explicit
// empty one where empty has a meaning (an ignored empty variable locks nothing).
func (s Source) envSets(st Setting, name string) bool {
	if name == "" {
		return false
	}
	v := s.getenv(name)
	return v != "" && (v != EmptyValue || st.EmptyOK)
}

// Kept returns the Mattermost sections of the file, where the settings
// Parley does not use are kept.
func (s Source) Kept() (Doc, error) {
	top, err := s.readTop()
	if err != nil {
		return nil, err
	}
	out := Doc{}
	for k, v := range top {
		var section map[string]json.RawMessage
		if isSection(k) && json.Unmarshal(v, &section) == nil && section != nil {
			out[k] = section
		}
	}
	return out, nil
}

func (s Source) readTop() (map[string]json.RawMessage, error) {
	path := s.File()
	top := map[string]json.RawMessage{}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return top, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	if err := json.Unmarshal(b, &top); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	return top, nil
}

// Save writes next and the kept Mattermost settings to the file, changing as
// little of it as it can: each setting is written where the file already has
// it (as a Parley key, in its Mattermost section, or both), else as a Parley
// key if it differs from the default. A kept setting is written when the file
// has it or it differs from Mattermost's default. Locked settings stay as the
// file has them. The file is replaced atomically.
func (s Source) Save(next Config, kept Doc) error {
	top, err := s.readTop()
	if err != nil {
		return err
	}
	locked := s.Locked()
	var native, defaults map[string]json.RawMessage
	if err := json.Unmarshal(mustJSON(next), &native); err != nil {
		return err
	}
	if err := json.Unmarshal(mustJSON(Default()), &defaults); err != nil {
		return err
	}
	sections := map[string]map[string]json.RawMessage{}
	section := func(name string) map[string]json.RawMessage {
		if sections[name] == nil {
			m := map[string]json.RawMessage{}
			if v, ok := top[name]; ok {
				_ = json.Unmarshal(v, &m)
			}
			sections[name] = m
		}
		return sections[name]
	}
	places := map[string][]string{} // json key → its Mattermost names
	sectionOf := map[string]string{}
	for _, m := range MattermostSettings() {
		places[m.Key] = []string{m.Name}
		if m.Key == "metrics_listen" {
			places[m.Key] = append(places[m.Key], metricsEnable)
		}
		sectionOf[m.Key] = m.Section
	}
	rendered := next.Mattermost(nil)
	for _, st := range Settings() {
		if locked[st.Key] {
			continue
		}
		_, inNative := top[st.Key]
		inMM := false
		sec := sectionOf[st.Key]
		if sec != "" {
			for _, name := range places[st.Key] {
				if _, ok := section(sec)[name]; ok {
					inMM = true
				}
			}
		}
		if inNative || (!inMM && !jsonEqual(native[st.Key], defaults[st.Key])) {
			top[st.Key] = native[st.Key]
		}
		if inMM {
			for _, name := range places[st.Key] {
				if v, ok := rendered[sec][name]; ok {
					section(sec)[name] = v
				}
			}
		}
	}
	mmDefaults := MattermostDefaults()
	for sec, settings := range Unmapped(kept) {
		for name, v := range settings {
			inFile := section(sec)
			if _, ok := inFile[name]; ok || !jsonEqual(v, mmDefaults[sec][name]) {
				inFile[name] = v
			}
		}
	}
	for name, settings := range sections {
		if len(settings) > 0 || top[name] != nil {
			top[name] = mustJSON(settings)
		}
	}
	b, err := json.MarshalIndent(top, "", "    ")
	if err != nil {
		return err
	}
	return writeAtomic(s.File(), append(b, '\n'))
}

func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// writeAtomic replaces path with b: a crash leaves the old file or the new
// one, never half of one.
func writeAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	f, err := os.CreateTemp(dir, ".config-*.json")
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("config file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("config file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	return nil
}
