package app

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A login queued for a hashing slot whose client gives up costs no hash.
func TestPasswordWorkSkipsAbandonedRequests(t *testing.T) {
	a := &App{hashes: make(chan struct{}, 1)}
	a.hashes <- struct{}{} // the only core is busy hashing
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	ran := false
	if err := a.passwordWork(ctx, func() { ran = true }); !errors.Is(err, context.DeadlineExceeded) || ran {
		t.Fatalf("queued past its deadline: err %v, ran %v", err, ran)
	}
	<-a.hashes
	if err := a.passwordWork(context.Background(), func() { ran = true }); err != nil || !ran {
		t.Fatalf("free slot: err %v, ran %v", err, ran)
	}
	if len(a.hashes) != 0 {
		t.Fatal("slot not released")
	}
	done, stop := context.WithCancel(context.Background())
	stop()
	ran = false
	if err := a.passwordWork(done, func() { ran = true }); err == nil || ran {
		t.Fatalf("client already gone: err %v, ran %v", err, ran)
	}
}
