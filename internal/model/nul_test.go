package model

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestNULField(t *testing.T) {
	type inner struct {
		Text string `json:"text"`
	}
	type embedded struct {
		Message *string `json:"message"`
	}
	type outer struct {
		embedded
		Name    string            `json:"name"`
		Skip    string            `json:"-"`
		Items   []inner           `json:"items"`
		Props   map[string]any    `json:"props"`
		Raw     json.RawMessage   `json:"raw"`
		Labels  map[string]string `json:"labels,omitempty"`
		Data    []byte            `json:"data"`
		private string
	}
	nul := "a\x00b"
	for _, tc := range []struct {
		name string
		v    any
		want string
	}{
		{"clean", &outer{Name: "x", Items: []inner{{"y"}}, Props: map[string]any{"a": []any{"b"}}, Data: []byte{0}}, ""},
		{"field", &outer{Name: nul}, "name"},
		{"ignored field", &outer{Skip: nul, private: nul}, ""},
		{"embedded", &outer{embedded: embedded{Message: &nul}}, "message"},
		{"slice", &outer{Items: []inner{{"ok"}, {nul}}}, "items[1].text"},
		{"nested any", &outer{Props: map[string]any{"attachments": []any{map[string]any{"text": nul}}}}, "props.attachments[0].text"},
		{"map key", &outer{Labels: map[string]string{nul: "v"}}, `labels.a\u0000b`},
		{"raw message", &outer{Raw: json.RawMessage(`{"k":"\u0000"}`)}, "raw.k"},
		{"raw escaped backslash", &outer{Raw: json.RawMessage(`{"k":"\\u0000"}`)}, ""},
		{"top-level string", nul, "body"},
		{"string slice", []string{"a", nul}, "[1]"},
	} {
		if got := NULField(tc.v); got != tc.want {
			t.Errorf("%s: NULField = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// FuzzNULField decodes arbitrary JSON and checks that NULField finds a NUL
// exactly when the value, encoded again, holds the escape \u0000.
func FuzzNULField(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `{"a":"\u0000"}`, `["x",{"\u0000":1}]`, `"\\u0000"`, `{"a":{"b":["c","d\u0000"]}}`, `null`, `1`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var v any
		if json.Unmarshal(b, &v) != nil {
			return
		}
		enc, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		want := bytes.Contains(bytes.ReplaceAll(enc, []byte(`\\`), nil), []byte(`\u0000`))
		if got := NULField(v) != ""; got != want {
			t.Fatalf("%s: NULField found=%v, encoding says %v", b, got, want)
		}
	})
}

func TestUsernameAndEmailRules(t *testing.T) {
	for s, want := range map[string]bool{
		"alice": true, "a": true, "a.b-c_d": true, "a1": true, "z-": true,
		".": false, "..": false, "-": false, "_": false, "1": false, ".hidden": false, "1abc": false, "-x": false,
		"": false, "all": false, "here": false, "Alice": false, "a b": false, "a\x00": false,
	} {
		if got := IsValidUsername(s); got != want {
			t.Errorf("IsValidUsername(%q) = %v, want %v", s, got, want)
		}
	}
	for s, want := range map[string]bool{
		"a@example.com": true, "first.last+tag@sub.example.org": true, "a@b": true,
		"": false, "a": false, "a@": false, "@b": false, "a@b@c": false, "a b@c.d": false, "Bob <b@c.d>": false, "<b@c.d>": false,
		"a\x00@b.c": false, "a@b.c\n": false, "a@b.c\x00": false, "\"a b\"@c.d": false,
		strings.Repeat("a", 120) + "@example.com": false,
	} {
		if got := IsValidEmail(s); got != want {
			t.Errorf("IsValidEmail(%q) = %v, want %v", s, got, want)
		}
	}
}
