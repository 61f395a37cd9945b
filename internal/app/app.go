// Package app holds Parley's rules: who may do what, what a post does, which
// event goes to whom. The HTTP API, the WebSocket, the CLI and the importer
// all call it, so each rule lives here once.
package app

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/parley-chat/parley/internal/bus"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/filestore"
	"github.com/parley-chat/parley/internal/imaging"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/store"
	"github.com/parley-chat/parley/internal/webpush"
)

// MattermostVersion is the server version Parley reports (X-Version-Id, the
// client config, the WebSocket hello), the one place it is set. Official apps
// refuse servers below 9.11 and warn below 10.11; Parley follows Mattermost's
// newest release line so that they neither block nor warn.
const MattermostVersion = "11.7.0"

// App is the rules layer over one store and one bus.
type App struct {
	store     store.Store
	bus       bus.Bus
	cfg       atomic.Pointer[config.Config]
	log       *slog.Logger
	roles     map[string]*model.Role
	perms     map[string]map[string]bool // role name → permission set
	dummyOnce sync.Once
	dummy     []byte
	// hashes holds one slot per core for password hashing (passwordWork).
	hashes chan struct{}
	// out runs requests to integrations (webhooks, link previews) off the request path.
	out outbound
	// BuildNumber identifies this build in X-Version-Id and the client config.
	BuildNumber string
	// files holds uploaded bytes; images decodes them within one memory
	// budget, since each may take hundreds of megabytes.
	files  filestore.Backend
	images *imaging.Decoder
	// jobWake starts JobsLoop at once when this node queues a job.
	jobWake chan struct{}
	// bulkJobs runs import and export jobs (SetBulkJobs).
	bulkJobs BulkJobs
	// conf is where the settings come from and go to (see config.go).
	conf configStore
	// mailWake starts MailLoop at once when this node queues mail.
	mailWake chan struct{}
	// cluster is the cluster this node is part of; nil alone.
	cluster Cluster
	// Push notifications (push.go): pushWake starts PushLoop at once,
	// pushClient talks to the push proxy, notify holds the metrics and the
	// server id pushes carry.
	// webSeen: user id → when a web request last marked them online (presence.go).
	webSeen    sync.Map
	pushWake   chan struct{}
	pushClient *http.Client
	notify     struct {
		mu       sync.Mutex
		metrics  NotificationMetrics
		serverID atomic.Pointer[string]
		// vapid is the Web Push key pair (webpush.go), webClient the
		// guarded client that sends Web Push, rebuilt when webClientKey
		// (the allow-list) changes.
		vapid        atomic.Pointer[webpush.Keys]
		webClient    *http.Client
		webClientKey string
	}
	// syslog forwards new audit entries (auditsyslog.go).
	syslog auditSyslog
}

// New builds the app layer.
func New(s store.Store, b bus.Bus, cfg config.Config, log *slog.Logger) *App {
	a := &App{store: s, bus: b, log: log, roles: model.BuiltInRoles(), BuildNumber: "dev",
		files:   filestore.NewLocal(cfg.FilesPath()),
		images:  imaging.NewDecoder(cfg.MaxImageDecodeMB<<20, cfg.ImageDecoderConcurrency()),
		jobWake: make(chan struct{}, 1), mailWake: make(chan struct{}, 1),
		pushWake: make(chan struct{}, 1), pushClient: &http.Client{Timeout: pushTimeout},
		hashes: make(chan struct{}, runtime.GOMAXPROCS(0))}
	a.perms = make(map[string]map[string]bool, len(a.roles))
	for name, r := range a.roles {
		set := make(map[string]bool, len(r.Permissions))
		for _, p := range r.Permissions {
			set[p] = true
		}
		a.perms[name] = set
	}
	a.cfg.Store(&cfg)
	a.conf.stored, a.conf.source = cfg, config.Source{Flags: map[string]string{"data_dir": cfg.DataDir}}
	return a
}

// Config returns the settings in force. Callers must not modify it.
func (a *App) Config() *config.Config { return a.cfg.Load() }

// SetConfig replaces the settings in force.
func (a *App) SetConfig(c config.Config) { a.cfg.Store(&c) }

// DatabaseStatus checks that the database answers now, for the ping's
// database_status.
func (a *App) DatabaseStatus(ctx context.Context) error { return a.store.Ping(ctx) }

// Bus exposes the event bus to the WebSocket layer.
func (a *App) Bus() bus.Bus { return a.bus }

// Log is the app's logger.
func (a *App) Log() *slog.Logger { return a.log }

// publish sends an event; a failure is logged, never returned, because the change
// it reports has already been committed. Inside a transaction use publishTx.
func (a *App) publish(ctx context.Context, ev *model.Event) {
	if err := a.bus.Publish(ctx, ev); err != nil {
		a.log.WarnContext(ctx, "publish event", "event", ev.Event, "err", err)
	}
}

// publishTx publishes ev once the transaction of tx has committed (at once
// when tx is not in one): published earlier, a client could hear of a change
// that then rolls back, or fetch what it announces before it is visible. The
// caller's cancellation no longer matters then; the change has landed.
func (a *App) publishTx(ctx context.Context, tx store.Store, ev *model.Event) {
	tx.AfterCommit(func() { a.publish(context.WithoutCancel(ctx), ev) })
}

// storeErr turns a store error into an AppError: notFound for a missing row,
// conflict (if given) for a unique violation, else an internal error.
func storeErr(err error, notFound *model.AppError, conflict ...*model.AppError) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound) && notFound != nil:
		return notFound
	case errors.Is(err, store.ErrConflict) && len(conflict) > 0:
		return conflict[0].Wrap(err)
	}
	var ae *model.AppError
	if errors.As(err, &ae) {
		return err
	}
	return model.ErrInternal(err)
}

// SystemSession is the actor of command-line and import work: a system admin
// that is no user.
func SystemSession() *model.Session {
	return &model.Session{ID: "system", Roles: model.RoleSystemAdmin + " " + model.RoleSystemUser, Local: true,
		Props: model.StringMap{}}
}

func page(p, perPage int) store.Page { return store.Page{Offset: p * perPage, Limit: perPage} }
