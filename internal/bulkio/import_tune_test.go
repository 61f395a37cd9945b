package bulkio

import (
	"testing"
	"time"
)

// TestTuneBatch: the batch byte budget follows how long batches hold the
// writer: a slow batch shrinks it at once (never below one small line's
// worth), a fast one lets it grow at most twofold, up to importBatchBytes.
func TestTuneBatch(t *testing.T) {
	run := &importRun{}
	run.batchBytes.Store(importBatchBytes)
	for _, tc := range []struct {
		size int64
		took time.Duration
		want int64
	}{
		{4 << 20, 4 * importWriterHold, 1 << 20},     // four times too slow: a quarter
		{1 << 20, importWriterHold / 4, 2 << 20},     // four times too fast: doubled, not quadrupled
		{2 << 20, importWriterHold / 100, 4 << 20},   // capped at the maximum
		{64 << 10, 100 * importWriterHold, 16 << 10}, // floored at the minimum
		{16 << 10, 0, 16 << 10},                      // no measure, no change
	} {
		run.tuneBatch(tc.size, tc.took)
		if got := run.batchBytes.Load(); got != tc.want {
			t.Errorf("after %d bytes in %s: budget %d, want %d", tc.size, tc.took, got, tc.want)
		}
	}
}
