package bus

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/testdb"
)

func dial(t *testing.T, url, cluster, node string) *NATS {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := DialNATS(ctx, NATSOptions{URL: url, Cluster: cluster, Node: node, Retention: time.Minute,
		MaxBytes: 1 << 20, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// Two clusters on one NATS never see each other's events; within one, every
// node gets every event with its stream sequence, and the streams and
// buckets carry the cluster's name and limits.
func TestNATSClustersAndLimits(t *testing.T) {
	url := testdb.NATS(t)
	a, b := "t"+strings.ToLower(model.NewID()[:8]), "t"+strings.ToLower(model.NewID()[:8])
	a1, a2, b1 := dial(t, url, a, "n1"), dial(t, url, a, "n2"), dial(t, url, b, "n1")
	got := make(chan *model.Event, 10)
	a2.Subscribe(func(ev *model.Event) { got <- ev })
	other := make(chan *model.Event, 10)
	b1.Subscribe(func(ev *model.Event) { other <- ev })
	ev := model.NewEvent(model.EventPosted, model.Broadcast{ChannelID: "c"}, map[string]any{"post": "x"})
	if err := a1.Publish(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-got:
		if e.Event != model.EventPosted || e.Data["post"] != "x" || e.StreamSeq == 0 {
			t.Fatalf("got %+v", e)
		}
		back, err := a2.Event(context.Background(), e.StreamSeq)
		if err != nil || back.Event != model.EventPosted {
			t.Fatalf("Event(%d) = %v, %v", e.StreamSeq, back, err)
		}
		evs, err := a2.Events(context.Background(), e.StreamSeq-1, e.StreamSeq)
		if err != nil || len(evs) != 1 || evs[0].StreamSeq != e.StreamSeq {
			t.Fatalf("Events = %v, %v", evs, err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("event not received on the other node")
	}
	select {
	case e := <-other:
		t.Fatalf("cluster %s heard cluster %s's event %s", b, a, e.Event)
	case <-time.After(200 * time.Millisecond):
	}

	a1.Record(ReplayRecord{Conn: "conn1", User: "u", Node: "n1", Seq: 1, StreamSeq: 7})
	a1.Record(ReplayRecord{Conn: "conn1", User: "u", Node: "n1", Seq: 1, StreamSeq: 9, Checkpoint: true})
	var recs []ReplayRecord
	for deadline := time.Now().Add(2 * time.Second); len(recs) < 2 && time.Now().Before(deadline); {
		var err error
		if recs, err = a2.Records(context.Background(), "conn1"); err != nil {
			t.Fatal(err)
		}
	}
	if len(recs) != 2 || recs[0].StreamSeq != 7 || !recs[1].Checkpoint {
		t.Fatalf("records %+v", recs)
	}
	if recs, err := a2.Records(context.Background(), "none"); err != nil || recs != nil {
		t.Fatalf("records of an unknown connection: %v, %v", recs, err)
	}

	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx := context.Background()
	t.Cleanup(func() { deleteClusterStreams(context.Background(), js, a, b) })
	for _, name := range []string{eventsStream(a), replayStream(a), "KV_" + nodesBucket(a)} {
		s, err := js.Stream(ctx, name)
		if err != nil {
			t.Fatalf("stream %s: %v", name, err)
		}
		info, _ := s.Info(ctx)
		if !strings.Contains(name, a) || (info.Config.MaxAge == 0 && info.Config.MaxBytes <= 0) {
			t.Errorf("%s: max age %v, max bytes %d", name, info.Config.MaxAge, info.Config.MaxBytes)
		}
	}
}

// deleteClusterStreams removes what the clusters made on the shared test NATS.
func deleteClusterStreams(ctx context.Context, js jetstream.JetStream, clusters ...string) {
	for _, c := range clusters {
		for _, name := range []string{eventsStream(c), replayStream(c), "KV_" + nodesBucket(c)} {
			_ = js.DeleteStream(ctx, name)
		}
	}
}
