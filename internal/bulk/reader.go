package bulk

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/parley-chat/parley/internal/model"
)

// MaxLineSize is the longest line accepted, as Mattermost's scanner buffer.
const MaxLineSize = 16 << 20

// Error is one problem in a file, located by 1-based line number and field.
type Error struct {
	Line  int    `json:"line"`
	Field string `json:"field,omitempty"`
	// ID is Mattermost's error id, so scripts can match either server's errors.
	ID      string `json:"id"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Message)
	}
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Message)
}

func lineErr(line int, field, id, msg string) *Error {
	return &Error{Line: line, Field: field, ID: id, Message: msg}
}

// Decode parses one line. Unknown keys are ignored; an unknown type or a
// missing payload is an error.
func Decode(b []byte, line int) (*Line, error) {
	var l Line
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&l); err != nil {
		field := ""
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			// Embedded structs appear in the path under their Go name.
			field = strings.ReplaceAll(te.Field, ".PostBody", "")
		}
		return nil, lineErr(line, field, "app.import.bulk_import.json_decode.error", "malformed JSON: "+err.Error())
	}
	if dec.More() {
		return nil, lineErr(line, "", "app.import.bulk_import.json_decode.error", "malformed JSON: more than one object on the line")
	}
	if f := model.NULField(&l); f != "" {
		// PostgreSQL refuses U+0000 in text; SQLite would keep it and break a later move.
		return nil, lineErr(line, f, "app.import.bulk_import.json_decode.error",
			"the value holds the character U+0000 (NUL), which is not allowed in text")
	}
	var missing bool
	switch l.Type {
	case TypeVersion:
		if l.Version == nil {
			return nil, lineErr(line, "version", "app.import.process_import_data_file_version_line.invalid_version.error",
				"version line without a version number")
		}
	case TypeScheme:
		missing = l.Scheme == nil
	case TypeRole:
		missing = l.Role == nil
	case TypeEmoji:
		missing = l.Emoji == nil
	case TypeTeam:
		missing = l.Team == nil
	case TypeChannel:
		missing = l.Channel == nil
	case TypeUser:
		missing = l.User == nil
	case TypeBot:
		missing = l.Bot == nil
	case TypePost:
		missing = l.Post == nil
	case TypeDirectChannel:
		missing = l.DirectChannel == nil
	case TypeDirectPost:
		missing = l.DirectPost == nil
	default:
		return nil, lineErr(line, "type", "app.import.import_line.unknown_line_type.error", fmt.Sprintf("unknown line type %q", l.Type))
	}
	if missing {
		return nil, lineErr(line, l.Type, "app.import.import_line.null_"+l.Type+".error", "line of type "+l.Type+" without its "+l.Type+" object")
	}
	return &l, nil
}

// Scanner reads raw lines one at a time, never holding more than one line.
type Scanner struct {
	sc   *bufio.Scanner
	line int
}

// NewScanner reads lines from r.
func NewScanner(r io.Reader) *Scanner {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLineSize)
	return &Scanner{sc: sc}
}

// Next returns the next line and its number; io.EOF at the end. The bytes are
// valid until the following call.
func (s *Scanner) Next() ([]byte, int, error) {
	if !s.sc.Scan() {
		err := s.sc.Err()
		switch {
		case err == nil:
			return nil, s.line, io.EOF
		case errors.Is(err, bufio.ErrTooLong):
			return nil, s.line + 1, lineErr(s.line+1, "", "app.import.bulk_import.file_scan.error",
				fmt.Sprintf("line longer than %d bytes", MaxLineSize))
		case errors.Is(err, zip.ErrFormat), errors.Is(err, zip.ErrChecksum), errors.Is(err, io.ErrUnexpectedEOF):
			return nil, s.line + 1, lineErr(s.line+1, "", "app.import.bulk_import.file_scan.error",
				"the file is truncated or corrupt: "+err.Error())
		}
		return nil, s.line + 1, lineErr(s.line+1, "", "app.import.bulk_import.file_scan.error", err.Error())
	}
	s.line++
	return s.sc.Bytes(), s.line, nil
}

// Source is an opened import: the JSONL stream and, for a zip or an import
// directory, the files its lines name.
type Source struct {
	// Name is the JSONL file's name.
	Name string
	// Size is the JSONL's uncompressed size in bytes, for progress (0 if unknown).
	Size  int64
	jsonl io.ReadCloser
	// jsonlEntry is the JSONL's entry in a zip, opened again by Rewind.
	jsonlEntry *zip.File
	zip        *zip.ReadCloser
	files      map[string]*zip.File
	dir        string
}

// Open opens a JSONL file or a zip holding one (the first *.jsonl entry) and
// its data/ directory. importPath, for a plain file, is where relative
// attachment paths are resolved ("" = the working directory).
func Open(name, importPath string) (*Source, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	var magic [4]byte
	n, _ := io.ReadFull(f, magic[:])
	if n < 4 || string(magic[:]) != "PK\x03\x04" {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			f.Close()
			return nil, err
		}
		st, _ := f.Stat()
		src := &Source{Name: name, jsonl: f, dir: importPath}
		if st != nil {
			src.Size = st.Size()
		}
		return src, nil
	}
	f.Close()
	zr, err := zip.OpenReader(name)
	if err != nil {
		return nil, &Error{Line: 0, Field: "zip", ID: "app.import.bulk_import.zip.error", Message: "cannot read the zip (truncated or corrupt?): " + err.Error()}
	}
	src := &Source{zip: zr, files: map[string]*zip.File{}}
	for _, zf := range zr.File {
		if strings.HasSuffix(zf.Name, ".jsonl") && src.Name == "" && !strings.Contains(zf.Name, "/") {
			src.Name = zf.Name
			src.Size = int64(zf.UncompressedSize64)
			rc, err := zf.Open()
			if err != nil {
				zr.Close()
				return nil, &Error{Field: "zip", ID: "app.import.bulk_import.zip.error", Message: "cannot read " + zf.Name + ": " + err.Error()}
			}
			src.jsonl, src.jsonlEntry = rc, zf
			continue
		}
		if rest, ok := strings.CutPrefix(zf.Name, "data/"); ok && !zf.FileInfo().IsDir() {
			src.files[rest] = zf
		}
	}
	if src.jsonl == nil {
		zr.Close()
		return nil, &Error{Field: "zip", ID: "app.import.bulk_import.zip.error", Message: "the zip holds no .jsonl file at its root"}
	}
	return src, nil
}

// Reader is the JSONL stream.
func (s *Source) Reader() io.Reader { return s.jsonl }

// Rewind starts the JSONL stream again from its first line, for a second
// pass over the file.
func (s *Source) Rewind() error {
	if s.jsonlEntry == nil {
		seeker, ok := s.jsonl.(io.Seeker)
		if !ok {
			return fmt.Errorf("%s cannot be read twice", s.Name)
		}
		_, err := seeker.Seek(0, io.SeekStart)
		return err
	}
	rc, err := s.jsonlEntry.Open()
	if err != nil {
		return err
	}
	s.jsonl.Close()
	s.jsonl = rc
	return nil
}

// IsZip reports whether the source is a zip archive.
func (s *Source) IsZip() bool { return s.zip != nil }

// OpenFile opens a file a line names (attachment, profile image, emoji image).
func (s *Source) OpenFile(p string) (io.ReadCloser, error) {
	if p == "" || strings.Contains(p, "..") {
		return nil, fmt.Errorf("invalid path %q", p)
	}
	if s.zip != nil {
		zf, ok := s.files[path.Clean(p)]
		if !ok {
			return nil, fmt.Errorf("attachment %q not found in map", p)
		}
		return zf.Open()
	}
	if s.dir != "" && !path.IsAbs(p) {
		p = path.Join(s.dir, p)
	}
	return os.Open(p)
}

// Stat tells whether a file a line names exists, without reading it, and
// its size; the same paths as OpenFile are refused.
func (s *Source) Stat(p string) (int64, error) {
	if p == "" || strings.Contains(p, "..") {
		return 0, fmt.Errorf("invalid path %q", p)
	}
	if s.zip != nil {
		zf, ok := s.files[path.Clean(p)]
		if !ok {
			return 0, fmt.Errorf("attachment %q not found in map", p)
		}
		return int64(zf.UncompressedSize64), nil
	}
	if s.dir != "" && !path.IsAbs(p) {
		p = path.Join(s.dir, p)
	}
	st, err := os.Stat(p)
	if err != nil {
		return 0, err
	}
	if !st.Mode().IsRegular() {
		return 0, fmt.Errorf("%q is not a regular file", p)
	}
	return st.Size(), nil
}

// Close releases the files.
func (s *Source) Close() error {
	err := s.jsonl.Close()
	if s.zip != nil {
		if e := s.zip.Close(); err == nil {
			err = e
		}
	}
	return err
}
