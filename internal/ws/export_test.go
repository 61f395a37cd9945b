package ws

// HoldBatches opens a write batch on every attached socket, as a drain does
// while it writes, and leaves it open, as a drain that has not reached its
// flush yet would. It returns how many sockets it found.
func (h *Hub) HoldBatches() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, c := range h.conns {
		if s := c.socketNow(); s != nil {
			s.out.batch()
			n++
		}
	}
	return n
}
