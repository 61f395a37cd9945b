package server

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/bus"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/ws"
)

// Cluster mode (docs/cluster.md): the bus is NATS JetStream, each node lists
// itself in the cluster's node bucket, and the background jobs run on the
// one node that holds the cluster's leader lease.

// heartbeatEvery is how often a node tells the cluster it is alive; it is
// listed for bus.nodeTTL after the last time.
const heartbeatEvery = 5 * time.Second

// leaseCheck is how often the leader checks that it still holds the lease,
// and a follower tries to take it.
const leaseCheck = 2 * time.Second

// streamMaxBytes bounds each of the cluster's streams.
const streamMaxBytes = 1 << 30

// dialCluster joins the cluster named in cfg.
func dialCluster(ctx context.Context, cfg config.Config, log *slog.Logger) (*bus.NATS, error) {
	if !cfg.Postgres() {
		return nil, errors.New("cluster_nats_url: cluster mode needs PostgreSQL (database = postgres://...); " +
			"SQLite is a file of one node and cannot be shared")
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return bus.DialNATS(ctx, bus.NATSOptions{URL: cfg.ClusterNATSURL, Cluster: cfg.Cluster(), Node: cfg.Node(),
		// A minute over the resume grace, so that the events a resume needs
		// are still there at its very end.
		Retention: ws.DefaultOptions().ResumeGrace + time.Minute, MaxBytes: streamMaxBytes, Log: log})
}

// node is this server's part in the cluster.
type node struct {
	bus     *bus.NATS
	app     *app.App
	hub     *ws.Hub
	db      *sql.DB
	schema  func(context.Context) (int64, error)
	log     *slog.Logger
	started int64
	leader  atomic.Bool
	wg      sync.WaitGroup
}

// run keeps the node listed and runs jobs while it leads, until ctx ends.
func (n *node) run(ctx context.Context, jobs func(context.Context)) {
	n.wg.Add(2)
	go func() {
		defer n.wg.Done()
		n.heartbeats(ctx)
	}()
	go func() {
		defer n.wg.Done()
		n.lead(ctx, jobs)
	}()
}

// stop waits for run's goroutines and leaves the node list.
func (n *node) stop() {
	n.wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := n.bus.Forget(ctx); err != nil {
		n.log.Warn("cluster: node not removed from the list", "err", err)
	}
}

func (n *node) heartbeats(ctx context.Context) {
	t := time.NewTicker(heartbeatEvery)
	defer t.Stop()
	for {
		if err := n.bus.Heartbeat(ctx, n.info(ctx)); err != nil && ctx.Err() == nil {
			n.log.Warn("cluster: heartbeat failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// info is this node in Mattermost's ClusterInfo shape, with Parley's figures.
func (n *node) info(ctx context.Context) bus.NodeInfo {
	schema := ""
	if v, err := n.schema(ctx); err == nil {
		schema = strconv.FormatInt(v, 10)
	}
	host, _ := os.Hostname()
	return bus.NodeInfo{ID: n.bus.Node(), Version: n.app.VersionID(), SchemaVersion: schema,
		ConfigHash: n.app.ConfigHash(), IPAddress: outboundIP(), Hostname: host, Leader: n.leader.Load(),
		WebSockets: n.hub.Connections(), StartedAt: n.started}
}

// outboundIP is the address this host reaches others from (no packet is sent).
func outboundIP() string {
	c, err := net.Dial("udp", "192.0.2.1:9")
	if err != nil {
		return ""
	}
	defer c.Close()
	if a, ok := c.LocalAddr().(*net.UDPAddr); ok {
		return a.IP.String()
	}
	return ""
}

// leaseKey is the cluster's advisory lock: one per cluster name, so that two
// clusters on one database (which they should not share) do not block each other.
func leaseKey(cluster string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("parley-leader:" + cluster))
	return int64(h.Sum64())
}

// lead takes the cluster's leader lease whenever it is free and runs jobs
// while holding it. The lease is a PostgreSQL advisory lock on one session:
// if the leader dies, its database session ends and the lock with it, and
// another node takes it within leaseCheck.
func (n *node) lead(ctx context.Context, jobs func(context.Context)) {
	key := leaseKey(n.bus.Cluster())
	for ctx.Err() == nil {
		if held, err := n.holdLease(ctx, key, jobs); err != nil && ctx.Err() == nil {
			n.log.Warn("cluster: leader lease", "err", err)
		} else if held {
			continue
		}
		select {
		case <-ctx.Done():
		case <-time.After(leaseCheck):
		}
	}
}

// holdLease tries the lock once; when it gets it, it runs jobs until the
// lock's session fails or ctx ends, and reports that it held it.
func (n *node) holdLease(ctx context.Context, key int64, jobs func(context.Context)) (bool, error) {
	conn, err := n.db.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("database session: %w", err)
	}
	defer conn.Close()
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&got); err != nil {
		return false, fmt.Errorf("take: %w", err)
	}
	if !got {
		return false, nil
	}
	n.leader.Store(true)
	n.log.Info("cluster: this node leads; background jobs run here", "node", n.bus.Node())
	jobCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		jobs(jobCtx)
	}()
	t := time.NewTicker(leaseCheck)
	defer t.Stop()
	var lost error
	for lost == nil && ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-t.C:
			pctx, pcancel := context.WithTimeout(ctx, leaseCheck)
			if err := conn.PingContext(pctx); err != nil && ctx.Err() == nil {
				lost = fmt.Errorf("lost with its database session: %w", err)
			}
			pcancel()
		}
	}
	cancel()
	<-done
	n.leader.Store(false)
	if lost == nil {
		uctx, ucancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, _ = conn.ExecContext(uctx, "SELECT pg_advisory_unlock($1)", key)
		ucancel()
		n.log.Info("cluster: leader lease released", "node", n.bus.Node())
		return true, nil
	}
	// The session may be broken, not closed: discard it, so that the server
	// sees it end and frees the lock.
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	return true, lost
}

// Joined reports whether the node is connected to the cluster.
func (n *node) Joined() bool { return n.bus.Joined() }

// Leader reports whether the node holds the leader lease.
func (n *node) Leader() bool { return n.leader.Load() }
