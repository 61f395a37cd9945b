// Package relay carries events from command-line processes to the running
// server, so that what an operator changes with `parley channel delete …`
// reaches connected clients at once.
//
// The command line opens the database itself and runs the same app layer as the
// server, but its in-process bus has no WebSocket connections. Instead it
// publishes on a Bus that sends each event over a unix socket in the data
// directory (parley.sock, mode 0600: only the account running Parley may use
// it). The server listens on that socket and republishes what arrives on its
// own bus, which delivers it like any event of its own (and, in a cluster, to
// every node). When no server runs, nobody is connected and the event is
// dropped.
package relay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/parley-chat/parley/internal/bus"
	"github.com/parley-chat/parley/internal/model"
)

// SocketName is the socket's file name in the data directory.
const SocketName = "parley.sock"

// SocketPath is where the server of dataDir listens.
func SocketPath(dataDir string) string { return filepath.Join(dataDir, SocketName) }

const maxBody = 4 << 20

// Listener is the server end of the relay.
type Listener struct {
	srv  *http.Server
	ln   net.Listener
	path string
}

// Listen serves the relay on a unix socket at path, publishing every event it
// receives on b. A stale socket left by a crashed server is replaced; a socket
// another live server answers on is an error.
func Listen(path string, b bus.Bus, log *slog.Logger) (*Listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("relay: create data directory: %w", err)
	}
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return nil, fmt.Errorf("relay: another server already listens on %s", path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("relay: remove stale socket: %w", err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("relay: listen on %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("relay: restrict socket: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /events", func(w http.ResponseWriter, r *http.Request) {
		var evs []*model.Event
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
		dec.UseNumber()
		if err := dec.Decode(&evs); err != nil {
			http.Error(w, "bad events: "+err.Error(), http.StatusBadRequest)
			return
		}
		for _, ev := range evs {
			if ev == nil || ev.Event == "" {
				continue
			}
			if ev.Data == nil {
				ev.Data = map[string]any{}
			}
			if err := b.Publish(r.Context(), ev); err != nil {
				log.WarnContext(r.Context(), "relay: publish", "event", ev.Event, "err", err)
			}
		}
		w.WriteHeader(http.StatusNoContent)
	})
	l := &Listener{ln: ln, path: path, srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}}
	go func() {
		if err := l.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("relay stopped", "err", err)
		}
	}()
	return l, nil
}

// Close stops the relay and removes its socket.
func (l *Listener) Close(ctx context.Context) error {
	err := l.srv.Shutdown(ctx)
	if rerr := os.Remove(l.path); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) && err == nil {
		err = rerr
	}
	return err
}

// Bus is the command line's bus: it forwards events to the server's relay.
type Bus struct {
	path   string
	client *http.Client
}

var _ bus.Bus = (*Bus)(nil)

// NewBus returns a bus that relays to the server listening on the socket at path.
func NewBus(path string) *Bus {
	return &Bus{path: path, client: &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		}},
	}}
}

// Publish sends ev to the running server. Without one, there is no connected
// client to tell, and the event is dropped.
func (b *Bus) Publish(ctx context.Context, ev *model.Event) error {
	// No socket, no server: the cheap check spares the encoding and the dial,
	// which an import's hundred thousand events would each pay.
	if _, err := os.Stat(b.path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	body, err := json.Marshal([]*model.Event{ev})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://parley/events", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.client.Do(req)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("relay to server: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("relay to server: %s", resp.Status)
	}
	return nil
}

// Subscribe does nothing: the command line has no connections to deliver to.
func (b *Bus) Subscribe(func(*model.Event)) func() { return func() {} }

// Close releases idle connections.
func (b *Bus) Close() error {
	b.client.CloseIdleConnections()
	return nil
}
