package loadtest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"slices"
	"strconv"
	"syscall"
	"time"
)

// StartConfig starts Binary Runs times on DataDir and times the first
// successful ping; then reads the idle RSS after Settle.
type StartConfig struct {
	Binary  string
	DataDir string
	Args    []string // extra arguments, e.g. --database
	Runs    int
	Settle  time.Duration
}

// Start runs the start scenario.
func Start(ctx context.Context, cfg StartConfig) (*Summary, error) {
	var lat Latencies
	var rss []int64
	for range max(cfg.Runs, 1) {
		d, r, err := startOnce(ctx, cfg)
		if err != nil {
			return nil, err
		}
		lat.Add(d)
		rss = append(rss, r)
	}
	slices.Sort(rss)
	med := rss[len(rss)/2]
	return &Summary{Scenario: "start", Latency: map[string]Dist{"start_to_first_ping": lat.Dist()},
		Values: map[string]float64{"idle_rss_mb": float64(med) / (1 << 20)},
		Notes:  []string{fmt.Sprintf("median idle RSS %.1f MB after %s", float64(med)/(1<<20), cfg.Settle)}}, nil
}

func startOnce(ctx context.Context, cfg StartConfig) (time.Duration, int64, error) {
	port, err := freePort()
	if err != nil {
		return 0, 0, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	args := append([]string{"--listen", addr, "--data", cfg.DataDir}, cfg.Args...)
	cmd := exec.CommandContext(ctx, cfg.Binary, args...)
	cmd.Env = append(cmd.Environ(), "PARLEY_METRICS_LISTEN=")
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	hc := &http.Client{Timeout: time.Second}
	for {
		if time.Since(t0) > 30*time.Second {
			return 0, 0, fmt.Errorf("server did not answer ping within 30s")
		}
		resp, err := hc.Get("http://" + addr + "/api/v4/system/ping")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	d := time.Since(t0)
	time.Sleep(cfg.Settle)
	st, err := ReadProc(cmd.Process.Pid)
	if err != nil {
		return 0, 0, err
	}
	return d, st.RSSBytes, nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
