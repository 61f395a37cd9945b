package app_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/testdb"
)

// An import upload whose body breaks off is refused as the client's error and
// leaves nothing in the import directory, not even its temporary file; a
// whole one appears under its name, private to the server's user.
func TestUploadImportFile(t *testing.T) {
	b := testdb.Backend{Name: "sqlite", DataDir: t.TempDir()} // files only
	a := newApp(t, b)
	ctx := context.Background()
	dir := filepath.Join(b.DataDir, "import")

	cut := io.MultiReader(strings.NewReader("PK\x03\x04 half a zip"), errReader{})
	_, err := a.UploadImport(ctx, app.SystemSession(), "data.zip", cut)
	var ae *model.AppError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusBadRequest || ae.ID != "api.file.upload_file.read_request.app_error" {
		t.Fatalf("UploadImport of a broken body = %v, want 400 read_request", err)
	}
	if es, _ := os.ReadDir(dir); len(es) != 0 {
		t.Fatalf("import directory after a broken upload holds %d entries, want none", len(es))
	}

	name, err := a.UploadImport(ctx, app.SystemSession(), "data.zip", strings.NewReader("PK\x03\x04 a zip"))
	if err != nil || !strings.HasSuffix(name, "_data.zip") {
		t.Fatalf("UploadImport = %q, %v", name, err)
	}
	fi, err := os.Stat(filepath.Join(dir, name))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("stored import file: %v, %v; want mode 0600", fi, err)
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Errorf("import directory holds %d entries, want only %s", len(es), name)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }
