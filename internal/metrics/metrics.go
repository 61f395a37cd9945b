// Package metrics exposes Parley's Prometheus metrics under Mattermost's metric
// names, so existing Grafana dashboards and load-test tooling read Parley as they
// read Mattermost.
package metrics

import (
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds one node's collectors in its own registry.
type Metrics struct {
	reg *prometheus.Registry

	httpRequests *prometheus.CounterVec
	httpErrors   prometheus.Counter
	httpDuration *prometheus.HistogramVec
	apiTime      *prometheus.HistogramVec
	dbStoreTime  *prometheus.HistogramVec
	postsCreated prometheus.Counter
	loginsTotal  prometheus.Counter
	loginsFailed prometheus.Counter
	rateLimited  prometheus.Counter
	websockets   prometheus.Gauge
	wsEventsSent *prometheus.CounterVec
	wsEventsDrop *prometheus.CounterVec
	integReqs    *prometheus.HistogramVec
	integDropped *prometheus.CounterVec
	notify       *prometheus.CounterVec
	auditSyslog  *prometheus.CounterVec
}

// New registers every collector, plus Go runtime and process metrics.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg: reg,
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mattermost_http_requests_total",
			Help: "The total number of http API requests."}, []string{"handler", "method", "status_code"}),
		httpErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "mattermost_http_errors_total",
			Help: "The total number of http API errors."}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "mattermost_http_request_duration_seconds",
			Help: "The latency of http API requests.", Buckets: prometheus.DefBuckets}, []string{"handler", "method", "status_code"}),
		apiTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "mattermost_api_time",
			Help: "Time to execute the api handler.", Buckets: prometheus.DefBuckets}, []string{"handler", "method", "status_code"}),
		dbStoreTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "mattermost_db_store_time",
			Help: "Time to execute the store method.", Buckets: prometheus.DefBuckets}, []string{"method", "success"}),
		postsCreated: prometheus.NewCounter(prometheus.CounterOpts{Name: "mattermost_post_total",
			Help: "The total number of posts created."}),
		loginsTotal: prometheus.NewCounter(prometheus.CounterOpts{Name: "mattermost_login_logins_total",
			Help: "The total number of successful logins."}),
		loginsFailed: prometheus.NewCounter(prometheus.CounterOpts{Name: "mattermost_login_logins_fail_total",
			Help: "The total number of failed logins."}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{Name: "parley_http_rate_limited_total",
			Help: "Requests refused with 429 by the rate limiter."}),
		websockets: prometheus.NewGauge(prometheus.GaugeOpts{Name: "mattermost_http_websockets_total",
			Help: "The total number of websocket connections to this server."}),
		wsEventsSent: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mattermost_websocket_event_total",
			Help: "The total number of websocket events broadcast, by type."}, []string{"type"}),
		wsEventsDrop: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "parley_websocket_events_dropped_total",
			Help: "Events not delivered: skipped for a backed-up connection, its queue full, or typing over the rate limit."}, []string{"reason"}),
		integReqs: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "parley_integration_request_duration_seconds",
			Help:    "Requests to integrations (outgoing webhooks, slash commands, link previews) by kind and outcome.",
			Buckets: prometheus.DefBuckets}, []string{"kind", "success"}),
		integDropped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "parley_integration_dropped_total",
			Help: "Integration work dropped because the outbound queue was full."}, []string{"kind"}),
		notify: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "parley_notifications_total",
			Help: "Notification mail and push: queued, sent, and failed delivery attempts."}, []string{"kind", "outcome"}),
		auditSyslog: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "parley_audit_syslog_records_total",
			Help: "Audit log entries forwarded to syslog: sent, or dropped (queue full while the server was away, or forwarding misconfigured)."},
			[]string{"outcome"}),
	}
	reg.MustRegister(m.httpRequests, m.httpErrors, m.httpDuration, m.apiTime, m.dbStoreTime, m.postsCreated,
		m.loginsTotal, m.loginsFailed, m.rateLimited, m.websockets, m.wsEventsSent, m.wsEventsDrop,
		m.integReqs, m.integDropped, m.notify, m.auditSyslog,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Shown at 0 from the start, so an alert on drops has a series to watch.
	for _, outcome := range []string{"sent", "dropped"} {
		m.auditSyslog.WithLabelValues(outcome)
	}
	return m
}

// RegisterDB exports the connection pool of db under Mattermost's pool metric names.
func (m *Metrics) RegisterDB(db *sql.DB) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "mattermost_db_master_connections_total",
		Help: "The total number of connections to the master database."},
		func() float64 { return float64(db.Stats().OpenConnections) }))
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "parley_db_connections_in_use",
		Help: "Database connections in use."}, func() float64 { return float64(db.Stats().InUse) }))
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "parley_db_wait_seconds_total",
		Help: "Time spent waiting for a free database connection."},
		func() float64 { return db.Stats().WaitDuration.Seconds() }))
}

// RegisterReplicas exports how many queries each of n read replicas
// answered; queries gives the counts in the order of the configuration.
func (m *Metrics) RegisterReplicas(n int, queries func() []int64) {
	for i := range n {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "parley_db_replica_queries_total",
			Help:        "Queries a read replica answered (SqlSettings.DataSourceReplicas, counted from 0 in order).",
			ConstLabels: prometheus.Labels{"replica": strconv.Itoa(i)}},
			func() float64 { return float64(queries()[i]) }))
	}
}

// ClusterNode is what a node of a cluster reports of itself.
type ClusterNode interface {
	Joined() bool // connected to the cluster's bus
	Leader() bool // holds the leader lease: runs the background jobs
}

// RegisterCluster exports a cluster node's state.
func (m *Metrics) RegisterCluster(n ClusterNode) {
	b := func(v bool) float64 {
		if v {
			return 1
		}
		return 0
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "parley_cluster_joined",
		Help: "1 while this node is connected to the cluster's NATS."}, func() float64 { return b(n.Joined()) }))
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "parley_cluster_leader",
		Help: "1 while this node holds the cluster's leader lease and runs the background jobs."},
		func() float64 { return b(n.Leader()) }))
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// ObserveHTTP records one API request. handler is the route pattern, not the
// path, so ids do not explode the label space.
func (m *Metrics) ObserveHTTP(handler, method string, status int, d time.Duration) {
	code := strconv.Itoa(status)
	m.httpRequests.WithLabelValues(handler, method, code).Inc()
	m.httpDuration.WithLabelValues(handler, method, code).Observe(d.Seconds())
	m.apiTime.WithLabelValues(handler, method, code).Observe(d.Seconds())
	if status >= 400 {
		m.httpErrors.Inc()
	}
}

// ObserveStore records one store call.
func (m *Metrics) ObserveStore(method string, d time.Duration, err error) {
	m.dbStoreTime.WithLabelValues(method, strconv.FormatBool(err == nil)).Observe(d.Seconds())
}

func (m *Metrics) PostCreated() { m.postsCreated.Inc() }
func (m *Metrics) Login(ok bool) {
	if ok {
		m.loginsTotal.Inc()
	} else {
		m.loginsFailed.Inc()
	}
}
func (m *Metrics) RateLimited()               { m.rateLimited.Inc() }
func (m *Metrics) WebSocketOpened()           { m.websockets.Inc() }
func (m *Metrics) WebSocketClosed()           { m.websockets.Dec() }
func (m *Metrics) EventBroadcast(typ string)  { m.wsEventsSent.WithLabelValues(typ).Inc() }
func (m *Metrics) EventDropped(reason string) { m.wsEventsDrop.WithLabelValues(reason).Inc() }

// IntegrationRequest records one request to an integration.
func (m *Metrics) IntegrationRequest(kind string, ok bool, d time.Duration) {
	m.integReqs.WithLabelValues(kind, strconv.FormatBool(ok)).Observe(d.Seconds())
}

// IntegrationDropped records integration work refused by a full queue.
func (m *Metrics) IntegrationDropped(kind string) { m.integDropped.WithLabelValues(kind).Inc() }

// Notification records one mail or push (kind) queued, sent or failed once.
func (m *Metrics) Notification(kind, outcome string) { m.notify.WithLabelValues(kind, outcome).Inc() }

// AuditSyslog records one audit log entry sent to syslog or dropped (outcome).
func (m *Metrics) AuditSyslog(outcome string) { m.auditSyslog.WithLabelValues(outcome).Inc() }
