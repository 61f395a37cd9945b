package server_test

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// buildRef builds the parley binary of a git revision, from a worktree of it.
func buildRef(t *testing.T, ref string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	tree := filepath.Join(t.TempDir(), "tree")
	if out, err := exec.Command("git", "-C", root, "worktree", "add", "--detach", tree, ref).CombinedOutput(); err != nil {
		t.Fatalf("git worktree add %s: %v\n%s", ref, err, out)
	}
	t.Cleanup(func() { _ = exec.Command("git", "-C", root, "worktree", "remove", "--force", tree).Run() })
	bin := filepath.Join(t.TempDir(), "parley-"+filepath.Base(ref))
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/parley")
	cmd.Dir = tree
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", ref, err, out)
	}
	return bin
}

// A rolling upgrade's middle: a node of the previous version (the git ref in
// PARLEY_TEST_OLD_REF, e.g. main before this branch) makes the database,
// then a node of this version joins and applies its newer migrations while
// the old node runs on; posts made on either reach sockets on the other.
// Skipped without the variable: it builds a second binary.
func TestClusterTwoVersions(t *testing.T) {
	ref := os.Getenv("PARLEY_TEST_OLD_REF")
	if ref == "" {
		t.Skip("set PARLEY_TEST_OLD_REF to a git ref of the previous version to run a node of it beside this one")
	}
	old := buildRef(t, ref)
	c := newTestCluster(t)
	current := c.bin
	c.bin = old
	oldNode := c.start("old")
	c.bin = current
	newNode := c.start("new")

	st := exec.Command(current, "db", "status")
	st.Env = append(c.env, "PARLEY_DATA="+t.TempDir())
	if out, err := st.CombinedOutput(); err != nil || !strings.Contains(string(out), "Pending migrations: 0") {
		t.Fatalf("the new node left migrations pending: %v\n%s", err, out)
	}

	admin := oldNode.srv.SignUp("admin")
	team := admin.CreateTeam("mixed", true)
	ch := admin.CreateChannel(team.ID, "upgrade", "O")
	users := map[string]*testNode{"olive": oldNode, "nina": newNode}
	sockets := map[string]*socket{}
	tokens := map[string]string{}
	for name, n := range users {
		u := n.srv.SignUp(name)
		admin.AddToTeam(team.ID, u.UserID)
		admin.On(n.srv).Post("/channels/"+ch.ID+"/members", map[string]string{"user_id": u.UserID}).Expect(http.StatusCreated)
		tokens[name] = u.Token
		sockets[name] = connect(t, n, u.Token)
	}
	for name, n := range users {
		msg := "from the " + n.name + " node"
		if !postRaw(n, tokens[name], ch.ID, msg) {
			t.Fatalf("post on the %s node refused", n.name)
		}
		for _, s := range sockets {
			s.waitPosted(t, msg)
		}
	}
	var status []map[string]any
	admin.On(newNode.srv).Get("/cluster/status").Expect(http.StatusOK).JSON(&status)
	if len(status) != 2 {
		t.Fatalf("cluster status lists %d nodes, want 2: %v", len(status), status)
	}

	// A binary before 00028 reads no migration kinds: restarted, the old
	// node refuses the newer schema (docs/cluster.md, "Rolling upgrade").
	c.kill("old")
	cmd := exec.Command(old)
	cmd.Env = append(c.env, "PARLEY_NODE_NAME=old", "PARLEY_LISTEN="+oldNode.addr, "PARLEY_DATA="+oldNode.dir)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "newer than this binary") {
		t.Fatalf("the old binary restarted on the newer schema: %v\n%s", err, out)
	}
}
