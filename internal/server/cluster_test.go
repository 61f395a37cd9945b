package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/proctest"
	"github.com/parley-chat/parley/internal/testdb"
)

// The cluster tests run real nodes: the parley binary, three processes on
// one PostgreSQL database, one NATS server and one files directory, so that
// a node can be killed as a crash kills it (SIGKILL).

// buildParley builds the binary once per test run.
func buildParley(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "parley")
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/parley")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build parley: %v\n%s", err, out)
	}
	return bin
}

// testCluster is a set of nodes sharing one database, NATS and files.
type testCluster struct {
	t     *testing.T
	bin   string
	env   []string
	files string
	nodes map[string]*testNode
}

type testNode struct {
	name string
	addr string
	dir  string
	cmd  *exec.Cmd
	log  *bytes.Buffer
	srv  *apitest.Server
}

func newTestCluster(t *testing.T) *testCluster {
	t.Helper()
	nats := testdb.NATS(t)
	db := testdb.Postgres(t)
	c := &testCluster{t: t, bin: buildParley(t), files: t.TempDir(), nodes: map[string]*testNode{}}
	cluster := "test" + strings.ToLower(model.NewID()[:10])
	c.env = append(os.Environ(), "PARLEY_DATABASE="+db.DSN, "PARLEY_CLUSTER_NATS_URL="+nats,
		"PARLEY_CLUSTER_NAME="+cluster, "MM_FILESETTINGS_DIRECTORY="+c.files,
		"PARLEY_METRICS_LISTEN=", "PARLEY_RATE_LIMIT_ENABLED=false", "PARLEY_LOG_LEVEL=info")
	t.Cleanup(func() {
		for _, n := range c.nodes {
			if n.cmd.ProcessState == nil {
				_ = n.cmd.Process.Signal(syscall.SIGTERM)
				_ = n.cmd.Wait()
			}
			if t.Failed() {
				t.Logf("log of %s:\n%s", n.name, n.log.String())
			}
		}
		// The streams and buckets of this cluster, left on the shared NATS.
		if nc, err := natsgo.Connect(nats); err == nil {
			if js, err := jetstream.New(nc); err == nil {
				for _, k := range []string{"EVENTS", "REPLAY"} {
					_ = js.DeleteStream(context.Background(), "PARLEY_"+cluster+"_"+k)
				}
				_ = js.DeleteKeyValue(context.Background(), "PARLEY_"+cluster+"_NODES")
			}
			nc.Close()
		}
	})
	return c
}

// start runs a node (again, with the same address and data, after a kill)
// and waits until it answers ping, which it does once it has joined.
func (c *testCluster) start(name string) *testNode {
	c.t.Helper()
	n := c.nodes[name]
	if n == nil {
		n = &testNode{name: name, addr: "127.0.0.1:" + strconv.Itoa(proctest.FreePort(c.t)), dir: c.t.TempDir()}
		c.nodes[name] = n
	}
	n.log = &bytes.Buffer{}
	n.cmd = exec.Command(c.bin)
	n.cmd.Env = append(c.env, "PARLEY_NODE_NAME="+name, "PARLEY_LISTEN="+n.addr, "PARLEY_DATA="+n.dir)
	n.cmd.Stdout, n.cmd.Stderr = n.log, n.log
	if err := n.cmd.Start(); err != nil {
		c.t.Fatalf("start %s: %v", name, err)
	}
	n.srv = apitest.Remote(c.t, "http://"+n.addr)
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(n.srv.URL + "/api/v4/system/ping")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return n
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("%s did not answer ping: %v\n%s", name, err, n.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (c *testCluster) kill(name string) {
	c.t.Helper()
	n := c.nodes[name]
	if err := n.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		c.t.Fatal(err)
	}
	_ = n.cmd.Wait()
}

// socket is a WebSocket client that checks the numbering of events.
type socket struct {
	t      *testing.T
	c      *websocket.Conn
	frames chan map[string]any
	closed chan struct{}
	connID string
	next   int64
}

func openSocket(t *testing.T, n *testNode, token, query string) (*socket, error) {
	t.Helper()
	u := "ws://" + n.addr + "/api/v4/websocket"
	if query != "" {
		u += "?" + query
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	wc, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}}})
	if err != nil {
		return nil, err
	}
	wc.SetReadLimit(1 << 20)
	s := &socket{t: t, c: wc, frames: make(chan map[string]any, 4096), closed: make(chan struct{})}
	go func() {
		defer close(s.closed)
		for {
			_, data, err := wc.Read(context.Background())
			if err != nil {
				return
			}
			var f map[string]any
			if json.Unmarshal(data, &f) == nil {
				s.frames <- f
			}
		}
	}()
	t.Cleanup(func() { _ = wc.CloseNow() })
	return s, nil
}

// connect opens a fresh connection and reads its hello.
func connect(t *testing.T, n *testNode, token string) *socket {
	t.Helper()
	s, err := openSocket(t, n, token, "")
	if err != nil {
		t.Fatalf("dial %s: %v", n.name, err)
	}
	f := s.event(t, "hello")
	s.connID, _ = f["data"].(map[string]any)["connection_id"].(string)
	return s
}

// nextFrame is the next event, checked to follow the previous one; nil when
// the socket closed or nothing came in time.
func (s *socket) nextFrame(wait time.Duration) (map[string]any, error) {
	var f map[string]any
	select {
	case f = <-s.frames:
	default:
		select {
		case f = <-s.frames:
		case <-s.closed:
			// The reader closes s.closed after its last frame.
			select {
			case f = <-s.frames:
			default:
				return nil, io.EOF
			}
		case <-time.After(wait):
			return nil, nil
		}
	}
	seq, ok := f["seq"].(float64)
	if !ok {
		return f, nil // a reply
	}
	if int64(seq) != s.next {
		return f, fmt.Errorf("event %v has seq %v, want %d", f["event"], seq, s.next)
	}
	s.next++
	return f, nil
}

// event waits for the next event named name, failing on a numbering gap.
func (s *socket) event(t *testing.T, name string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		f, err := s.nextFrame(time.Until(deadline))
		if err != nil {
			t.Fatalf("waiting for %s: %v", name, err)
		}
		if f != nil && f["event"] == name {
			return f
		}
	}
	t.Fatalf("no %s event", name)
	return nil
}

// postedMessage is the message of a posted event, or "".
func postedMessage(f map[string]any) string {
	if f["event"] != model.EventPosted {
		return ""
	}
	var p model.Post
	s, _ := f["data"].(map[string]any)["post"].(string)
	_ = json.Unmarshal([]byte(s), &p)
	return p.Message
}

// waitPosted reads until the posted event of msg, returning the messages of
// the posted events before it.
func (s *socket) waitPosted(t *testing.T, msg string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		f, err := s.nextFrame(time.Until(deadline))
		if err != nil {
			t.Fatalf("waiting for %q: %v", msg, err)
		}
		if f != nil && postedMessage(f) == msg {
			return
		}
	}
	t.Fatalf("%q not delivered", msg)
}

// noPosted checks that nothing posted arrives for a while.
func (s *socket) noPosted(t *testing.T, wait time.Duration) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		f, _ := s.nextFrame(time.Until(deadline))
		if m := postedMessage(f); m != "" {
			t.Fatalf("%q delivered to a socket that must not hear it", m)
		}
	}
}

func TestClusterThreeNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three server processes")
	}
	c := newTestCluster(t)
	n1, n2, n3 := c.start("node1"), c.start("node2"), c.start("node3")

	admin := n1.srv.SignUp("admin")
	team := admin.CreateTeam("ha", true)
	ch := admin.CreateChannel(team.ID, "ops", "O")
	users := map[string]*apitest.Client{}
	for _, name := range []string{"alice", "bob", "carol", "dave", "erin", "frank"} {
		u := n1.srv.SignUp(name)
		admin.AddToTeam(team.ID, u.UserID)
		admin.Post("/channels/"+ch.ID+"/members", map[string]string{"user_id": u.UserID}).Expect(http.StatusCreated)
		users[name] = u
	}

	var status []map[string]any
	admin.On(n2.srv).Get("/cluster/status").Expect(http.StatusOK).JSON(&status)
	if len(status) != 3 {
		t.Fatalf("cluster status lists %d nodes, want 3: %v", len(status), status)
	}
	for _, k := range []string{"id", "version", "schema_version", "config_hash", "ipaddress", "hostname"} {
		if _, ok := status[0][k]; !ok {
			t.Errorf("cluster status has no %s: %v", k, status[0])
		}
	}
	users["alice"].On(n2.srv).Get("/cluster/status").ExpectError(http.StatusForbidden, "api.context.permissions.app_error")

	// Presence: a user with sockets on node1 and node2 closes the one on
	// node1; checked once node1's 10 s before showing them offline have
	// passed (below), the other subtests running meanwhile.
	henry := n1.srv.SignUp("henry")
	henry1 := connect(t, n1, henry.Token)
	connect(t, n2, henry.Token)
	_ = henry1.c.CloseNow()
	henryLeft := time.Now()

	t.Run("delivery across nodes", func(t *testing.T) {
		a := connect(t, n2, users["alice"].Token)
		b := connect(t, n3, users["bob"].Token)
		users["carol"].CreatePost(ch.ID, "across", "")
		a.waitPosted(t, "across")
		b.waitPosted(t, "across")
	})

	t.Run("revoked on one node, closed on another", func(t *testing.T) {
		gina := n1.srv.SignUp("gina")
		s := connect(t, n3, gina.Token)
		start := time.Now()
		admin.On(n2.srv).Post("/users/"+gina.UserID+"/sessions/revoke/all", nil).Expect(http.StatusOK)
		select {
		case <-s.closed:
			d := time.Since(start)
			if d > 2*time.Second {
				t.Fatalf("socket closed after %v, want within 2 s", d)
			}
			t.Logf("socket on node3 closed %v after the revocation on node2 was sent", d.Round(time.Millisecond))
		case <-time.After(2 * time.Second):
			t.Fatal("socket of the revoked session still open after 2 s")
		}
	})

	t.Run("removed member stops hearing on every node", func(t *testing.T) {
		var carol []*socket
		for _, n := range []*testNode{n1, n2, n3} {
			carol = append(carol, connect(t, n, users["carol"].Token))
		}
		witness := connect(t, n3, users["dave"].Token)
		users["dave"].On(n2.srv).CreatePost(ch.ID, "before removal", "")
		for _, s := range carol {
			s.waitPosted(t, "before removal")
		}
		witness.waitPosted(t, "before removal")
		admin.On(n2.srv).Delete("/channels/" + ch.ID + "/members/" + users["carol"].UserID).Expect(http.StatusOK)
		users["dave"].On(n3.srv).CreatePost(ch.ID, "after removal", "")
		witness.waitPosted(t, "after removal")
		for _, s := range carol {
			s.noPosted(t, 300*time.Millisecond)
		}
	})

	t.Run("a configuration saved on one node is in force on every node", func(t *testing.T) {
		admin.On(n2.srv).Put("/config/patch", map[string]any{"TeamSettings": map[string]any{"SiteName": "Clustered"}}).
			Expect(http.StatusOK)
		for _, n := range []*testNode{n1, n3} {
			deadline := time.Now().Add(2 * time.Second)
			for {
				var cc map[string]string
				n.srv.Anon().Get("/config/client?format=old").Expect(http.StatusOK).JSON(&cc)
				if cc["SiteName"] == "Clustered" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s: SiteName %q 2 s after the change on node2", n.name, cc["SiteName"])
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
	})

	t.Run("a killed node's clients resume on another with every post once", func(t *testing.T) {
		// Listeners on node3, which dies; posters post through every node
		// and move to another when theirs fails.
		listeners := map[string]*socket{}
		for _, name := range []string{"alice", "bob", "dave", "erin", "frank"} {
			listeners[name] = connect(t, n3, users[name].Token)
		}
		posters := []string{"alice", "bob", "dave", "erin", "frank"}
		var mu sync.Mutex
		acked := map[string]bool{}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		nodes := []*testNode{n1, n2, n3}
		for i, name := range posters {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tok := users[name].Token
				for k := 0; ; k++ {
					select {
					case <-stop:
						return
					default:
					}
					msg := fmt.Sprintf("%s-%d", name, k)
					n := nodes[(i+k)%len(nodes)]
					if postRaw(n, tok, ch.ID, msg) {
						mu.Lock()
						acked[msg] = true
						mu.Unlock()
					}
					time.Sleep(20 * time.Millisecond)
				}
			}()
		}
		time.Sleep(700 * time.Millisecond)
		c.kill("node3")
		killed := time.Now()
		got := map[string]map[string]int{}
		resumed := map[string]*socket{}
		for name, s := range listeners {
			got[name] = map[string]int{}
			for {
				f, err := s.nextFrame(5 * time.Second)
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s before the kill: %v", name, err)
				}
				if f == nil {
					t.Fatalf("%s: socket on the killed node neither delivered nor closed", name)
				}
				if m := postedMessage(f); m != "" {
					got[name][m]++
				}
			}
			r, err := openSocket(t, n1, users[name].Token, "connection_id="+s.connID+"&sequence_number="+strconv.FormatInt(s.next, 10))
			if err != nil {
				t.Fatalf("%s: resume on node1: %v", name, err)
			}
			r.connID, r.next = s.connID, s.next
			resumed[name] = r
		}
		t.Logf("5 listeners reconnected to node1 %v after the kill", time.Since(killed).Round(time.Millisecond))
		time.Sleep(700 * time.Millisecond)
		close(stop)
		wg.Wait()
		// A last post everyone waits for: it follows every acknowledged one.
		users["alice"].On(n2.srv).CreatePost(ch.ID, "the end", "")
		for name, r := range resumed {
			for {
				f, err := r.nextFrame(5 * time.Second)
				if err != nil {
					t.Fatalf("%s after resuming: %v", name, err)
				}
				if f == nil {
					t.Fatalf("%s: \"the end\" not delivered after resuming", name)
				}
				if f["event"] == model.EventHello {
					t.Fatalf("%s: resume on another node sent a new hello", name)
				}
				m := postedMessage(f)
				if m == "the end" {
					break
				}
				if m != "" {
					got[name][m]++
				}
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if len(acked) < 20 {
			t.Fatalf("only %d posts acknowledged", len(acked))
		}
		for name, seen := range got {
			for m := range acked {
				if seen[m] != 1 {
					t.Errorf("%s got acknowledged post %s %d times, want once", name, m, seen[m])
				}
			}
			for m, k := range seen {
				if k > 1 {
					t.Errorf("%s got %s %d times", name, m, k)
				}
			}
		}
		// None lost from the database either. Pages of 200 (the API's most
		// per page) until one comes back short: a fast machine acknowledges
		// more posts than one page holds.
		stored := map[string]bool{}
		for page := 0; ; page++ {
			var list model.PostList
			admin.Get("/channels/" + ch.ID + "/posts?per_page=200&page=" + strconv.Itoa(page)).Expect(http.StatusOK).JSON(&list)
			for _, p := range list.Posts {
				stored[p.Message] = true
			}
			if len(list.Order) < 200 {
				break
			}
		}
		for m := range acked {
			if !stored[m] {
				t.Errorf("acknowledged post %s is not in the database", m)
			}
		}
		t.Logf("%d posts acknowledged while node3 was killed", len(acked))
	})

	t.Run("the killed node rejoins", func(t *testing.T) {
		n3 := c.start("node3")
		s := connect(t, n3, users["erin"].Token)
		users["frank"].On(n1.srv).CreatePost(ch.ID, "welcome back", "")
		s.waitPosted(t, "welcome back")
	})

	t.Run("a user connected to another node stays online", func(t *testing.T) {
		time.Sleep(time.Until(henryLeft.Add(11 * time.Second)))
		var st model.Status
		henry.On(n3.srv).Get("/users/" + henry.UserID + "/status").Expect(http.StatusOK).JSON(&st)
		if st.Status != model.StatusOnline {
			t.Fatalf("status %q while a socket on node2 is open, want online", st.Status)
		}
	})

	t.Run("parley cluster status", func(t *testing.T) {
		cmd := exec.Command(c.bin, "cluster", "status")
		cmd.Env = append(c.env, "PARLEY_DATA="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("cluster status: %v\n%s", err, out)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) != 4 || !strings.HasPrefix(lines[0], "NODE") || !strings.HasPrefix(lines[1], "node1 ") ||
			!strings.HasPrefix(lines[3], "node3 ") || strings.Count(string(out), " yes ") != 1 {
			t.Fatalf("cluster status printed:\n%s", out)
		}
	})

	t.Run("the leader dies, another node takes over the jobs", func(t *testing.T) {
		leader := func(n *testNode) string {
			var st []map[string]any
			admin.On(n.srv).Get("/cluster/status").Expect(http.StatusOK).JSON(&st)
			for _, x := range st {
				if x["leader"] == true && x["id"] != "node1" {
					return x["id"].(string)
				}
			}
			return ""
		}
		c.kill("node1")
		deadline := time.Now().Add(12 * time.Second)
		for leader(n2) == "" {
			if time.Now().After(deadline) {
				t.Fatal("no node took the leader lease over from the killed node1")
			}
			time.Sleep(200 * time.Millisecond)
		}
	})
}

// postRaw posts msg, reporting whether it was acknowledged (201).
func postRaw(n *testNode, token, channelID, msg string) bool {
	body, _ := json.Marshal(map[string]string{"channel_id": channelID, "message": msg})
	req, err := http.NewRequest("POST", n.srv.URL+"/api/v4/posts", bytes.NewReader(body))
	if err != nil {
		return false
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	cl := &http.Client{Timeout: 5 * time.Second}
	resp, err := cl.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode == http.StatusCreated
}
