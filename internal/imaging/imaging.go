// Package imaging makes thumbnails, previews and custom emoji images with the
// standard library decoders plus golang.org/x/image (WebP, scaling), so the
// binary needs no cgo. Every decode is preceded by a look at the declared
// dimensions, so a small file that would expand into gigabytes of pixels (a
// decompression bomb) is refused before any pixel memory is allocated, and
// the memory of every decode comes out of one budget (Decoder).
package imaging

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"sync"

	xdraw "golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // registers the WebP decoder with package image
	"golang.org/x/sync/semaphore"
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
	release       func()
}

// Decoder decodes images within a memory budget. A decoded image takes
// width × height × bytes per pixel however small its file (a 190 KB PNG of
// 7000×7000 is 196 MB of pixels), so every decode first reads the declared
// dimensions, refuses more than the caller's pixel limit, then reserves what the pixels and
// the scaled copies will take from a budget shared by every decode of the
// process, waiting while the budget is spent. One Decoder belongs to the app.
type Decoder struct {
	budget int64
	mem    *semaphore.Weighted
	slots  *semaphore.Weighted
}

// NewDecoder makes a decoder of budgetBytes of pixel memory and concurrency
// decodes at once across all callers.
func NewDecoder(budgetBytes int64, concurrency int) *Decoder {
	return &Decoder{budget: budgetBytes,
		mem: semaphore.NewWeighted(budgetBytes), slots: semaphore.NewWeighted(int64(max(concurrency, 1)))}
}

// reserve waits for a decode slot and n bytes of the budget; an image that
// needs more than the whole budget waits for all of it and runs alone.
func (d *Decoder) reserve(ctx context.Context, n int64) (release func(), err error) {
	n = min(max(n, 1), d.budget)
	if err := d.slots.Acquire(ctx, 1); err != nil {
		return nil, err
	}
	if err := d.mem.Acquire(ctx, n); err != nil {
		d.slots.Release(1)
		return nil, err
	}
	return sync.OnceFunc(func() { d.mem.Release(n); d.slots.Release(1) }), nil
}

// Box is a size scaled copies are made to fit in.
type Box struct{ W, H int }

// Decode reads the first frame of a JPEG, PNG, GIF or WebP image from rs,
// holding budget for the frame and for one scaled copy into each box until
// Release. The declared size is checked against maxPixels before decoding.
func (d *Decoder) Decode(ctx context.Context, rs io.ReadSeeker, maxPixels int64, boxes ...Box) (*Image, error) {
	orient := Orientation(io.LimitReader(rs, 256<<10))
	cfg, format, err := header(rs, maxPixels)
	if err != nil {
		return nil, err
	}
	cost := int64(cfg.Width) * int64(cfg.Height) * bytesPerPixel(cfg.ColorModel, format, rs)
	for _, b := range boxes {
		cost += fitCost(cfg.Width, cfg.Height, b.W, b.H, orient)
	}
	release, err := d.reserve(ctx, cost)
	if err != nil {
		return nil, err
	}
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		release()
		return nil, err
	}
	img, _, err := image.Decode(rs)
	if err != nil {
		release()
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	out := &Image{img: img, orient: orient, Width: img.Bounds().Dx(), Height: img.Bounds().Dy(), release: release}
	if orient >= 5 {
		out.Width, out.Height = out.Height, out.Width
	}
	return out, nil
}

// header reads the declared dimensions and refuses too many pixels.
func header(rs io.ReadSeeker, maxPixels int64) (image.Config, string, error) {
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return image.Config{}, "", err
	}
	cfg, format, err := image.DecodeConfig(rs)
	if err != nil {
		return cfg, "", fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return cfg, "", ErrTooManyPixels
	}
	return cfg, format, nil
}

// Release gives the image's memory back to the budget; the image must not be
// used after.
func (m *Image) Release() {
	m.img = nil
	m.release()
}

// bytesPerPixel is what the decoder of a format allocates per pixel for a
// colour model. A progressive JPEG also keeps every DCT coefficient (two
// bytes for each of up to three components) until the last scan.
func bytesPerPixel(cm color.Model, format string, rs io.ReadSeeker) int64 {
	var n int64
	switch cm {
	case color.GrayModel, color.AlphaModel:
		n = 1
	case color.Gray16Model, color.Alpha16Model:
		n = 2
	case color.RGBA64Model, color.NRGBA64Model:
		n = 8
	case color.YCbCrModel:
		n = 3
	default: // RGBA, NRGBA, CMYK, NYCbCrA, and paletted images, drawn into RGBA by the caller
		n = 4
	}
	if format == "jpeg" && progressiveJPEG(rs) {
		n += 6
	}
	return n
}

// progressiveJPEG walks the JPEG markers up to the first frame header and
// tells whether it is progressive (SOF2).
func progressiveJPEG(rs io.ReadSeeker) bool {
	if _, err := rs.Seek(2, io.SeekStart); err != nil {
		return true
	}
	br := bufio.NewReader(rs)
	for range 256 {
		var m [4]byte
		if _, err := io.ReadFull(br, m[:]); err != nil || m[0] != 0xff {
			return true // unreadable: count the worst case
		}
		switch m[1] {
		case 0xc2, 0xc6, 0xca, 0xce:
			return true
		case 0xc0, 0xc1, 0xc3, 0xc5, 0xc7, 0xc9, 0xcb, 0xcd, 0xcf, 0xda:
			return false
		}
		if _, err := br.Discard(int(binary.BigEndian.Uint16(m[2:])) - 2); err != nil {
			return true
		}
	}
	return true
}

// fitCost is what Fit into maxW×maxH allocates (see scale): the RGBA target,
// the half-way copy of a big reduction, CatmullRom's row buffer, and the
// rotated copy.
func fitCost(w, h, maxW, maxH, orient int) int64 {
	if orient >= 5 {
		w, h = h, w
	}
	tw, th := fit(w, h, maxW, maxH)
	n := int64(tw) * int64(th) * 4
	cost := n
	if w > 2*tw && h > 2*th {
		cost += 4 * n
		h = 2 * th
	}
	if t := kernelTmp(tw, h); t <= maxKernelTmp {
		cost += t
	}
	if orient > 1 {
		cost += n
	}
	return cost
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
// CatmullRom keeps a float64 RGBA row buffer of target width × source height
// (32 bytes each: 236 MB for a 1920-wide preview from 3840 rows), so above
// maxKernelTmp the second step is the cheap filter too.
func scale(dst draw.Image, src image.Image, op draw.Op) {
	db, sb := dst.Bounds(), src.Bounds()
	if sb.Dx() > 2*db.Dx() && sb.Dy() > 2*db.Dy() {
		mid := image.NewRGBA(image.Rect(0, 0, 2*db.Dx(), 2*db.Dy()))
		xdraw.ApproxBiLinear.Scale(mid, mid.Bounds(), src, sb, draw.Src, nil)
		src, sb = mid, mid.Bounds()
	}
	if kernelTmp(db.Dx(), sb.Dy()) > maxKernelTmp {
		xdraw.ApproxBiLinear.Scale(dst, db, src, sb, op, nil)
		return
	}
	xdraw.CatmullRom.Scale(dst, db, src, sb, op, nil)
}

// maxKernelTmp bounds CatmullRom's row buffer.
const maxKernelTmp = 16 << 20

func kernelTmp(dw, sh int) int64 { return 32 * int64(dw) * int64(sh) }

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
func (d *Decoder) Emoji(ctx context.Context, data []byte, side int, maxPixels int64) (out []byte, contentType string, err error) {
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
			return d.animatedEmoji(ctx, data, side, maxPixels, frames, pixels)
		}
	case "jpeg", "png":
	default:
		return nil, "", ErrDamaged
	}
	m, err := d.Decode(ctx, bytes.NewReader(data), maxPixels, Box{side, side})
	if err != nil {
		return nil, "", err
	}
	defer m.Release()
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

// animatedEmoji holds budget for every frame as decoded (a byte a pixel), the
// canvas and its saved copy, and the scaled frames.
func (d *Decoder) animatedEmoji(ctx context.Context, data []byte, side int, maxPixels int64, frames int, pixels int64) ([]byte, string, error) {
	cfg, _, err := header(bytes.NewReader(data), maxPixels)
	if err != nil {
		return nil, "", err
	}
	tw, th := fit(cfg.Width, cfg.Height, side, side)
	release, err := d.reserve(ctx, pixels+8*int64(cfg.Width)*int64(cfg.Height)+5*int64(frames)*int64(tw)*int64(th))
	if err != nil {
		return nil, "", err
	}
	defer release()
	g, err := gif.DecodeAll(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrDamaged, err)
	}
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
func (d *Decoder) Avatar(ctx context.Context, rs io.ReadSeeker, side int, maxPixels int64) ([]byte, error) {
	m, err := d.Decode(ctx, rs, maxPixels, Box{side, side})
	if err != nil {
		return nil, err
	}
	defer m.Release()
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
