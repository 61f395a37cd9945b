// Package server puts Parley together: configuration, store, bus, app, API and
// web client behind one HTTP server, with a graceful stop.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/acme/autocert"

	"github.com/parley-chat/parley/internal/api"
	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/bulkio"
	"github.com/parley-chat/parley/internal/bus"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/metrics"
	"github.com/parley-chat/parley/internal/relay"
	"github.com/parley-chat/parley/internal/store"
	"github.com/parley-chat/parley/internal/store/sqlstore"
	"github.com/parley-chat/parley/internal/ws"
	"github.com/parley-chat/parley/web"
)

// Server is a running Parley node.
type Server struct {
	App     *app.App
	Hub     *ws.Hub
	Metrics *metrics.Metrics
	store   *sqlstore.SQLStore
	bus     bus.Bus
	http    *http.Server
	ln      net.Listener
	metrics *http.Server
	log     *slog.Logger
	cfg     config.Config
	// relay receives the events of command-line processes (see package relay).
	relay *relay.Listener
	// stopJobs ends the background jobs (retention).
	stopJobs context.CancelFunc
	// node is this server's part in a cluster; nil alone.
	node *node
}

// New opens storage (migrating it) and builds the node; Start begins serving.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*Server, error) {
	st, err := sqlstore.Open(ctx, cfg.Database, cfg.DataDir, log)
	if err != nil {
		return nil, err
	}
	if err := st.OpenReplicas(ctx, cfg.Replicas(), log); err != nil {
		st.Close()
		return nil, err
	}
	m := metrics.New()
	m.RegisterDB(st.DB())
	if n := len(cfg.Replicas()); n > 0 {
		m.RegisterReplicas(n, st.ReplicaQueries)
	}
	st.SetObserver(m.ObserveStore)
	if err := st.ConfigureSearch(ctx, cfg.SearchLanguage); err != nil {
		st.Close()
		return nil, err
	}
	var b bus.Bus = bus.NewLocal()
	var nb *bus.NATS
	if cfg.Clustered() {
		if nb, err = dialCluster(ctx, cfg, log); err != nil {
			st.Close()
			return nil, err
		}
		b = nb
	}
	a := app.New(st, b, cfg, log)
	a.SetBulkJobs(bulkio.Jobs{App: a})
	if err := a.OpenFileStore(ctx); err != nil {
		if nb != nil {
			nb.Close()
		}
		st.Close()
		return nil, err
	}
	// The Web Push key pair is made at the first start and kept in the
	// database, so every node and every restart signs with the same key.
	if _, err := a.WebPushPublicKey(ctx); err != nil {
		if nb != nil {
			nb.Close()
		}
		st.Close()
		return nil, err
	}
	apiHandler := api.New(a, log)
	apiHandler.SetMetrics(m)
	wsOpts := ws.DefaultOptions()
	wsOpts.AwayTimeout = a.AwayTimeout()
	wsOpts.Metrics = m
	hub := ws.NewHub(a, log, wsOpts)
	if nb != nil {
		a.SetCluster(nb)
	}
	apiHandler.SetWebSocket(hub)
	a.SetIntegrationMetrics(m)
	a.SetNotificationMetrics(m)
	a.SetAuditSyslogMetrics(m)
	mux := http.NewServeMux()
	prefix := cfg.SitePath()
	mux.Handle(prefix+api.Prefix+"/", http.StripPrefix(prefix, apiHandler))
	// Incoming webhooks live outside /api/v4, as Slack senders expect.
	mux.Handle("POST "+prefix+"/hooks/{hook_id}", http.StripPrefix(prefix, apiHandler.IncomingWebhookHandler()))
	mux.Handle("POST "+prefix+"/hooks/commands/{id}", http.StripPrefix(prefix, apiHandler.CommandWebhookHandler()))
	for _, p := range []string{"/oauth/{service}/login", "/oauth/{service}/mobile_login", "/signup/{service}/complete", "/login/{service}/complete"} {
		mux.Handle("GET "+prefix+p, http.StripPrefix(prefix, apiHandler.OAuthHandler()))
	}
	mux.Handle(prefix+"/login/sso/saml", http.StripPrefix(prefix, apiHandler.SamlHandler()))
	// The unsubscribe link of notification mails (docs/notifications.md).
	mux.Handle(prefix+"/unsubscribe", http.StripPrefix(prefix, apiHandler.UnsubscribeHandler()))
	mux.Handle(prefix+"/", http.StripPrefix(prefix, webHandler(web.Dist())))
	tlsOn := cfg.TLSCertFile != "" || cfg.TLSAutocert
	s := &Server{App: a, Hub: hub, Metrics: m, store: st, bus: b, log: log, cfg: cfg,
		http: &http.Server{Handler: securityHeaders(versionHeader(mux, a), tlsOn), ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10,
			ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}}
	if nb != nil {
		s.node = &node{bus: nb, app: a, hub: hub, db: st.DB(), log: log, started: time.Now().UnixMilli(),
			schema: func(ctx context.Context) (int64, error) { v, _, err := st.SchemaVersion(ctx); return v, err }}
		m.RegisterCluster(s.node)
	}
	if cfg.MetricsListen != "" {
		mm := http.NewServeMux()
		mm.Handle("/metrics", m.Handler())
		// Profiles for operators and benchmarks, on the same private listener.
		mm.HandleFunc("/debug/pprof/", pprof.Index)
		mm.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mm.HandleFunc("/debug/pprof/trace", pprof.Trace)
		s.metrics = &http.Server{Addr: cfg.MetricsListen, Handler: mm, ReadHeaderTimeout: 10 * time.Second}
	}
	return s, nil
}

// securityHeaders adds the headers every response should carry. The CSP allows
// only the client's own scripts: no inline script, no other origin.
func securityHeaders(next http.Handler, tls bool) http.Handler {
	const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
		"img-src 'self' data: blob: https:; media-src 'self' blob:; connect-src 'self' ws: wss:; " +
		"font-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'self'; form-action 'self'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Frame-Options", "SAMEORIGIN")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Content-Security-Policy", csp)
		if tls {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// versionHeader puts X-Version-Id on every response (API, web client, static
// files, errors): clients read the server version from whichever answer they
// get first.
func versionHeader(next http.Handler, a *app.App) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Version-Id", a.VersionID())
		next.ServeHTTP(w, r)
	})
}

// Start listens on addr (HTTPS when TLS is configured) and serves in the
// background. It returns once the listeners are bound, so callers may connect
// immediately.
func (s *Server) Start(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	scheme := "http"
	switch {
	case s.cfg.TLSCertFile != "":
		cert, err := tls.LoadX509KeyPair(s.cfg.TLSCertFile, s.cfg.TLSKeyFile)
		if err != nil {
			ln.Close()
			return fmt.Errorf("tls_cert_file/tls_key_file: %w", err)
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		scheme = "https"
	case s.cfg.TLSAutocert:
		u, err := url.Parse(s.cfg.SiteURL)
		if err != nil {
			ln.Close()
			return fmt.Errorf("site_url: %w", err)
		}
		m := &autocert.Manager{Prompt: autocert.AcceptTOS, HostPolicy: autocert.HostWhitelist(u.Hostname()),
			Cache: autocert.DirCache(filepath.Join(s.cfg.DataDir, "certs"))}
		ln = tls.NewListener(ln, m.TLSConfig())
		scheme = "https"
	}
	s.ln = ln
	if s.relay, err = relay.Listen(relay.SocketPath(s.cfg.DataDir), s.bus, s.log); err != nil {
		s.log.Warn("command-line events will not reach clients", "err", err)
	}
	jobs, stop := context.WithCancel(context.Background())
	s.stopJobs = stop
	if s.node != nil {
		s.node.run(jobs, s.runJobs)
	} else {
		go s.runJobs(jobs)
	}
	go func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("http server stopped", "err", err)
		}
	}()
	s.startMetrics()
	s.log.Info("parley listening", "addr", ln.Addr().String(), "scheme", scheme, "database", s.store.DriverName())
	return nil
}

// runJobs runs the background jobs (retention, queued jobs, mail, reminders) until ctx
// ends: on every single node, and on the leader of a cluster.
func (s *Server) runJobs(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(7)
	go func() { defer wg.Done(); s.App.RetentionLoop(ctx, time.Hour) }()
	go func() { defer wg.Done(); s.App.JobsLoop(ctx) }()
	go func() { defer wg.Done(); s.App.MessageExportLoop(ctx, time.Minute) }()
	go func() { defer wg.Done(); s.App.MailLoop(ctx) }()
	go func() { defer wg.Done(); s.App.PushLoop(ctx) }()
	go func() { defer wg.Done(); s.App.LdapSyncLoop(ctx) }()
	go func() { defer wg.Done(); s.App.ReminderLoop(ctx) }()
	wg.Wait()
}

// startMetrics serves /metrics on its own listener. Chat matters more than its
// metrics: if the address is taken, it says so loudly and serves on without.
func (s *Server) startMetrics() {
	if s.metrics == nil {
		return
	}
	ln, err := net.Listen("tcp", s.metrics.Addr)
	if err != nil {
		// 8067 is Mattermost's metrics port too, so this is what running both
		// side by side during a migration looks like: name the setting to change.
		s.log.Error("metrics listener not started: set metrics_listen (PARLEY_METRICS_LISTEN, MM_METRICSSETTINGS_LISTENADDRESS) "+
			"to a free address, or to empty to turn metrics off", "addr", s.metrics.Addr, "err", err)
		s.metrics = nil
		return
	}
	go func() {
		if err := s.metrics.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("metrics server stopped", "err", err)
		}
	}()
	s.log.Info("metrics listening", "addr", ln.Addr().String())
}

// Addr is the bound address (useful with port 0).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Store is the node's storage, for the test harness to set up what the API
// cannot (expired sessions, old uploads). The api, app and ws packages cannot
// import this package, so they reach storage only through the app.
func (s *Server) Store() store.Store { return s.store }

// Shutdown stops accepting, finishes requests in flight, then closes storage.
// WebSockets are hijacked connections the HTTP server no longer tracks, so the
// hub closes them first.
func (s *Server) Shutdown(ctx context.Context) error {
	s.Hub.Close()
	err := s.http.Shutdown(ctx)
	if s.metrics != nil {
		if merr := s.metrics.Shutdown(ctx); merr != nil && err == nil {
			err = merr
		}
	}
	if s.stopJobs != nil {
		s.stopJobs()
	}
	if s.node != nil {
		s.node.stop()
	}
	s.App.Close()
	if s.relay != nil {
		if rerr := s.relay.Close(ctx); rerr != nil && err == nil {
			err = rerr
		}
	}
	if cerr := s.bus.Close(); cerr != nil && err == nil {
		err = cerr
	}
	if cerr := s.store.Close(); cerr != nil && err == nil {
		err = cerr
	}
	return err
}

// clientProbe tells the paths outside /api/v4 that clients probe for plugins
// and server-side static files, which Parley does not have. "plugins" is a
// reserved team name; "static" is not (as in Mattermost), so the pages of a
// team named static (/static/channels/…, /static/messages/@…, /static/pl/…,
// /static/threads) are the web client's, while /static itself is a probe.
func clientProbe(p string) bool {
	if p == "plugins" || strings.HasPrefix(p, "plugins/") || p == "static" {
		return true
	}
	rest, ok := strings.CutPrefix(p, "static/")
	if !ok {
		return false
	}
	page, _, _ := strings.Cut(rest, "/")
	switch page {
	case "channels", "messages", "pl", "threads":
		return false
	}
	return true
}

// webHandler serves the single-page client: real files as they are, any other
// path (a deep link such as /team/channels/town-square) as index.html.
func webHandler(dist fs.FS) http.Handler {
	files := http.FileServerFS(dist)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		// Other methods, and API paths outside /api/v4 (/api/v3/…), get
		// Mattermost's JSON 404 rather than the web client.
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || p == "api" || strings.HasPrefix(p, "api/") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"id":"api.context.404.app_error","message":"Sorry, we could not find the page.","detailed_error":"","status_code":404}`))
			return
		}
		if clientProbe(p) {
			// Apps count any 2xx from a plugin path as the plugin being
			// enabled; Mattermost answers its plain 404 there.
			http.NotFound(w, r)
			return
		}
		if p != "" {
			if st, err := fs.Stat(dist, p); err == nil && !st.IsDir() {
				switch {
				case strings.HasPrefix(p, "assets/"):
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				case p == "sw.js":
					// The service worker: checked for updates on every
					// load, and allowed the whole client as its scope.
					w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
					w.Header().Set("Cache-Control", "no-cache")
					w.Header().Set("Service-Worker-Allowed", "/")
				case p == "manifest.webmanifest":
					w.Header().Set("Content-Type", "application/manifest+json")
					w.Header().Set("Cache-Control", "no-cache")
				}
				files.ServeHTTP(w, r)
				return
			}
		}
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFileFS(w, r, dist, "index.html")
	})
}
