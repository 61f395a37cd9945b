package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/parley-chat/parley/internal/model"
)

// ReplayKept is how many records of one connection the cluster keeps: a
// resume replays at most that many events from the records (events a node
// was still to deliver when it died), then the rest from the event stream.
const ReplayKept = 256

// ReplayRecord says that one WebSocket connection was sent the event at
// StreamSeq in the event stream as its event Seq. A Checkpoint only says
// that the connection had been sent nothing else up to StreamSeq, so that
// an idle connection can still be resumed after the events before are gone.
type ReplayRecord struct {
	Conn       string `json:"-"`
	User       string `json:"u"`
	Node       string `json:"n"`
	Seq        int64  `json:"q"`
	StreamSeq  uint64 `json:"s"`
	Redacted   bool   `json:"r,omitempty"` // the copy without the admins' data
	Checkpoint bool   `json:"c,omitempty"`
}

// Replay keeps, for the whole cluster, what each WebSocket connection was
// sent, so that any node can resume a connection another node served: the
// cluster bus implements it.
type Replay interface {
	// Record notes a delivery; it does not wait (a lost record only makes a
	// resume fall back to a fresh hello).
	Record(r ReplayRecord)
	// Records are the connection's records, oldest first.
	Records(ctx context.Context, connID string) ([]ReplayRecord, error)
	// Event reads the event at seq in the event stream.
	Event(ctx context.Context, seq uint64) (*model.Event, error)
	// Events reads the events after seq up to upTo; ErrReplayGone when the
	// first of them is no longer kept.
	Events(ctx context.Context, after, upTo uint64) ([]*model.Event, error)
}

// readerIdle is when the server drops a resume's reader left behind.
const readerIdle = 10 * time.Second

// ErrReplayGone: the events asked for are older than the stream keeps.
var ErrReplayGone = errors.New("events no longer kept")

func (b *NATS) Record(r ReplayRecord) {
	data, err := json.Marshal(r)
	if err != nil {
		return
	}
	// A core publish: JetStream stores it without an acknowledgement the
	// dispatcher would wait for.
	if err := b.nc.Publish(b.replaySubject+r.Conn, data); err != nil {
		b.opts.Log.Warn("cluster: replay record not sent", "connection_id", r.Conn, "err", err)
	}
}

func (b *NATS) Records(ctx context.Context, connID string) ([]ReplayRecord, error) {
	subject := b.replaySubject + connID
	last, err := b.replay.GetLastMsgForSubject(ctx, subject)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("replay records of %s: %w", connID, err)
	}
	cons, err := b.replay.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{FilterSubjects: []string{subject},
		InactiveThreshold: readerIdle})
	if err != nil {
		return nil, fmt.Errorf("replay records of %s: %w", connID, err)
	}
	var out []ReplayRecord
	for {
		m, err := cons.Next(jetstream.FetchContext(ctx))
		if err != nil {
			return nil, fmt.Errorf("replay records of %s: %w", connID, err)
		}
		var r ReplayRecord
		if err := json.Unmarshal(m.Data(), &r); err == nil {
			r.Conn = connID
			out = append(out, r)
		}
		meta, err := m.Metadata()
		if err != nil || meta.Sequence.Stream >= last.Sequence {
			return out, nil
		}
	}
}

func (b *NATS) Event(ctx context.Context, seq uint64) (*model.Event, error) {
	m, err := b.events.GetMsg(ctx, seq)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil, ErrReplayGone
	}
	if err != nil {
		return nil, fmt.Errorf("event %d: %w", seq, err)
	}
	ev, err := decodeEvent(m.Data)
	if err != nil {
		return nil, err
	}
	ev.StreamSeq = seq
	return ev, nil
}

func (b *NATS) Events(ctx context.Context, after, upTo uint64) ([]*model.Event, error) {
	if upTo <= after {
		return nil, nil
	}
	cons, err := b.events.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: after + 1, InactiveThreshold: readerIdle})
	if err != nil {
		return nil, fmt.Errorf("events after %d: %w", after, err)
	}
	out := make([]*model.Event, 0, upTo-after)
	for {
		m, err := cons.Next(jetstream.FetchContext(ctx))
		if err != nil {
			return nil, fmt.Errorf("events after %d: %w", after, err)
		}
		meta, err := m.Metadata()
		if err != nil {
			return nil, fmt.Errorf("events after %d: %w", after, err)
		}
		seq := meta.Sequence.Stream
		if len(out) == 0 && seq != after+1 {
			return nil, ErrReplayGone
		}
		ev, err := decodeEvent(m.Data())
		if err != nil {
			return nil, err
		}
		ev.StreamSeq = seq
		out = append(out, ev)
		if seq >= upTo {
			return out, nil
		}
	}
}

// NodeInfo is what a node tells the cluster about itself.
type NodeInfo struct {
	ID            string `json:"id"`
	Version       string `json:"version"`
	SchemaVersion string `json:"schema_version"`
	ConfigHash    string `json:"config_hash"`
	IPAddress     string `json:"ipaddress"`
	Hostname      string `json:"hostname"`
	// Parley's additions, for operators.
	Leader     bool  `json:"leader"`
	WebSockets int   `json:"websocket_connections"`
	LastSeenAt int64 `json:"last_seen_at"`
	StartedAt  int64 `json:"started_at"`
}

// Heartbeat lists this node in the cluster for a while (nodeTTL).
func (b *NATS) Heartbeat(ctx context.Context, n NodeInfo) error {
	n.LastSeenAt = time.Now().UnixMilli()
	data, err := json.Marshal(n)
	if err != nil {
		return err
	}
	if _, err := b.nodes.Put(ctx, b.opts.Node, data); err != nil {
		return fmt.Errorf("cluster: heartbeat: %w", err)
	}
	return nil
}

// Forget removes this node from the list at once (on a clean stop).
func (b *NATS) Forget(ctx context.Context) error {
	if err := b.nodes.Purge(ctx, b.opts.Node); err != nil {
		return fmt.Errorf("cluster: leave: %w", err)
	}
	return nil
}

// Nodes are the nodes heard from within nodeTTL.
func (b *NATS) Nodes(ctx context.Context) ([]NodeInfo, error) {
	keys, err := b.nodes.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("cluster: nodes: %w", err)
	}
	var out []NodeInfo
	for k := range keys.Keys() {
		e, err := b.nodes.Get(ctx, k)
		if err != nil {
			continue
		}
		var n NodeInfo
		if json.Unmarshal(e.Value(), &n) == nil {
			out = append(out, n)
		}
	}
	return out, nil
}

// Node is this node's name.
func (b *NATS) Node() string { return b.opts.Node }

// Cluster is the cluster's name.
func (b *NATS) Cluster() string { return b.opts.Cluster }

// ReadNodes lists the nodes of a cluster from outside it (the command line):
// it reads the node bucket and creates nothing.
func ReadNodes(ctx context.Context, url, cluster string) ([]NodeInfo, error) {
	nc, err := nats.Connect(url, nats.Name("parley cluster status"))
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", url, err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("JetStream: %w", err)
	}
	kv, err := js.KeyValue(ctx, nodesBucket(cluster))
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("bucket %s: %w", nodesBucket(cluster), err)
	}
	b := &NATS{nodes: kv}
	return b.Nodes(ctx)
}
