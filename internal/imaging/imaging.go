// Package imaging makes thumbnails, previews and custom emoji images with the
// standard library decoders plus golang.org/x/image (WebP, scaling), so the
// binary needs no cgo. Every decode is preceded by a look at the declared
// dimensions, so a small file that would expand into gigabytes of pixels (a
// decompression bomb) is refused before any pixel memory is allocated.
package imaging

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	xdraw "golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // registers the WebP decoder with package image
)

var (
	// ErrTooManyPixels means the declared dimensions exceed the limit.
	ErrTooManyPixels = errors.New("image has too many pixels")
	// ErrDamaged means the data claims to be an image but cannot be decoded.
	ErrDamaged = errors.New("image is damaged or truncated")
)

// Format names the image format of data's first bytes: "jpeg", "png", "gif",
// "webp", or "" for anything this package does not process.
func Format(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return "jpeg"
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return "gif"
	case len(head) >= 16 && string(head[:4]) == "RIFF" && string(head[8:15]) == "WEBPVP8":
		return "webp"
	}
	return ""
}

// MimeType is the content type of a Format name.
func MimeType(format string) string {
	if format == "" {
		return ""
	}
	return "image/" + format
}

// AnimatedWebP reports whether a WebP file is animated (VP8X with the
// animation flag), which the x/image decoder does not read.
func AnimatedWebP(head []byte) bool {
	return len(head) >= 21 && Format(head) == "webp" && string(head[12:16]) == "VP8X" && head[20]&0x02 != 0
}

// Image is a decoded first frame with its EXIF orientation applied lazily by
// the scaling functions.
type Image struct {
	img    image.Image
	orient int
	// Width and Height are as displayed (after orientation).
	Width, Height int
}

// Decode reads the first frame of a JPEG, PNG, GIF or WebP image from rs. The
// declared size is checked against maxPixels before decoding.
func Decode(rs io.ReadSeeker, maxPixels int64) (*Image, error) {
	orient := Orientation(io.LimitReader(rs, 256<<10))
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	cfg, _, err := image.DecodeConfig(rs)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return nil, ErrTooManyPixels
	}
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	img, _, err := image.Decode(rs)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	out := &Image{img: img, orient: orient, Width: img.Bounds().Dx(), Height: img.Bounds().Dy()}
	if orient >= 5 {
		out.Width, out.Height = out.Height, out.Width
	}
	return out, nil
}

// fit returns the largest size within maxW×maxH with the aspect of w×h, never
// larger than w×h and never below 1×1.
func fit(w, h, maxW, maxH int) (int, int) {
	if w <= maxW && h <= maxH {
		return w, h
	}
	tw, th := maxW, int(int64(h)*int64(maxW)/int64(w))
	if th > maxH {
		tw, th = int(int64(w)*int64(maxH)/int64(h)), maxH
	}
	return max(tw, 1), max(th, 1)
}

// Fit scales the image (as displayed) to fit within maxW×maxH, flattened onto
// white so it can be stored as JPEG.
func (m *Image) Fit(maxW, maxH int) image.Image {
	tw, th := fit(m.Width, m.Height, maxW, maxH)
	if m.orient >= 5 {
		tw, th = th, tw
	}
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	scale(dst, m.img, draw.Over)
	return orient(dst, m.orient)
}

// scale draws src over all of dst. A big reduction first goes through a cheap
// filter to twice the target size so the high-quality one sees few pixels.
func scale(dst draw.Image, src image.Image, op draw.Op) {
	db, sb := dst.Bounds(), src.Bounds()
	if sb.Dx() > 4*db.Dx() && sb.Dy() > 4*db.Dy() {
		mid := image.NewRGBA(image.Rect(0, 0, 2*db.Dx(), 2*db.Dy()))
		xdraw.ApproxBiLinear.Scale(mid, mid.Bounds(), src, sb, draw.Src, nil)
		src, sb = mid, mid.Bounds()
	}
	xdraw.CatmullRom.Scale(dst, db, src, sb, op, nil)
}

// EncodeJPEG writes img as a JPEG of good quality.
func EncodeJPEG(w io.Writer, img image.Image) error {
	return jpeg.Encode(w, img, &jpeg.Options{Quality: 85})
}

// orient applies an EXIF orientation (1–8) to img.
func orient(img *image.RGBA, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range h {
		for x := range w {
			var dx, dy int
			switch o {
			case 2:
				dx, dy = w-1-x, y
			case 3:
				dx, dy = w-1-x, h-1-y
			case 4:
				dx, dy = x, h-1-y
			case 5:
				dx, dy = y, x
			case 6:
				dx, dy = h-1-y, x
			case 7:
				dx, dy = h-1-y, w-1-x
			case 8:
				dx, dy = y, w-1-x
			}
			dst.SetRGBA(dx, dy, img.RGBAAt(b.Min.X+x, b.Min.Y+y))
		}
	}
	return dst
}

// Emoji turns an uploaded custom emoji image (JPEG, PNG or GIF) into one that
// fits side×side: a PNG, or a GIF when the upload is an animated GIF, each of
// whose frames is scaled. The result is always re-encoded, so whatever else the
// upload carried is dropped.
func Emoji(data []byte, side int, maxPixels int64) (out []byte, contentType string, err error) {
	switch Format(data) {
	case "gif":
		frames, pixels, err := gifFrames(data)
		if err != nil {
			return nil, "", fmt.Errorf("%w: %v", ErrDamaged, err)
		}
		if pixels > maxPixels {
			return nil, "", ErrTooManyPixels
		}
		if frames > 1 {
			return animatedEmoji(data, side, maxPixels)
		}
	case "jpeg", "png":
	default:
		return nil, "", ErrDamaged
	}
	m, err := Decode(bytes.NewReader(data), maxPixels)
	if err != nil {
		return nil, "", err
	}
	tw, th := fit(m.Width, m.Height, side, side)
	if m.orient >= 5 {
		tw, th = th, tw
	}
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	scale(dst, m.img, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, orient(dst, m.orient)); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), "image/png", nil
}

func animatedEmoji(data []byte, side int, maxPixels int64) ([]byte, string, error) {
	cfg, err := gif.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return nil, "", ErrTooManyPixels
	}
	g, err := gif.DecodeAll(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	tw, th := fit(cfg.Width, cfg.Height, side, side)
	canvas := image.NewRGBA(image.Rect(0, 0, cfg.Width, cfg.Height))
	out := &gif.GIF{LoopCount: g.LoopCount, Config: image.Config{Width: tw, Height: th}}
	rect := image.Rect(0, 0, tw, th)
	for i, fr := range g.Image {
		disposal := byte(gif.DisposalNone)
		if i < len(g.Disposal) {
			disposal = g.Disposal[i]
		}
		var saved *image.RGBA
		if disposal == gif.DisposalPrevious {
			saved = image.NewRGBA(canvas.Bounds())
			copy(saved.Pix, canvas.Pix)
		}
		draw.Draw(canvas, fr.Bounds(), fr, fr.Bounds().Min, draw.Over)
		scaled := image.NewRGBA(rect)
		scale(scaled, canvas, draw.Src)
		pm := image.NewPaletted(rect, withTransparent(fr.Palette))
		draw.Draw(pm, rect, scaled, image.Point{}, draw.Src)
		out.Image = append(out.Image, pm)
		delay := 10
		if i < len(g.Delay) {
			delay = g.Delay[i]
		}
		out.Delay = append(out.Delay, delay)
		// Every output frame is whole, so each replaces the last.
		out.Disposal = append(out.Disposal, gif.DisposalBackground)
		switch disposal {
		case gif.DisposalBackground:
			draw.Draw(canvas, fr.Bounds(), image.Transparent, image.Point{}, draw.Src)
		case gif.DisposalPrevious:
			canvas = saved
		}
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, out); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), "image/gif", nil
}

// withTransparent returns a copy of p that holds a fully transparent colour,
// so scaled frames keep their clear areas.
func withTransparent(p color.Palette) color.Palette {
	out := make(color.Palette, len(p), len(p)+1)
	copy(out, p)
	for _, c := range out {
		if _, _, _, a := c.RGBA(); a == 0 {
			return out
		}
	}
	if len(out) < 256 {
		return append(out, color.RGBA{})
	}
	out[len(out)-1] = color.RGBA{}
	return out
}

// gifFrames walks a GIF's blocks without decompressing them and returns the
// number of frames and the sum of their areas, which bounds the memory
// gif.DecodeAll would need.
func gifFrames(data []byte) (frames int, pixels int64, err error) {
	errTrunc := errors.New("gif: truncated")
	if len(data) < 13 {
		return 0, 0, errTrunc
	}
	p := 13
	if data[10]&0x80 != 0 {
		p += 3 << (int(data[10]&7) + 1)
	}
	skipBlocks := func() error {
		for {
			if p >= len(data) {
				return errTrunc
			}
			n := int(data[p])
			p++
			if n == 0 {
				return nil
			}
			p += n
		}
	}
	for {
		if p >= len(data) {
			return 0, 0, errTrunc
		}
		switch data[p] {
		case 0x21:
			p += 2
			if err := skipBlocks(); err != nil {
				return 0, 0, err
			}
		case 0x2c:
			if p+10 > len(data) {
				return 0, 0, errTrunc
			}
			w, h := int64(data[p+5])|int64(data[p+6])<<8, int64(data[p+7])|int64(data[p+8])<<8
			packed := data[p+9]
			p += 10
			if packed&0x80 != 0 {
				p += 3 << (int(packed&7) + 1)
			}
			p++ // LZW minimum code size
			if err := skipBlocks(); err != nil {
				return 0, 0, err
			}
			frames++
			pixels += w * h
		case 0x3b:
			return frames, pixels, nil
		default:
			return 0, 0, fmt.Errorf("gif: unknown block 0x%02x", data[p])
		}
	}
}

// Avatar turns an uploaded profile picture (the first frame of a JPEG, PNG,
// GIF or WebP) into a side×side PNG: the largest centred square, scaled, with
// the EXIF orientation applied. Re-encoding drops whatever else the upload
// carried (metadata, trailing data).
func Avatar(rs io.ReadSeeker, side int, maxPixels int64) ([]byte, error) {
	m, err := Decode(rs, maxPixels)
	if err != nil {
		return nil, err
	}
	// A centred square of the stored image is the centred square of the
	// displayed one whatever the orientation, so the crop happens before it.
	b := m.img.Bounds()
	s := min(b.Dx(), b.Dy())
	crop := image.Rect(0, 0, s, s).Add(b.Min).Add(image.Pt((b.Dx()-s)/2, (b.Dy()-s)/2))
	src := m.img
	if si, ok := src.(interface {
		SubImage(image.Rectangle) image.Image
	}); ok {
		src = si.SubImage(crop) // every decoder's image type has it
	}
	dst := image.NewRGBA(image.Rect(0, 0, side, side))
	if s == side {
		// Already the size (a picture exported by Parley): copied, not
		// resampled, so a round trip gives back the same bytes.
		draw.Draw(dst, dst.Bounds(), src, crop.Min, draw.Src)
	} else {
		scale(dst, src, draw.Src)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, orient(dst, m.orient)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
