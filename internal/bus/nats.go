package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/parley-chat/parley/internal/model"
)

// NATSOptions configure the cluster bus.
type NATSOptions struct {
	URL     string
	Cluster string // part of every stream and bucket name: clusters on one NATS never meet
	Node    string
	// Retention is how long events and replay records are kept: at least a
	// WebSocket connection's resume grace, so that a client can resume on
	// any node for as long as it could on its own.
	Retention time.Duration
	// MaxBytes bounds each stream, whatever its age.
	MaxBytes int64
	Log      *slog.Logger
}

// NATS is the cluster bus. Every event goes into one JetStream stream, which
// each node reads in order: all nodes see all events in the same order, and
// the stream's sequence numbers let a node that takes over a WebSocket
// connection find what the connection missed (see Replay).
type NATS struct {
	nc     *nats.Conn
	js     jetstream.JetStream
	events jetstream.Stream
	replay jetstream.Stream
	nodes  jetstream.KeyValue
	opts   NATSOptions
	local  *Local
	cc     jetstream.ConsumeContext

	eventsSubject, replaySubject string
	joined                       atomic.Bool
}

// Names of the cluster's streams and buckets; each carries the cluster name.
func eventsStream(cluster string) string { return "PARLEY_" + cluster + "_EVENTS" }
func replayStream(cluster string) string { return "PARLEY_" + cluster + "_REPLAY" }
func nodesBucket(cluster string) string  { return "PARLEY_" + cluster + "_NODES" }

// nodeTTL is how long a node stays listed after its last heartbeat.
const nodeTTL = 15 * time.Second

// DialNATS connects to NATS, creates (or updates) the cluster's streams and
// buckets and starts reading events. It returns once this node receives the
// cluster's events: a node is not part of the cluster before that.
func DialNATS(ctx context.Context, o NATSOptions) (*NATS, error) {
	b := &NATS{opts: o, local: NewLocal(),
		eventsSubject: "parley." + o.Cluster + ".events", replaySubject: "parley." + o.Cluster + ".replay."}
	nc, err := nats.Connect(o.URL, nats.Name("parley "+o.Cluster+"/"+o.Node), nats.MaxReconnects(-1),
		nats.ReconnectWait(time.Second),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) { o.Log.Warn("cluster: NATS disconnected", "err", err) }),
		nats.ReconnectHandler(func(*nats.Conn) { o.Log.Info("cluster: NATS reconnected") }))
	if err != nil {
		return nil, fmt.Errorf("cluster_nats_url: connect to %s: %w", o.URL, err)
	}
	b.nc = nc
	if err := b.setup(ctx); err != nil {
		nc.Close()
		return nil, err
	}
	return b, nil
}

func (b *NATS) setup(ctx context.Context) error {
	js, err := jetstream.New(b.nc)
	if err != nil {
		return fmt.Errorf("cluster: JetStream: %w", err)
	}
	b.js = js
	o := b.opts
	if b.events, err = js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: eventsStream(o.Cluster), Subjects: []string{b.eventsSubject}, Storage: jetstream.FileStorage,
		Retention: jetstream.LimitsPolicy, Discard: jetstream.DiscardOld, MaxAge: o.Retention, MaxBytes: o.MaxBytes,
		Description: "Parley events of cluster " + o.Cluster,
	}); err != nil {
		return fmt.Errorf("cluster: stream %s (does the NATS server run with JetStream, -js?): %w", eventsStream(o.Cluster), err)
	}
	if b.replay, err = js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: replayStream(o.Cluster), Subjects: []string{b.replaySubject + "*"}, Storage: jetstream.FileStorage,
		Retention: jetstream.LimitsPolicy, Discard: jetstream.DiscardOld, MaxAge: o.Retention, MaxBytes: o.MaxBytes,
		MaxMsgsPerSubject: ReplayKept, Description: "Parley WebSocket replay records of cluster " + o.Cluster,
	}); err != nil {
		return fmt.Errorf("cluster: stream %s: %w", replayStream(o.Cluster), err)
	}
	if b.nodes, err = js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: nodesBucket(o.Cluster), TTL: nodeTTL, MaxBytes: 8 << 20, Storage: jetstream.MemoryStorage,
		Description: "Parley nodes of cluster " + o.Cluster,
	}); err != nil {
		return fmt.Errorf("cluster: bucket %s: %w", nodesBucket(o.Cluster), err)
	}
	cons, err := b.events.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverNewPolicy})
	if err != nil {
		return fmt.Errorf("cluster: read %s: %w", eventsStream(o.Cluster), err)
	}
	if b.cc, err = cons.Consume(b.receive); err != nil {
		return fmt.Errorf("cluster: read %s: %w", eventsStream(o.Cluster), err)
	}
	b.joined.Store(true)
	return nil
}

// receive hands one event of the stream to this node's subscribers.
func (b *NATS) receive(m jetstream.Msg) {
	ev, err := decodeEvent(m.Data())
	if err != nil {
		b.opts.Log.Error("cluster: undecodable event skipped", "err", err)
		return
	}
	if meta, err := m.Metadata(); err == nil {
		ev.StreamSeq = meta.Sequence.Stream
	}
	_ = b.local.Publish(context.Background(), ev)
}

func decodeEvent(data []byte) (*model.Event, error) {
	var ev model.Event
	if err := json.Unmarshal(data, &ev); err != nil {
		return nil, fmt.Errorf("decode event: %w", err)
	}
	if ev.Data == nil {
		ev.Data = map[string]any{}
	}
	return &ev, nil
}

// Publish stores ev in the cluster's stream and returns once JetStream has
// it: the change it reports is committed, and an acknowledged change must
// reach every node even if this one dies the next moment.
func (b *NATS) Publish(ctx context.Context, ev *model.Event) error {
	data, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encode event %s: %w", ev.Event, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := b.js.Publish(ctx, b.eventsSubject, data); err != nil {
		return fmt.Errorf("publish %s to the cluster: %w", ev.Event, err)
	}
	return nil
}

// Subscribe registers fn for every event of the cluster, in stream order.
func (b *NATS) Subscribe(fn func(*model.Event)) func() { return b.local.Subscribe(fn) }

// Joined reports whether this node is connected to the cluster.
func (b *NATS) Joined() bool { return b.joined.Load() && b.nc.IsConnected() }

// Close stops reading and disconnects.
func (b *NATS) Close() error {
	b.joined.Store(false)
	if b.cc != nil {
		b.cc.Stop()
	}
	if err := b.nc.Drain(); err != nil && !errors.Is(err, nats.ErrConnectionClosed) {
		b.nc.Close()
		return fmt.Errorf("cluster: close NATS: %w", err)
	}
	return nil
}

// presenceWait is how long a node waits for another to say it holds a
// socket of a user; no answer means none does.
const presenceWait = 300 * time.Millisecond

// Presence lets a node ask the others about a user's sockets before showing
// the user offline or away, so that presence is decided from every node's
// connections; the cluster bus implements it.
type Presence interface {
	// ServePresence answers the other nodes' questions: holds tells whether
	// a socket of the user is attached here, idle how long each of the
	// users with a socket here has been inactive on it.
	ServePresence(holds func(userID string) bool, idle func(userIDs []string) map[string]time.Duration) error
	// ConnectedElsewhere reports whether another node holds a socket of the user.
	ConnectedElsewhere(ctx context.Context, userID string) bool
	// IdleElsewhere gathers, from every node that answers within
	// presenceWait, how long each of users has been inactive on that node's
	// sockets, the shortest per user; a user no other node holds is absent.
	IdleElsewhere(ctx context.Context, userIDs []string) map[string]time.Duration
}

func (b *NATS) ServePresence(holds func(userID string) bool, idle func(userIDs []string) map[string]time.Duration) error {
	_, err := b.nc.Subscribe(b.presenceSubject(), func(m *nats.Msg) {
		// Only a node that holds a socket answers: the asker takes the first answer.
		if m.Header.Get("Parley-Node") != b.opts.Node && holds(string(m.Data)) {
			_ = m.Respond([]byte("1"))
		}
	})
	if err != nil {
		return fmt.Errorf("cluster: presence: %w", err)
	}
	// A subject of its own: nodes of the previous version, which do not
	// serve it, are not asked a question they would read as a user id.
	_, err = b.nc.Subscribe(b.presenceSubject()+".idle", func(m *nats.Msg) {
		var ids []string
		if m.Header.Get("Parley-Node") == b.opts.Node || json.Unmarshal(m.Data, &ids) != nil {
			return
		}
		found := idle(ids)
		if len(found) == 0 {
			return
		}
		ms := make(map[string]int64, len(found))
		for id, d := range found {
			ms[id] = d.Milliseconds()
		}
		data, _ := json.Marshal(ms)
		_ = m.Respond(data)
	})
	if err != nil {
		return fmt.Errorf("cluster: presence: %w", err)
	}
	return nil
}

func (b *NATS) ConnectedElsewhere(ctx context.Context, userID string) bool {
	ctx, cancel := context.WithTimeout(ctx, presenceWait)
	defer cancel()
	m := nats.NewMsg(b.presenceSubject())
	m.Header.Set("Parley-Node", b.opts.Node)
	m.Data = []byte(userID)
	_, err := b.nc.RequestMsgWithContext(ctx, m)
	return err == nil
}

func (b *NATS) IdleElsewhere(ctx context.Context, userIDs []string) map[string]time.Duration {
	out := map[string]time.Duration{}
	// Idle times, not instants, travel: the nodes' clocks need not agree.
	inbox := b.nc.NewRespInbox()
	replies := make(chan *nats.Msg, 64)
	sub, err := b.nc.ChanSubscribe(inbox, replies)
	if err != nil {
		return out
	}
	defer sub.Unsubscribe()
	data, _ := json.Marshal(userIDs)
	m := nats.NewMsg(b.presenceSubject() + ".idle")
	m.Header.Set("Parley-Node", b.opts.Node)
	m.Reply, m.Data = inbox, data
	if b.nc.PublishMsg(m) != nil {
		return out
	}
	// Every node holding one of the users answers; how many will is not
	// known, so the answers are gathered for the whole wait.
	wait := time.NewTimer(presenceWait)
	defer wait.Stop()
	for {
		select {
		case r := <-replies:
			var ms map[string]int64
			if json.Unmarshal(r.Data, &ms) != nil {
				continue
			}
			for id, v := range ms {
				d := time.Duration(v) * time.Millisecond
				if cur, ok := out[id]; !ok || d < cur {
					out[id] = d
				}
			}
		case <-wait.C:
			return out
		case <-ctx.Done():
			return out
		}
	}
}

func (b *NATS) presenceSubject() string { return "parley." + b.opts.Cluster + ".presence" }
