package api

import (
	"bytes"
	"image/png"
	"testing"

	"github.com/parley-chat/parley/internal/model"
)

// The patched template is exactly what png.Encode makes of the picture, and
// decodes to a square of the user's colour.
func TestAvatarPNG(t *testing.T) {
	a := mustAvatars()
	for i := range 200 {
		id := model.NewID()
		if i == 0 {
			id = ""
		}
		got := a.png(id)
		var want bytes.Buffer
		if err := png.Encode(&want, avatarImage(avatarColour(id))); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("id %q: template picture differs from png.Encode's", id)
		}
		m, err := png.Decode(bytes.NewReader(got))
		if err != nil {
			t.Fatalf("id %q: %v", id, err)
		}
		c := avatarColour(id)
		if b := m.Bounds(); b.Dx() != avatarSize || b.Dy() != avatarSize {
			t.Fatalf("bounds %v", b)
		}
		for _, p := range [][2]int{{0, 0}, {avatarSize - 1, avatarSize - 1}, {64, 17}} {
			r, g, bl, al := m.At(p[0], p[1]).RGBA()
			if uint8(r>>8) != c.R || uint8(g>>8) != c.G || uint8(bl>>8) != c.B || al != 0xffff {
				t.Fatalf("id %q pixel %v: %v, want %v", id, p, m.At(p[0], p[1]), c)
			}
		}
	}
}

func BenchmarkAvatarPNG(b *testing.B) {
	a := mustAvatars()
	id := model.NewID()
	b.Run("template", func(b *testing.B) {
		for b.Loop() {
			a.png(id)
		}
	})
	b.Run("encode", func(b *testing.B) {
		for b.Loop() {
			var buf bytes.Buffer
			if err := png.Encode(&buf, avatarImage(avatarColour(id))); err != nil {
				b.Fatal(err)
			}
		}
	})
}
