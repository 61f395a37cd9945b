package api_test

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/testdb"
)

// tcpProxy forwards a local port to addr until closed, which also cuts the
// connections it carries: a replica server that goes away.
type tcpProxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newProxy(t *testing.T, addr string) *tcpProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", addr)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
	t.Cleanup(p.close)
	return p
}

func (p *tcpProxy) close() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}

// The read replicas are the test's own PostgreSQL reached through separate
// connection pools (one through a proxy the test cuts): what the test proves
// is the routing — which reads the replica pools answer, that writes and
// the reads after them do not go there, and that a replica that is down, at
// start or later, sends its reads to the primary without failing a request.
// It cannot show replication lag, as there is none.
func TestReadReplicas(t *testing.T) {
	b := testdb.Postgres(t)
	u, err := url.Parse(b.DSN)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newProxy(t, u.Host)
	viaProxy := *u
	viaProxy.Host = proxy.ln.Addr().String()
	down := *u
	down.Host = "127.0.0.1:1"
	s := apitest.Start(t, b, func(c *config.Config) {
		c.DatabaseReplicas = b.DSN + " " + viaProxy.String() + " " + down.String()
	})
	st := s.Store.(interface{ ReplicaQueries() []int64 })
	served := func() int64 {
		q := st.ReplicaQueries()
		if len(q) != 3 || q[2] != 0 {
			t.Fatalf("replica queries %v: three replicas, the one down at start answering none", q)
		}
		return q[0] + q[1]
	}

	admin := s.SignUp("admin")
	team := admin.CreateTeam("staff", true)
	ch := admin.CreateChannel(team.ID, "news", model.ChannelOpen)
	var posts []*model.Post
	for _, m := range []string{"first replica note", "second replica note", "third replica note"} {
		posts = append(posts, admin.CreatePost(ch.ID, m, ""))
	}
	// Writes, and the reads that follow them, stay on the primary.
	before := served()
	admin.Get("/channels/" + ch.ID + "/posts").Expect(http.StatusOK)
	admin.Get("/users/me").Expect(http.StatusOK)
	admin.Put("/users/me/patch", map[string]string{"nickname": "boss"}).Expect(http.StatusOK)
	if n := served(); n != before {
		t.Fatalf("primary-only requests ran %d queries on replicas", n-before)
	}

	wantFound := 3
	reads := []struct {
		name string
		do   func()
	}{
		{"search", func() {
			var r model.PostSearchResults
			admin.Post("/teams/"+team.ID+"/posts/search", map[string]any{"terms": "replica"}).Expect(http.StatusOK).JSON(&r)
			if len(r.Order) != wantFound {
				t.Fatalf("search found %v, want %d", r.Order, wantFound)
			}
		}},
		{"history page", func() {
			var l model.PostList
			admin.Get("/channels/" + ch.ID + "/posts?before=" + posts[2].ID).Expect(http.StatusOK).JSON(&l)
			if !slices.Contains(l.Order, posts[0].ID) || slices.Contains(l.Order, posts[2].ID) {
				t.Fatalf("page before the third post: %v", l.Order)
			}
		}},
		{"user list", func() {
			var us []model.User
			admin.Get("/users?in_team=" + team.ID).Expect(http.StatusOK).JSON(&us)
			if len(us) != 1 {
				t.Fatalf("users %d", len(us))
			}
		}},
		{"channel search", func() {
			admin.Post("/channels/search", map[string]any{"term": "news"}).Expect(http.StatusOK)
		}},
	}
	for _, r := range reads {
		before := served()
		r.do()
		r.do()
		if served() <= before {
			t.Errorf("%s: no replica answered", r.name)
		}
	}

	// A search confirms on the primary what the replica found: a deleted
	// post is not shown even by a replica that still has it (here, none
	// lags, so this shows the confirmation does not drop live posts).
	admin.Delete("/posts/" + posts[1].ID).Expect(http.StatusOK)
	wantFound = 2
	var r model.PostSearchResults
	admin.Post("/teams/"+team.ID+"/posts/search", map[string]any{"terms": "replica"}).Expect(http.StatusOK).JSON(&r)
	if len(r.Order) != 2 || slices.Contains(r.Order, posts[1].ID) {
		t.Fatalf("search after a deletion: %v", r.Order)
	}

	if q := st.ReplicaQueries(); q[0] == 0 || q[1] == 0 {
		t.Errorf("reads not spread over the replicas that are up: %v", q)
	}
	// The proxied replica goes away: its reads fall back to the primary or
	// the replica still up, and no request fails.
	proxy.close()
	for range 6 {
		for _, r := range reads {
			r.do()
		}
	}
	if q := st.ReplicaQueries(); q[0] == 0 {
		t.Errorf("the replica still up answered nothing: %v", q)
	}
}
