//go:build unix

package ws

import (
	"errors"
	"syscall"
)

// writeNoWait writes p to raw's descriptor until it is written or the
// kernel's buffer is full (EAGAIN), never parking on the poller: n is what
// was written.
func writeNoWait(raw syscall.RawConn, p []byte) (n int, err error) {
	cerr := raw.Write(func(fd uintptr) bool {
		for n < len(p) {
			m, werr := syscall.Write(int(fd), p[n:])
			if m > 0 {
				n += m
			}
			switch {
			case errors.Is(werr, syscall.EINTR):
			case errors.Is(werr, syscall.EAGAIN):
				return true
			case werr != nil:
				err = werr
				return true
			case m == 0:
				err = syscall.EPIPE
				return true
			}
		}
		return true
	})
	if cerr != nil {
		return n, cerr
	}
	return n, err
}
