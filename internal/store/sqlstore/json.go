package sqlstore

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
)

// jsonCol stores a Go value as JSON text and scans it back.
type jsonCol struct{ v any }

func asJSON(v any) jsonCol { return jsonCol{v} }

func (j jsonCol) Value() (driver.Value, error) {
	b, err := json.Marshal(j.v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

func (j jsonCol) Scan(src any) error {
	var b []byte
	switch s := src.(type) {
	case nil:
		return nil
	case string:
		b = []byte(s)
	case []byte:
		b = s
	default:
		return fmt.Errorf("scan json: unexpected %T", src)
	}
	if len(b) == 0 {
		return nil
	}
	// Most posts have no props and no files: what Unmarshal would make of
	// those, without its reflection (a tenth of a history page's scan).
	switch v := j.v.(type) {
	case *map[string]any:
		if len(b) == 2 && b[0] == '{' && b[1] == '}' {
			if *v == nil {
				*v = map[string]any{}
			}
			return nil
		}
	case *[]string:
		if len(b) == 2 && b[0] == '[' && b[1] == ']' {
			if *v = (*v)[:0]; *v == nil {
				*v = []string{}
			}
			return nil
		}
	}
	return json.Unmarshal(b, j.v)
}
