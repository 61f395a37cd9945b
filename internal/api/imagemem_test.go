package api_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"mime/multipart"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/apitest"
	"github.com/parley-chat/parley/internal/model"
	"github.com/parley-chat/parley/internal/testdb"
)

// hostilePNG is a w×h RGBA PNG of one colour: a few hundred kilobytes that
// decode into w×h×4 bytes.
func hostilePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	buf.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(data)))
		buf.Write(n[:])
		c := crc32.NewIEEE()
		c.Write([]byte(typ))
		c.Write(data)
		buf.WriteString(typ)
		buf.Write(data)
		binary.BigEndian.PutUint32(n[:], c.Sum32())
		buf.Write(n[:])
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk("IHDR", ihdr)
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	row := make([]byte, 1+4*w)
	for range h {
		zw.Write(row)
	}
	zw.Close()
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return buf.Bytes()
}

// peakRSS reads the process's peak resident set (VmHWM) in MiB.
func peakRSS(t testing.TB) float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status")
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	t.Skip("no VmHWM")
	return 0
}

// TestHostileImageRSS measures the peak RSS of the test process (server
// included) while PARLEY_IMAGE_RSS_N clients (default 8) each upload a
// PARLEY_IMAGE_RSS_SIDE² PNG (default 7000) at once. A measurement, not a
// check; docs/files.md quotes it:
//
//	PARLEY_IMAGE_RSS=1 go test ./internal/api -run TestHostileImageRSS -v -count=1
func TestHostileImageRSS(t *testing.T) {
	if os.Getenv("PARLEY_IMAGE_RSS") == "" {
		t.Skip("set PARLEY_IMAGE_RSS=1 to measure")
	}
	side, n := 7000, 8
	if v, _ := strconv.Atoi(os.Getenv("PARLEY_IMAGE_RSS_SIDE")); v > 0 {
		side = v
	}
	if v, _ := strconv.Atoi(os.Getenv("PARLEY_IMAGE_RSS_N")); v > 0 {
		n = v
	}
	s := apitest.Start(t, testdb.Backend{Name: "sqlite", DataDir: t.TempDir()})
	admin := s.SignUp("admin")
	team := admin.CreateTeam("staff", true)
	ch := admin.CreateChannel(team.ID, "bombs", model.ChannelOpen)
	img := hostilePNG(t, side, side)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("channel_id", ch.ID)
	fw, _ := mw.CreateFormFile("files", "bomb.png")
	fw.Write(img)
	mw.Close()
	runtime.GC()
	debug.FreeOSMemory()
	// Writing 5 to clear_refs resets VmHWM to the current RSS.
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Skipf("cannot reset the peak RSS: %v", err)
	}
	base := peakRSS(t)
	start := time.Now()
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Go(func() {
			req, _ := http.NewRequest("POST", s.URL+"/api/v4/files", bytes.NewReader(body.Bytes()))
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Authorization", "Bearer "+admin.Token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	wg.Wait()
	peak := peakRSS(t)
	fmt.Printf("%d concurrent uploads of a %d×%d PNG (%d KB): statuses %v, RSS %.0f MiB before, peak %.0f MiB, %.1f s\n",
		n, side, side, len(img)/1000, statuses, base, peak, time.Since(start).Seconds())
}
