package sqlstore

import (
	"testing"

	"github.com/parley-chat/parley/internal/store/storetest"
)

// TestStoreTest runs the backend-independent store tests on SQLite and
// PostgreSQL; -run 'TestStoreTest/.*/Users' runs one aggregate.
func TestStoreTest(t *testing.T) {
	eachStore(t, func(t *testing.T, s *SQLStore) { storetest.Run(t, s) })
}
