package imaging

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
)

// withExif inserts an APP1 EXIF segment carrying orientation o into a JPEG.
func withExif(t *testing.T, jpg []byte, o uint16, bo binary.ByteOrder) []byte {
	t.Helper()
	tiff := make([]byte, 8+2+12+4)
	if bo == binary.LittleEndian {
		copy(tiff, "II")
	} else {
		copy(tiff, "MM")
	}
	bo.PutUint16(tiff[2:], 42)
	bo.PutUint32(tiff[4:], 8)
	bo.PutUint16(tiff[8:], 1)
	bo.PutUint16(tiff[10:], 0x0112)
	bo.PutUint16(tiff[12:], 3)
	bo.PutUint32(tiff[14:], 1)
	bo.PutUint16(tiff[18:], o)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xff, 0xe1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, app1...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// marked is a w×h image, red in the top-left corner pixel, blue elsewhere.
func marked(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.Set(x, y, color.RGBA{0, 0, 255, 255})
		}
	}
	m.Set(0, 0, color.RGBA{255, 0, 0, 255})
	return m
}

func TestOrientation(t *testing.T) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, marked(4, 2), nil); err != nil {
		t.Fatal(err)
	}
	if got := Orientation(bytes.NewReader(buf.Bytes())); got != 1 {
		t.Fatalf("no EXIF: %d", got)
	}
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		for o := uint16(1); o <= 8; o++ {
			if got := Orientation(bytes.NewReader(withExif(t, buf.Bytes(), o, bo))); got != int(o) {
				t.Fatalf("%v orientation %d read as %d", bo, o, got)
			}
		}
	}
	for _, bad := range [][]byte{nil, {0xff}, {0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff}, []byte("GIF89a"),
		withExif(t, buf.Bytes(), 9, binary.BigEndian)[:40]} {
		if got := Orientation(bytes.NewReader(bad)); got != 1 {
			t.Fatalf("malformed %x: %d", bad, got)
		}
	}
}

func TestOrientApplied(t *testing.T) {
	// Where the top-left pixel of a 4×2 image lands, per orientation.
	want := map[int]image.Point{1: {0, 0}, 2: {3, 0}, 3: {3, 1}, 4: {0, 1}, 5: {0, 0}, 6: {1, 0}, 7: {1, 3}, 8: {0, 3}}
	for o, p := range want {
		got := orient(marked(4, 2), o)
		if o >= 5 && (got.Bounds().Dx() != 2 || got.Bounds().Dy() != 4) {
			t.Fatalf("orientation %d: size %v", o, got.Bounds())
		}
		if r, _, _, _ := got.At(p.X, p.Y).RGBA(); r>>8 != 255 {
			t.Fatalf("orientation %d: corner not at %v", o, p)
		}
	}
}

func TestDecodeRefusesBombAndDamage(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1000, 1000))); err != nil {
		t.Fatal(err)
	}
	if _, err := testDecoder.Decode(context.Background(), bytes.NewReader(buf.Bytes()), 999_999); !errors.Is(err, ErrTooManyPixels) {
		t.Fatalf("bomb: %v", err)
	}
	if _, err := testDecoder.Decode(context.Background(), bytes.NewReader(buf.Bytes()[:buf.Len()/2]), 1e7); !errors.Is(err, ErrDamaged) {
		t.Fatalf("truncated: %v", err)
	}
	m, err := testDecoder.Decode(context.Background(), bytes.NewReader(buf.Bytes()), 1e7)
	if err != nil || m.Width != 1000 {
		t.Fatalf("decode: %v", err)
	}
	if b := m.Fit(120, 100).Bounds(); b.Dx() != 100 || b.Dy() != 100 {
		t.Fatalf("thumbnail %v", b)
	}
}

func TestFit(t *testing.T) {
	for _, c := range []struct{ w, h, mw, mh, ww, wh int }{
		{100, 50, 120, 100, 100, 50}, {1200, 100, 120, 100, 120, 10}, {100, 1000, 120, 100, 10, 100},
		{10000, 1, 120, 100, 120, 1}, {4000, 3000, 1920, 1 << 30, 1920, 1440},
	} {
		if w, h := fit(c.w, c.h, c.mw, c.mh); w != c.ww || h != c.wh {
			t.Fatalf("fit %v: %d×%d", c, w, h)
		}
	}
}

func animated(t *testing.T, w, h, frames int) []byte {
	t.Helper()
	g := &gif.GIF{}
	pal := color.Palette{color.RGBA{}, color.RGBA{255, 0, 0, 255}, color.RGBA{0, 255, 0, 255}}
	for i := range frames {
		fr := image.NewPaletted(image.Rect(0, 0, w, h), pal)
		for x := range w {
			fr.SetColorIndex(x, i%h, uint8(1+i%2))
		}
		g.Image = append(g.Image, fr)
		g.Delay = append(g.Delay, 5)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestEmojiKeepsAnimation(t *testing.T) {
	out, ct, err := testDecoder.Emoji(context.Background(), animated(t, 300, 200, 3), 128, 1e7)
	if err != nil || ct != "image/gif" {
		t.Fatalf("emoji: %v %s", err, ct)
	}
	g, err := gif.DecodeAll(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Image) != 3 || g.Config.Width != 128 || g.Config.Height != 85 {
		t.Fatalf("frames %d, %d×%d", len(g.Image), g.Config.Width, g.Config.Height)
	}
	frames, pixels, err := gifFrames(animated(t, 10, 10, 4))
	if err != nil || frames != 4 || pixels != 400 {
		t.Fatalf("gifFrames: %d %d %v", frames, pixels, err)
	}
	if _, _, err := testDecoder.Emoji(context.Background(), animated(t, 100, 100, 20), 128, 100*100*19); !errors.Is(err, ErrTooManyPixels) {
		t.Fatalf("all frames count: %v", err)
	}
	if _, _, err := testDecoder.Emoji(context.Background(), animated(t, 10, 10, 2)[:30], 128, 1e7); !errors.Is(err, ErrDamaged) {
		t.Fatalf("truncated gif: %v", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, marked(20, 10)); err != nil {
		t.Fatal(err)
	}
	out, ct, err = testDecoder.Emoji(context.Background(), buf.Bytes(), 128, 1e7)
	if err != nil || ct != "image/png" {
		t.Fatalf("png emoji: %v", err)
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(out)); err != nil || cfg.Width != 20 {
		t.Fatalf("small emoji resized: %v %v", cfg, err)
	}
	if _, _, err := testDecoder.Emoji(context.Background(), []byte("<svg/>"), 128, 1e7); !errors.Is(err, ErrDamaged) {
		t.Fatalf("svg accepted: %v", err)
	}
}

func FuzzOrientation(f *testing.F) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, marked(2, 2), nil); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte{0xff, 0xd8, 0xff, 0xe1, 0x00, 0x10, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8})
	f.Fuzz(func(t *testing.T, b []byte) {
		if o := Orientation(bytes.NewReader(b)); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
		_, _, _ = gifFrames(b)
	})
}

// Avatar keeps the centred square of a wide image, and gives back its own
// output byte for byte (so an exported picture re-imports unchanged).
func TestAvatar(t *testing.T) {
	// 300×100: red on the left and right thirds, green in the middle.
	src := image.NewRGBA(image.Rect(0, 0, 300, 100))
	for y := range 100 {
		for x := range 300 {
			c := color.RGBA{255, 0, 0, 255}
			if x >= 100 && x < 200 {
				c = color.RGBA{0, 255, 0, 255}
			}
			src.Set(x, y, c)
		}
	}
	var in bytes.Buffer
	if err := png.Encode(&in, src); err != nil {
		t.Fatal(err)
	}
	out, err := testDecoder.Avatar(context.Background(), bytes.NewReader(in.Bytes()), 64, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	m, err := png.Decode(bytes.NewReader(out))
	if err != nil || m.Bounds() != image.Rect(0, 0, 64, 64) {
		t.Fatalf("avatar %v %v", err, m.Bounds())
	}
	for _, p := range []image.Point{{0, 0}, {63, 63}, {32, 32}} {
		if r, g, _, _ := m.At(p.X, p.Y).RGBA(); r > 0x2000 || g < 0xe000 {
			t.Errorf("pixel %v is not the middle's green: %v", p, m.At(p.X, p.Y))
		}
	}
	again, err := testDecoder.Avatar(context.Background(), bytes.NewReader(out), 64, 1<<20)
	if err != nil || !bytes.Equal(again, out) {
		t.Errorf("avatar of an avatar differs (err %v)", err)
	}
	if _, err := testDecoder.Avatar(context.Background(), bytes.NewReader(in.Bytes()), 64, 100*100); !errors.Is(err, ErrTooManyPixels) {
		t.Errorf("over max pixels: %v", err)
	}
}

var testDecoder = NewDecoder(64<<20, 2)

// TestDecoderBudget: a decode holds width × height × bytes per pixel plus its
// scaled copies from the shared budget until Release, and gives it all back
// when it fails.
func TestDecoderBudget(t *testing.T) {
	var gray, rgba bytes.Buffer
	if err := png.Encode(&gray, image.NewGray(image.Rect(0, 0, 1000, 800))); err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(&rgba, image.NewNRGBA(image.Rect(0, 0, 1000, 800))); err != nil {
		t.Fatal(err)
	}
	const budget = 64 << 20
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		data []byte
		box  Box
		want int64
	}{
		// pixels + target, half-way copy (4× the target) and CatmullRom's 32 bytes × target width × rows
		{"gray, thumbnail", gray.Bytes(), Box{120, 100}, 1000*800 + 5*120*96*4 + 32*120*192},
		{"rgba, half size", rgba.Bytes(), Box{500, 400}, 1000*800*4 + 500*400*4 + 32*500*800},
		{"rgba, tiny", rgba.Bytes(), Box{100, 80}, 1000*800*4 + 5*100*80*4 + 32*100*160},
	} {
		d := NewDecoder(budget, 4)
		m, err := d.Decode(ctx, bytes.NewReader(tc.data), 1e7, tc.box)
		if err != nil {
			t.Fatal(err)
		}
		if !d.mem.TryAcquire(budget - tc.want) {
			t.Fatalf("%s: holds more than %d bytes", tc.name, tc.want)
		}
		if d.mem.TryAcquire(1) {
			t.Fatalf("%s: holds less than %d bytes", tc.name, tc.want)
		}
		d.mem.Release(budget - tc.want)
		m.Release()
		if !d.mem.TryAcquire(budget) {
			t.Fatalf("%s: budget not given back", tc.name)
		}
	}
	// A failed decode gives its share back; an image over the whole budget
	// takes all of it.
	d := NewDecoder(1<<20, 1)
	if _, err := d.Decode(ctx, bytes.NewReader(rgba.Bytes()[:rgba.Len()/2]), 1e7); !errors.Is(err, ErrDamaged) {
		t.Fatalf("truncated: %v", err)
	}
	m, err := d.Decode(ctx, bytes.NewReader(rgba.Bytes()), 1e7)
	if err != nil {
		t.Fatal(err)
	}
	if d.mem.TryAcquire(1) || d.slots.TryAcquire(1) {
		t.Fatal("an image over the budget left room for another")
	}
	m.Release()
	if !d.mem.TryAcquire(1<<20) || !d.slots.TryAcquire(1) {
		t.Fatal("budget not given back")
	}
}

func TestProgressiveJPEG(t *testing.T) {
	var baseline bytes.Buffer
	if err := jpeg.Encode(&baseline, image.NewRGBA(image.Rect(0, 0, 16, 16)), nil); err != nil {
		t.Fatal(err)
	}
	if progressiveJPEG(bytes.NewReader(baseline.Bytes())) {
		t.Fatal("baseline JPEG taken for progressive")
	}
	// SOI, an APP0 segment, then SOF2.
	prog := []byte("\xff\xd8\xff\xe0\x00\x04ab\xff\xc2\x00\x11")
	if !progressiveJPEG(bytes.NewReader(prog)) {
		t.Fatal("progressive JPEG not seen")
	}
}
