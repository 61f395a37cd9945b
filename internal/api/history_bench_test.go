package api_test

import (
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/apptest"
	"github.com/parley-chat/parley/internal/testdb"
)

// BenchmarkHistoryHTTP is app.BenchmarkHistoryPage over the whole HTTP path:
// GET /api/v4/channels/{id}/posts?per_page=60 from a real server on 127.0.0.1
// (session, routing, the app, JSON, ETag, the socket and the client reading
// the body), on the same sampledata channel, read as the system admin.
func BenchmarkHistoryHTTP(b *testing.B) {
	testdb.EachB(b, func(b *testing.B, be testdb.Backend) {
		s := apitest.Start(b, be)
		admin := s.SignUp("admin")
		h := apptest.HistoryChannel(b, s.Srv.App, s.Store)
		base := s.URL + "/api/v4/channels/" + h.Channel + "/posts?per_page=60"
		read := func(b *testing.B, query func(r *rand.Rand) string) {
			r := rand.New(rand.NewPCG(1, 2))
			defer testdb.ReportCPU(b)()
			for b.Loop() {
				req, err := http.NewRequest(http.MethodGet, base+query(r), nil)
				if err != nil {
					b.Fatal(err)
				}
				req.Header.Set("Authorization", "Bearer "+admin.Token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Fatalf("status %d, %v", resp.StatusCode, err)
				}
			}
		}
		b.Run("page0", func(b *testing.B) {
			read(b, func(*rand.Rand) string { return "" })
		})
		b.Run("before-cursor", func(b *testing.B) {
			read(b, func(r *rand.Rand) string { return "&before=" + h.Cursors[r.IntN(len(h.Cursors))] })
		})
		b.Run("deep-page", func(b *testing.B) {
			read(b, func(r *rand.Rand) string { return "&page=" + strconv.Itoa(1+r.IntN(h.Posts/60-1)) })
		})
	})
}
