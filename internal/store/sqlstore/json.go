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
	switch s := src.(type) {
	case nil:
		return nil
	case string:
		return unmarshalCol(s, j.v)
	case []byte:
		return unmarshalCol(s, j.v)
	default:
		return fmt.Errorf("scan json: unexpected %T", src)
	}
}

// unmarshalCol is json.Unmarshal of a column's text into v, empty text
// leaving v as it is.
func unmarshalCol[T string | []byte](b T, v any) error {
	if len(b) == 0 {
		return nil
	}
	// Most posts have no props and no files: what Unmarshal would make of
	// those, without its reflection (a tenth of a history page's scan) or a
	// copy of the text.
	switch v := v.(type) {
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
	return json.Unmarshal([]byte(b), v)
}
