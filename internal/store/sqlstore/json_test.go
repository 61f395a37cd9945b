package sqlstore

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestJSONColEmpty: the shortcut for {} and [] leaves what Unmarshal would.
func TestJSONColEmpty(t *testing.T) {
	for _, src := range []any{"{}", []byte("{}"), "[]", `{"a":1}`, `["x"]`} {
		for _, fresh := range []func() any{
			func() any { return new(map[string]any) },
			func() any { m := map[string]any{"kept": true}; return &m },
			func() any { return new([]string) },
			func() any { s := []string{"old"}; return &s },
		} {
			got, want := fresh(), fresh()
			errGot := asJSON(got).Scan(src)
			var b []byte
			if s, ok := src.(string); ok {
				b = []byte(s)
			} else {
				b = src.([]byte)
			}
			errWant := json.Unmarshal(b, want)
			if (errGot == nil) != (errWant == nil) || !reflect.DeepEqual(got, want) {
				t.Errorf("Scan(%q) into %T: %#v, %v; Unmarshal gives %#v, %v", src, got, got, errGot, want, errWant)
			}
		}
	}
}
