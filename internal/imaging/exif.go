package imaging

import (
	"bufio"
	"encoding/binary"
	"io"
)

// Orientation returns the EXIF orientation (1–8) of a JPEG read from r, or 1
// when r is not a JPEG, has no EXIF block or the tag is missing or malformed.
// Only the APP1 segments before the image data are read.
func Orientation(r io.Reader) int {
	br := bufio.NewReader(r)
	var soi [2]byte
	if _, err := io.ReadFull(br, soi[:]); err != nil || soi != [2]byte{0xff, 0xd8} {
		return 1
	}
	for {
		var hdr [4]byte
		if _, err := io.ReadFull(br, hdr[:2]); err != nil || hdr[0] != 0xff {
			return 1
		}
		marker := hdr[1]
		if marker == 0xff { // fill byte: the marker follows
			if err := br.UnreadByte(); err != nil {
				return 1
			}
			continue
		}
		if marker == 0xda || marker == 0xd9 { // start of scan, end of image
			return 1
		}
		if _, err := io.ReadFull(br, hdr[2:]); err != nil {
			return 1
		}
		n := int(binary.BigEndian.Uint16(hdr[2:])) - 2
		if n < 0 {
			return 1
		}
		seg := make([]byte, n)
		if _, err := io.ReadFull(br, seg); err != nil {
			return 1
		}
		if marker == 0xe1 && len(seg) > 6 && string(seg[:6]) == "Exif\x00\x00" {
			if o := tiffOrientation(seg[6:]); o != 0 {
				return o
			}
		}
	}
}

// tiffOrientation reads tag 0x0112 of IFD0 of a TIFF structure; 0 if absent.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	if bo.Uint16(t[2:]) != 42 {
		return 0
	}
	off := int64(bo.Uint32(t[4:]))
	if off < 8 || off+2 > int64(len(t)) {
		return 0
	}
	count := int64(bo.Uint16(t[off:]))
	for i := range count {
		e := off + 2 + i*12
		if e+12 > int64(len(t)) {
			return 0
		}
		// Tag 0x0112, type SHORT (3), one value stored in the entry itself.
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 && bo.Uint32(t[e+4:]) == 1 {
			if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 0
		}
	}
	return 0
}
