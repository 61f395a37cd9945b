package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/store/sqlstore"
	"github.com/parley-chat/parley/internal/testdb"
)

// binary is the parley executable built once for the process tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "parley-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "parley")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build parley: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// proc is a parley server running as a child process.
type proc struct {
	cmd  *exec.Cmd
	base string
	done chan error
	mu   sync.Mutex // guards log
	log  *bytes.Buffer
}

// logText is what the server has written to stderr so far.
func (p *proc) logText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

var listenRE = regexp.MustCompile(`msg="parley listening" addr=(\S+)`)

// startProc runs the binary on b; env entries override the test's defaults.
func startProc(t *testing.T, b testdb.Backend, env ...string) *proc {
	t.Helper()
	cmd := exec.Command(binary, "--listen", "127.0.0.1:0", "--data", b.DataDir, "--database", b.DSN)
	cmd.Env = append(append(os.Environ(), "PARLEY_METRICS_LISTEN=", "PARLEY_RATE_LIMIT_ENABLED=false"), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, done: make(chan error, 1), log: &bytes.Buffer{}}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.log.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		p.done <- cmd.Wait()
	}()
	select {
	case a := <-addr:
		p.base = "http://" + a + "/api/v4"
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("server did not start:\n%s", p.logText())
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

func (p *proc) call(t *testing.T, method, path, token string, body any) (int, map[string]any, http.Header) {
	t.Helper()
	js, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, p.base+path, bytes.NewReader(js))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, nil
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out, resp.Header
}

// setup makes an admin, a team and returns the token and town-square's id.
func setup(t *testing.T, p *proc) (token, channelID string) {
	t.Helper()
	if st, _, _ := p.call(t, "POST", "/users", "", map[string]string{"username": "admin", "email": "a@example.com", "password": "password1"}); st != 201 {
		t.Fatalf("create user: %d", st)
	}
	_, _, h := p.call(t, "POST", "/users/login", "", map[string]string{"login_id": "admin", "password": "password1"})
	token = h.Get("Token")
	if st, _, _ := p.call(t, "POST", "/teams", token, map[string]string{"name": "staff", "display_name": "Staff", "type": "O"}); st != 201 {
		t.Fatalf("create team: %d", st)
	}
	_, ch, _ := p.call(t, "GET", "/teams/name/staff/channels/name/town-square", token, nil)
	return token, ch["id"].(string)
}

// stream posts from several goroutines until stop closes, and returns the ids
// of every post that was acknowledged with 201.
func stream(t *testing.T, p *proc, token, channelID string, stop <-chan struct{}) func() []string {
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				st, post, _ := p.call(t, "POST", "/posts", token, map[string]string{"channel_id": channelID,
					"message": fmt.Sprintf("worker %d message %d", w, i)})
				if st == http.StatusCreated {
					mu.Lock()
					acked = append(acked, post["id"].(string))
					mu.Unlock()
				} else if st == 0 {
					return // the server is gone
				}
			}
		}()
	}
	return func() []string { wg.Wait(); return acked }
}

func testStopDuringPosts(t *testing.T, sig syscall.Signal) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		p := startProc(t, b)
		token, channelID := setup(t, p)
		stop := make(chan struct{})
		wait := stream(t, p, token, channelID, stop)
		time.Sleep(700 * time.Millisecond)
		if err := p.cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		err := <-p.done
		close(stop)
		acked := wait()
		if sig == syscall.SIGTERM && err != nil {
			t.Fatalf("SIGTERM: exit %v, want clean exit\n%s", err, p.log)
		}
		if len(acked) < 5 {
			t.Fatalf("only %d posts acknowledged before the signal", len(acked))
		}
		p2 := startProc(t, b)
		_, _, h := p2.call(t, "POST", "/users/login", "", map[string]string{"login_id": "admin", "password": "password1"})
		token = h.Get("Token")
		for _, id := range acked {
			if st, _, _ := p2.call(t, "GET", "/posts/"+id, token, nil); st != http.StatusOK {
				t.Fatalf("post %s got 201 before %v but is missing after restart (status %d)", id, sig, st)
			}
		}
		t.Logf("%d acknowledged posts all present after %v", len(acked), sig)
		p2.cmd.Process.Signal(syscall.SIGTERM)
		if err := <-p2.done; err != nil {
			t.Fatalf("second stop: %v", err)
		}
	})
}

func TestSIGTERMKeepsAcknowledgedPosts(t *testing.T) { testStopDuringPosts(t, syscall.SIGTERM) }
func TestSIGKILLKeepsAcknowledgedPosts(t *testing.T) { testStopDuringPosts(t, syscall.SIGKILL) }

func TestInvalidSettingStopsStart(t *testing.T) {
	out, err := exec.Command(binary, "--listen", "nonsense", "--data", t.TempDir()).CombinedOutput()
	if err == nil || !bytes.Contains(out, []byte("listen")) || bytes.Count(out, []byte("\n")) != 1 {
		t.Fatalf("want one line naming listen, got %v: %s", err, out)
	}
}

// PARLEY_METRICS_LISTEN= (set, empty) turns metrics off; a taken metrics
// address (Mattermost's 8067 during a migration) is named with the setting to change.
func TestMetricsListen(t *testing.T) {
	sqlite := func() testdb.Backend { return testdb.Backend{Name: "sqlite", DataDir: t.TempDir()} }
	p := startProc(t, sqlite())
	if strings.Contains(p.logText(), "metrics") {
		t.Fatalf("PARLEY_METRICS_LISTEN= did not turn metrics off:\n%s", p.logText())
	}
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	p = startProc(t, sqlite(), "PARLEY_METRICS_LISTEN="+taken.Addr().String())
	for _, want := range []string{"metrics listener not started", "metrics_listen", "PARLEY_METRICS_LISTEN", "MM_METRICSSETTINGS_LISTENADDRESS"} {
		if !strings.Contains(p.logText(), want) {
			t.Errorf("log lacks %q:\n%s", want, p.logText())
		}
	}
}

func TestDBCommands(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		run := func(args ...string) string {
			t.Helper()
			out, err := exec.Command(binary, append(args, "--data", b.DataDir, "--database", b.DSN)...).CombinedOutput()
			if err != nil {
				t.Fatalf("parley %v: %v\n%s", args, err, out)
			}
			return string(out)
		}
		if out := run("db", "migrate", "--dry-run"); !regexp.MustCompile(`Would apply migration 00001`).MatchString(out) {
			t.Fatalf("dry run: %s", out)
		}
		if out := run("db", "status"); !regexp.MustCompile(`Schema version: 0\n`).MatchString(out) {
			t.Fatalf("dry run changed the schema: %s", out)
		}
		run("db", "migrate")
		out := run("db", "status")
		if !regexp.MustCompile(`Pending migrations: 0`).MatchString(out) {
			t.Fatalf("after migrate: %s", out)
		}

		// A newer binary's migrations, as it records them: an expand step is
		// listed and accepted, a contract step refused by name.
		s, err := sqlstore.Connect(context.Background(), b.DSN, b.DataDir)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		newer := func(v int, name, kind string) {
			t.Helper()
			for _, q := range []string{
				fmt.Sprintf(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (%d, TRUE)`, v),
				fmt.Sprintf(`INSERT INTO migration_kinds (version, name, kind) VALUES (%d, '%s', '%s')`, v, name, kind),
			} {
				if _, err := s.DB().Exec(q); err != nil {
					t.Fatal(err)
				}
			}
		}
		newer(9001, "09001_newer_column", "expand")
		if out := run("db", "status"); !strings.Contains(out, "Newer migration: 09001_newer_column (expand)") {
			t.Fatalf("status of a schema with a newer expand step: %s", out)
		}
		newer(9002, "09002_newer_drop", "contract")
		out2, err := exec.Command(binary, "db", "status", "--data", b.DataDir, "--database", b.DSN).CombinedOutput()
		if err == nil || !strings.Contains(string(out2), "migration 09002_newer_drop is a contract step") {
			t.Fatalf("status of a schema with a newer contract step: %v\n%s", err, out2)
		}
	})
}

// A backup taken while posts stream in restores into an install that has every
// post acknowledged before the backup began.
func TestBackupRoundTripSQLite(t *testing.T) {
	b := testdb.Backend{Name: "sqlite", DataDir: t.TempDir()}
	p := startProc(t, b)
	token, channelID := setup(t, p)
	before := p.postN(t, token, channelID, 20)
	stop := make(chan struct{})
	wait := stream(t, p, token, channelID, stop)
	out := filepath.Join(t.TempDir(), "backup.tar.gz")
	if o, err := exec.Command(binary, "backup", "--out", out, "--data", b.DataDir).CombinedOutput(); err != nil {
		t.Fatalf("backup: %v\n%s", err, o)
	}
	close(stop)
	wait()
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v, mode %v", err, st.Mode())
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	<-p.done

	fresh := testdb.Backend{Name: "sqlite", DataDir: t.TempDir()}
	if o, err := exec.Command(binary, "restore", out, "--confirm", "--listen", "127.0.0.1:1", "--data", fresh.DataDir).CombinedOutput(); err != nil {
		t.Fatalf("restore: %v\n%s", err, o)
	}
	p2 := startProc(t, fresh)
	_, _, h := p2.call(t, "POST", "/users/login", "", map[string]string{"login_id": "admin", "password": "password1"})
	for _, id := range before {
		if st, _, _ := p2.call(t, "GET", "/posts/"+id, h.Get("Token"), nil); st != http.StatusOK {
			t.Fatalf("post %s missing after restore (%d)", id, st)
		}
	}
	p2.cmd.Process.Signal(syscall.SIGTERM)
	<-p2.done
}

// For PostgreSQL the documented path is pg_dump and pg_restore; check it works
// and that `parley backup` points there instead of writing a partial backup.
func TestBackupPostgresDocumentedPath(t *testing.T) {
	b := testdb.Postgres(t)
	p := startProc(t, b)
	token, channelID := setup(t, p)
	ids := p.postN(t, token, channelID, 10)
	if o, err := exec.Command(binary, "backup", "--out", filepath.Join(t.TempDir(), "x.tgz"), "--database", b.DSN, "--data", b.DataDir).CombinedOutput(); err == nil ||
		!bytes.Contains(o, []byte("pg_dump")) {
		t.Fatalf("backup on PostgreSQL should point to pg_dump: %v %s", err, o)
	}
	dump := filepath.Join(t.TempDir(), "parley.dump")
	if o, err := exec.Command("pg_dump", "--format=custom", "--file", dump, b.DSN).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, o)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	<-p.done
	target := testdb.Postgres(t)
	if o, err := exec.Command("pg_restore", "--no-owner", "--dbname", target.DSN, dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, o)
	}
	p2 := startProc(t, target)
	_, _, h := p2.call(t, "POST", "/users/login", "", map[string]string{"login_id": "admin", "password": "password1"})
	for _, id := range ids {
		if st, _, _ := p2.call(t, "GET", "/posts/"+id, h.Get("Token"), nil); st != http.StatusOK {
			t.Fatalf("post %s missing after pg_restore (%d)", id, st)
		}
	}
	p2.cmd.Process.Signal(syscall.SIGTERM)
	<-p2.done
}

// postN creates n posts and returns their ids.
func (p *proc) postN(t *testing.T, token, channelID string, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		st, post, _ := p.call(t, "POST", "/posts", token, map[string]string{"channel_id": channelID, "message": fmt.Sprint("before backup ", i)})
		if st != http.StatusCreated {
			t.Fatalf("post: %d", st)
		}
		ids = append(ids, post["id"].(string))
	}
	return ids
}

// Without --config, a setting changed through the API is written to
// <data_dir>/config.json and the next start reads it; the flags' settings are
// locked and listed by /config/environment.
func TestConfigAPISurvivesRestart(t *testing.T) {
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		p := startProc(t, b)
		token, _ := setup(t, p)
		_, env, _ := p.call(t, "GET", "/config/environment", token, nil)
		if sec, _ := env["ServiceSettings"].(map[string]any); sec["ListenAddress"] != true {
			t.Errorf("environment: %v", env)
		}
		st, saved, _ := p.call(t, "PUT", "/config/patch", token, map[string]any{
			"TeamSettings": map[string]any{"SiteName": "Persisted"}, "ServiceSettings": map[string]any{"ListenAddress": ":1"}})
		if st != http.StatusOK {
			t.Fatalf("PUT /config/patch: %d %v", st, saved)
		}
		if _, err := os.Stat(filepath.Join(b.DataDir, "config.json")); err != nil {
			t.Fatal(err)
		}
		p.cmd.Process.Signal(syscall.SIGTERM)
		if err := <-p.done; err != nil {
			t.Fatalf("stop: %v", err)
		}
		p2 := startProc(t, b)
		_, cc, _ := p2.call(t, "GET", "/config/client?format=old", "", nil)
		if cc["SiteName"] != "Persisted" {
			t.Errorf("after restart SiteName = %v", cc["SiteName"])
		}
		// SIGHUP reads the file again, through the same path as POST /config/reload.
		file := filepath.Join(b.DataDir, "config.json")
		raw, _ := os.ReadFile(file)
		var m map[string]any
		json.Unmarshal(raw, &m)
		m["site_name"] = "Via HUP"
		raw, _ = json.Marshal(m)
		os.WriteFile(file, raw, 0o600)
		p2.cmd.Process.Signal(syscall.SIGHUP)
		for range 200 {
			if _, cc, _ = p2.call(t, "GET", "/config/client?format=old", "", nil); cc["SiteName"] == "Via HUP" {
				break
			}
			time.Sleep(25 * time.Millisecond)
		}
		if cc["SiteName"] != "Via HUP" {
			t.Errorf("after SIGHUP SiteName = %v", cc["SiteName"])
		}
		p2.cmd.Process.Signal(syscall.SIGTERM)
		if err := <-p2.done; err != nil {
			t.Fatalf("second stop: %v", err)
		}
	})
}

// An MM_* variable Parley does not know is named in a warning at start,
// rather than ignored without a word; known ones are not.
func TestUnknownMattermostVariableWarned(t *testing.T) {
	p := startProc(t, testdb.Backend{Name: "sqlite", DataDir: t.TempDir()},
		"MM_SERVICESETTINGS_ENABLEDEVELOPERTYPO=true", "MM_LDAPSETTINGS_LDAPPORT=389")
	log := p.logText()
	if !strings.Contains(log, "names no Parley setting") || !strings.Contains(log, "MM_SERVICESETTINGS_ENABLEDEVELOPERTYPO") {
		t.Fatalf("no warning naming the unknown variable:\n%s", log)
	}
	if strings.Contains(log, "name=MM_LDAPSETTINGS_LDAPPORT") {
		t.Fatalf("a known variable was warned about:\n%s", log)
	}
}
