package api

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
)

// avatarSize is the side of a generated picture, as of an uploaded one.
const avatarSize = 128

// avatars draws the generated profile pictures: a square in one colour
// derived from the user's id. Every such picture is the same 1-bit
// paletted PNG but for its palette's one colour, so it is encoded once and
// each request only writes the colour and its chunk's checksum. Encoding
// each picture (128×128 RGBA through zlib) cost half a millisecond, 45% of
// the server's CPU under load-test-ng, whose users ask for every poster's
// picture.
type avatars struct {
	template []byte
	// plte is the offset of the PLTE chunk's type in template.
	plte int
}

// mustAvatars encodes the template; as with regexp.MustCompile, a failure
// is a programming error (a fixed image into memory), found by any test.
func mustAvatars() *avatars {
	var buf bytes.Buffer
	if err := png.Encode(&buf, avatarImage(color.RGBA{A: 255})); err != nil {
		panic(fmt.Sprintf("encode avatar template: %v", err))
	}
	b := buf.Bytes()
	i := bytes.Index(b, []byte("PLTE"))
	if i < 4 || binary.BigEndian.Uint32(b[i-4:]) != 3 || len(b) < i+4+3+4 {
		panic("avatar template: no one-colour PLTE chunk")
	}
	return &avatars{template: b, plte: i}
}

func avatarImage(c color.RGBA) image.Image {
	return image.NewPaletted(image.Rect(0, 0, avatarSize, avatarSize), color.Palette{c})
}

// avatarColour is the colour of the user's generated picture.
func avatarColour(id string) color.RGBA {
	f := fnv.New32a()
	f.Write([]byte(id))
	sum := f.Sum32()
	return color.RGBA{R: uint8(sum), G: uint8(sum >> 8), B: uint8(sum >> 16), A: 255}
}

// png is the generated picture of the user id, byte for byte what png.Encode
// makes of avatarImage(avatarColour(id)).
func (a *avatars) png(id string) []byte {
	c := avatarColour(id)
	b := bytes.Clone(a.template)
	data := a.plte + 4
	b[data], b[data+1], b[data+2] = c.R, c.G, c.B
	binary.BigEndian.PutUint32(b[data+3:], crc32.ChecksumIEEE(b[a.plte:data+3]))
	return b
}
