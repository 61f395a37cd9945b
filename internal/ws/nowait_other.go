//go:build !unix

package ws

import "syscall"

// writeNoWait writes nothing where the descriptor cannot be written without
// the poller: every batch then goes to a socket's own drain, which waits.
func writeNoWait(syscall.RawConn, []byte) (int, error) { return 0, nil }
