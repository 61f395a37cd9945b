package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"

	"github.com/parley-chat/parley/internal/bus"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

// Cluster is what the app needs of the cluster this node is part of (see
// docs/cluster.md); nil on a single node.
type Cluster interface {
	// Joined reports whether this node is connected to the cluster's bus.
	Joined() bool
	// Nodes are the nodes heard from lately, this one included.
	Nodes(ctx context.Context) ([]bus.NodeInfo, error)
}

// SetCluster makes the app part of a cluster: it serves the cluster status,
// answers ping only while joined and applies the configuration other nodes save.
func (a *App) SetCluster(c Cluster) {
	a.cluster = c
	a.bus.Subscribe(a.clusterEvent)
}

// ClusterJoined reports whether this node can serve: always alone, and in a
// cluster while connected to it.
func (a *App) ClusterJoined() bool { return a.cluster == nil || a.cluster.Joined() }

// ClusterStatus lists the cluster's nodes in Mattermost's ClusterInfo shape
// (an empty list on a single node, as Mattermost without a cluster).
func (a *App) ClusterStatus(ctx context.Context, s *model.Session) ([]bus.NodeInfo, error) {
	if !a.HasPermission(s, model.PermManageSystem) {
		return nil, model.ErrForbidden()
	}
	if a.cluster == nil {
		return []bus.NodeInfo{}, nil
	}
	nodes, err := a.cluster.Nodes(ctx)
	if err != nil {
		return nil, model.ErrInternal(err)
	}
	slices.SortFunc(nodes, func(x, y bus.NodeInfo) int { return strings.Compare(x.ID, y.ID) })
	if nodes == nil {
		nodes = []bus.NodeInfo{}
	}
	return nodes, nil
}

// ConfigHash is a digest of the settings every node should share (not the
// node's own name): nodes whose hashes differ run different configurations.
func (a *App) ConfigHash() string {
	c := *a.Config()
	c.NodeName = ""
	js, _ := json.Marshal(c)
	sum := sha256.Sum256(js)
	return hex.EncodeToString(sum[:16])
}

// publishConfig tells the other nodes the configuration saved here.
func (a *App) publishConfig(ctx context.Context, d config.Doc) {
	if a.cluster == nil {
		return
	}
	a.publish(ctx, model.NewEvent(model.EventConfigChanged, model.Broadcast{},
		map[string]any{"node": a.Config().Node(), "config": d}))
}

// clusterEvent applies what another node saved. It runs on the bus's reader
// and must not block it, hence the goroutine.
func (a *App) clusterEvent(ev *model.Event) {
	if ev.Event != model.EventConfigChanged {
		return
	}
	if node, _ := ev.Data["node"].(string); node == a.Config().Node() {
		return
	}
	raw, err := json.Marshal(ev.Data["config"])
	if err != nil {
		return
	}
	var d config.Doc
	if err := json.Unmarshal(raw, &d); err != nil {
		a.log.Warn("cluster: configuration from another node unreadable", "err", err)
		return
	}
	go a.applyClusterConfig(d)
}

// applyClusterConfig saves and applies another node's configuration, keeping
// what this node's environment and command line set.
func (a *App) applyClusterConfig(d config.Doc) {
	a.conf.mu.Lock()
	defer a.conf.mu.Unlock()
	cur := a.conf.stored
	next := cur
	if err := next.SetMattermost(d); err != nil {
		a.log.Warn("cluster: configuration from another node refused", "err", err)
		return
	}
	next.Keep(&cur, a.conf.source.Locked())
	if err := next.Validate(); err != nil {
		a.log.Warn("cluster: configuration from another node refused", "err", err)
		return
	}
	if err := a.conf.source.Save(next, config.Unmapped(d)); err != nil {
		a.log.Warn("cluster: configuration from another node not saved", "err", err)
	}
	a.applyConfig(next)
	a.log.Info("cluster: configuration saved on another node applied", "changed", changedSettings(&cur, &next))
}
