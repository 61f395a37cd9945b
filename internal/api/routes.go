package api

import "sort"

// Route is one registered endpoint of the API.
type Route struct {
	Method  string
	Pattern string // as registered, e.g. /channels/{channel_id}/posts
	// Anonymous: the route answers without a session.
	Anonymous bool
}

// Routes lists every registered endpoint, sorted, so tests can check that
// each one is covered (the leak matrix fails when a route is missing).
func (h *Handler) Routes() []Route {
	var out []Route
	for _, rs := range h.router.routes {
		for _, rt := range rs {
			out = append(out, Route{Method: rt.method, Pattern: rt.h.pattern, Anonymous: rt.h.access == authOptional})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Pattern != out[j].Pattern {
			return out[i].Pattern < out[j].Pattern
		}
		return out[i].Method < out[j].Method
	})
	return out
}
