// Package server puts Parley together: configuration, store, bus, app, API and
// web client behind one HTTP server, with a graceful stop.
package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/parley-chat/parley/internal/api"
	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/bus"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/store/sqlstore"
	"github.com/parley-chat/parley/internal/ws"
	"github.com/parley-chat/parley/web"
)

// Server is a running Parley node.
type Server struct {
	App   *app.App
	Hub   *ws.Hub
	store *sqlstore.SQLStore
	bus   bus.Bus
	http  *http.Server
	ln    net.Listener
	log   *slog.Logger
}

// New opens storage (migrating it) and builds the node; Start begins serving.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*Server, error) {
	st, err := sqlstore.Open(ctx, cfg.Database, cfg.DataDir, log)
	if err != nil {
		return nil, err
	}
	b := bus.NewLocal()
	a := app.New(st, b, cfg, log)
	apiHandler := api.New(a, log)
	wsOpts := ws.DefaultOptions()
	wsOpts.AwayTimeout = a.AwayTimeout()
	hub := ws.NewHub(a, log, wsOpts)
	apiHandler.SetWebSocket(hub)
	mux := http.NewServeMux()
	prefix := cfg.SitePath()
	mux.Handle(prefix+api.Prefix+"/", http.StripPrefix(prefix, apiHandler))
	mux.Handle(prefix+"/", http.StripPrefix(prefix, webHandler(web.Dist())))
	s := &Server{App: a, Hub: hub, store: st, bus: b, log: log,
		http: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second,
			ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}}
	return s, nil
}

// Start listens on addr and serves in the background. It returns once the
// listener is bound, so callers may connect immediately.
func (s *Server) Start(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	s.ln = ln
	go func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("http server stopped", "err", err)
		}
	}()
	s.log.Info("parley listening", "addr", ln.Addr().String(), "database", s.store.DriverName())
	return nil
}

// Addr is the bound address (useful with port 0).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Shutdown stops accepting, finishes requests in flight, then closes storage.
// WebSockets are hijacked connections the HTTP server no longer tracks, so the
// hub closes them first.
func (s *Server) Shutdown(ctx context.Context) error {
	s.Hub.Close()
	err := s.http.Shutdown(ctx)
	if cerr := s.bus.Close(); cerr != nil && err == nil {
		err = cerr
	}
	if cerr := s.store.Close(); cerr != nil && err == nil {
		err = cerr
	}
	return err
}

// webHandler serves the single-page client: real files as they are, any other
// path (a deep link such as /team/channels/town-square) as index.html.
func webHandler(dist fs.FS) http.Handler {
	files := http.FileServerFS(dist)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"id":"api.context.404.app_error","message":"Sorry, we could not find the page.","detailed_error":"","status_code":404}`))
			return
		}
		p := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if p != "" {
			if st, err := fs.Stat(dist, p); err == nil && !st.IsDir() {
				if strings.HasPrefix(p, "assets/") {
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				}
				files.ServeHTTP(w, r)
				return
			}
		}
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFileFS(w, r, dist, "index.html")
	})
}
