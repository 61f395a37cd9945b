package app

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/bus"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/store/sqlstore"
	"github.com/parley-chat/parley/internal/testdb"
)

// TestSamlRequestID: an AuthnRequest id is good for ten minutes, on every
// node (the key is in the database), and not when altered or made up.
func TestSamlRequestID(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		st, err := sqlstore.Open(ctx, b.DSN, b.DataDir, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		a := New(st, bus.NewLocal(), config.Default(), log)
		other := New(st, bus.NewLocal(), config.Default(), log) // another node on the same database
		now := time.Now()
		id, err := a.samlRequestID(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		old, err := a.samlRequestID(ctx, now.Add(-samlRequestMaxAge-time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		last := id[len(id)-1:]
		altered := id[:len(id)-1] + map[bool]string{true: "1", false: "0"}[last == "0"]
		parts := strings.Split(id, "-")
		forged := "id-" + parts[1] + "-" + strings.Repeat("0", 32) + "-" + parts[3]
		for _, c := range []struct {
			id   string
			want bool
		}{{id, true}, {old, false}, {altered, false}, {forged, false}, {"id-1-2", false}, {"", false}, {"_abc", false}} {
			got, err := other.samlRequestValid(ctx, c.id)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("samlRequestValid(%q) = %v, want %v", c.id, got, c.want)
			}
		}
	})
}
