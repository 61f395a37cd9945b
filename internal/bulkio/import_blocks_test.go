package bulkio_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/apptest"
	"github.com/parley-chat/parley/internal/testdb"
)

// otherBatch is importOtherBatch, the lines of a batch of users.
const otherBatch = 100

// A block whose last batch is flushed because it is full (here exactly
// otherBatch users) is still a block: the posts after it wait for it
// to commit. They did not, and on PostgreSQL, where batches of one block run
// in parallel, the posts of the last users were refused ("user not found")
// and the import stopped with a hundred users missing.
func TestImportWaitsForAFullLastBatch(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		a, _ := apptest.New(t, b)
		var chans []string
		for c := range 20 {
			chans = append(chans, fmt.Sprintf(`{"name":"c%d"}`, c))
		}
		lines := []string{`{"type":"version","version":1}`,
			`{"type":"team","team":{"name":"crew","display_name":"Crew","type":"O"}}`}
		for c := range 20 {
			lines = append(lines, fmt.Sprintf(`{"type":"channel","channel":{"team":"crew","name":"c%d","display_name":"C%d","type":"O"}}`, c, c))
		}
		for u := range otherBatch {
			lines = append(lines, fmt.Sprintf(`{"type":"user","user":{"username":"u%d","email":"u%d@example.com","teams":[{"name":"crew","channels":[%s]}]}}`,
				u, u, strings.Join(chans, ",")))
		}
		for u := otherBatch - 10; u < otherBatch; u++ {
			lines = append(lines, fmt.Sprintf(`{"type":"post","post":{"team":"crew","channel":"c0","user":"u%d","message":"hi","create_at":%d}}`,
				u, 1600000000000+u))
		}
		rep := importFile(t, a, writeFile(t, lines), true)
		if rep.ErrorCount != 0 {
			t.Fatal(errs(rep))
		}
		if got := rep.Imported["users"]; got != otherBatch {
			t.Errorf("users imported: %d, want %d", got, otherBatch)
		}
	})
}
