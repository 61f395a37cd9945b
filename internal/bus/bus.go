// Package bus carries events from the app layer to every node's WebSocket
// connections. The in-process bus serves one node; a NATS bus can take its
// place for a cluster without the app or API noticing.
package bus

import (
	"context"
	"sync"

	"github.com/parley-chat/parley/internal/model"
)

// Bus publishes events and hands them to subscribers.
type Bus interface {
	Publish(ctx context.Context, ev *model.Event) error
	// Subscribe registers fn for every event published (on any node); the returned
	// function removes it. fn must not block.
	Subscribe(fn func(*model.Event)) (unsubscribe func())
	Close() error
}

// Local is the in-process bus.
type Local struct {
	mu   sync.RWMutex
	next int
	subs map[int]func(*model.Event)
}

// NewLocal returns an in-process bus.
func NewLocal() *Local { return &Local{subs: map[int]func(*model.Event){}} }

func (b *Local) Publish(_ context.Context, ev *model.Event) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, fn := range b.subs {
		fn(ev)
	}
	return nil
}

func (b *Local) Subscribe(fn func(*model.Event)) func() {
	b.mu.Lock()
	defer b.mu.Unlock()
	id := b.next
	b.next++
	b.subs[id] = fn
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(b.subs, id)
	}
}

func (b *Local) Close() error { return nil }
