// Package deploy holds the files an operator installs (systemd unit, example
// configuration, nginx example, Debian maintainer scripts); its tests build the
// Debian package and install, upgrade and remove it in a throwaway root.
package deploy

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func run(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// buildDeb builds the binary and a package of the given version.
func buildDeb(t *testing.T, binary, version string) string {
	t.Helper()
	out := run(t, nil, "../scripts/build-deb.sh", version, binary)
	return strings.TrimSpace(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:])
}

func TestSystemdUnitVerifies(t *testing.T) {
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Skip("systemd-analyze not installed")
	}
	// verify checks that commands exist: point them at binaries this machine has.
	unit, err := os.ReadFile("parley.service")
	if err != nil {
		t.Fatal(err)
	}
	self, _ := os.Executable()
	text := strings.ReplaceAll(string(unit), "/usr/bin/parley", self)
	if _, err := os.Stat("/bin/kill"); err != nil {
		text = strings.ReplaceAll(text, "/bin/kill", "/usr/bin/env")
	}
	path := filepath.Join(t.TempDir(), "parley.service")
	os.WriteFile(path, []byte(text), 0o644)
	run(t, nil, "systemd-analyze", "verify", path)
}

func TestDebianPackage(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("installing into a throwaway root needs root")
	}
	tmp := t.TempDir()
	// The parley user must be able to reach the throwaway root.
	for d := tmp; d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	// Built as make deb builds it: the binary and the package share one version.
	version := strings.TrimSpace(run(t, nil, "../scripts/version.sh"))
	binary := filepath.Join(tmp, "parley")
	run(t, []string{"CGO_ENABLED=0"}, "go", "build", "-trimpath", "-ldflags", "-s -w -X main.version="+version, "-o", binary, "../cmd/parley")
	v1 := buildDeb(t, binary, version)
	v2 := buildDeb(t, binary, version+"+1")
	t.Cleanup(func() { os.Remove(v1); os.Remove(v2) })

	// No errors and no warnings: the ones without a real fix are overridden
	// in deploy/debian/lintian-overrides, with the reason.
	if _, err := exec.LookPath("lintian"); err == nil {
		out, _ := exec.Command("lintian", "--tag-display-limit", "0", v1).CombinedOutput()
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(line, "E: ") || strings.HasPrefix(line, "W: ") {
				t.Errorf("lintian: %s", line)
			}
		}
	} else if os.Getenv("CI") != "" {
		t.Fatal("lintian is not installed (make test installs it)")
	}

	root := filepath.Join(tmp, "root")
	for _, d := range []string{"var/lib/dpkg/info", "var/lib/dpkg/updates", "etc"} {
		os.MkdirAll(filepath.Join(root, d), 0o755)
	}
	os.WriteFile(filepath.Join(root, "var/lib/dpkg/status"), nil, 0o644)
	for _, f := range []string{"passwd", "group", "shadow", "gshadow", "login.defs"} {
		if b, err := os.ReadFile("/etc/" + f); err == nil {
			os.WriteFile(filepath.Join(root, "etc", f), b, 0o600)
		}
	}
	dpkg := func(args ...string) string {
		t.Helper()
		return run(t, []string{"DPKG_ROOT=" + root}, "dpkg", append([]string{"--root=" + root, "--force-script-chrootless",
			"--force-depends", "--log=/dev/null"}, args...)...)
	}
	dpkg("-i", v1)

	if out := run(t, nil, filepath.Join(root, "usr/bin/parley"), "version"); !strings.Contains(out, "Version: "+version+"\n") {
		t.Errorf("parley version says %q, the package is %s", out, version)
	}
	if out := dpkg("-s", "parley"); !strings.Contains(out, "Version: "+version+"\n") {
		t.Errorf("installed version: %s", out)
	}
	for _, f := range []string{"usr/share/man/man1/parley.1.gz", "usr/share/man/man1/parley-server.1.gz",
		"usr/share/man/man1/parley-user-create.1.gz", "usr/share/doc/parley/install.md.gz", "usr/share/doc/parley/README.md.gz",
		"usr/share/doc/parley/changelog.gz"} {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			t.Errorf("not installed: %v", err)
		}
	}

	uid, gid := parleyIDs(t, root)
	st, err := os.Stat(filepath.Join(root, "var/lib/parley"))
	if err != nil || st.Sys().(*syscall.Stat_t).Uid != uint32(uid) || st.Mode().Perm() != 0o700 {
		t.Fatalf("state directory: %v %v", err, st)
	}
	if st, _ := os.Stat(filepath.Join(root, "etc/parley/config.json")); st.Mode().Perm() != 0o640 {
		t.Fatalf("config mode %v, want 0640", st.Mode().Perm())
	}

	// The installed binary runs as the parley user with the installed configuration.
	postID := func() string {
		p := startInstalled(t, root, uid, gid)
		defer p.stop(t)
		p.call(t, "POST", "/users", "", map[string]string{"username": "admin", "email": "a@example.com", "password": "password1"})
		_, _, h := p.call(t, "POST", "/users/login", "", map[string]string{"login_id": "admin", "password": "password1"})
		tok := h.Get("Token")
		p.call(t, "POST", "/teams", tok, map[string]string{"name": "ops", "display_name": "Ops", "type": "O"})
		_, ch, _ := p.call(t, "GET", "/teams/name/ops/channels/name/town-square", tok, nil)
		st, post, _ := p.call(t, "POST", "/posts", tok, map[string]string{"channel_id": ch["id"].(string), "message": "before upgrade"})
		if st != http.StatusCreated {
			t.Fatalf("post as the parley user: %d", st)
		}
		return post["id"].(string)
	}()

	// An operator's edit of the conffile survives the upgrade, and so does the data.
	cfgPath := filepath.Join(root, "etc/parley/config.json")
	cfg, _ := os.ReadFile(cfgPath)
	os.WriteFile(cfgPath, []byte(strings.Replace(string(cfg), `"site_url": ""`, `"site_url": "https://chat.example.com"`, 1)), 0o640)
	dpkg("-i", v2)
	if b, _ := os.ReadFile(cfgPath); !strings.Contains(string(b), "chat.example.com") {
		t.Fatal("upgrade overwrote the operator's configuration")
	}
	if out := dpkg("-s", "parley"); !strings.Contains(out, "Version: "+version+"+1\n") {
		t.Fatalf("not upgraded: %s", out)
	}
	func() {
		p := startInstalled(t, root, uid, gid)
		defer p.stop(t)
		_, _, h := p.call(t, "POST", "/users/login", "", map[string]string{"login_id": "admin", "password": "password1"})
		if st, _, _ := p.call(t, "GET", "/posts/"+postID, h.Get("Token"), nil); st != http.StatusOK {
			t.Fatalf("post lost in the upgrade: %d", st)
		}
	}()

	dpkg("--purge", "parley")
	if _, err := os.Stat(filepath.Join(root, "var/lib/parley/parley.db")); err != nil {
		t.Fatalf("removing the package deleted the data: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "usr/bin/parley")); err == nil {
		t.Fatal("binary still installed after purge")
	}
}

func parleyIDs(t *testing.T, root string) (int, int) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "etc/passwd"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^parley:x:(\d+):(\d+):`).FindStringSubmatch(string(b))
	if m == nil {
		t.Fatal("postinst did not create the parley user")
	}
	uid, _ := strconv.Atoi(m[1])
	gid, _ := strconv.Atoi(m[2])
	return uid, gid
}

type installed struct {
	cmd  *exec.Cmd
	base string
	done chan error
}

// startInstalled runs the packaged binary as the parley user, with the packaged
// configuration and the paths moved into the throwaway root.
func startInstalled(t *testing.T, root string, uid, gid int) *installed {
	t.Helper()
	cmd := exec.Command(filepath.Join(root, "usr/bin/parley"), "--config", filepath.Join(root, "etc/parley/config.json"),
		"--listen", "127.0.0.1:0", "--data", filepath.Join(root, "var/lib/parley"))
	cmd.Env = append(os.Environ(), "PARLEY_METRICS_LISTEN=")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &installed{cmd: cmd, done: make(chan error, 1)}
	addr := make(chan string, 1)
	var log strings.Builder
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`"addr":"([^"]+)","scheme"|msg="parley listening" addr=(\S+)`)
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1] + m[2]
			}
		}
		p.done <- cmd.Wait()
	}()
	select {
	case a := <-addr:
		p.base = "http://" + a + "/api/v4"
	case err := <-p.done:
		t.Fatalf("installed server exited: %v\n%s", err, log.String())
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("installed server did not start")
	}
	return p
}

func (p *installed) stop(t *testing.T) {
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-p.done; err != nil {
		t.Errorf("stop: %v", err)
	}
}

func (p *installed) call(t *testing.T, method, path, token string, body any) (int, map[string]any, http.Header) {
	t.Helper()
	js, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, p.base+path, strings.NewReader(string(js)))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out, resp.Header
}
