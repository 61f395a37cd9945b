package api

import (
	"regexp"
	"strings"
)

// router matches /api/v4 paths segment by segment. Literal segments beat
// parameters, so /users/tokens/{token_id} and /users/{user_id}/image can live
// side by side (http.ServeMux refuses that pair). A known path with an unknown
// method answers 404, as Mattermost does.
type router struct {
	routes map[int][]*route // by number of segments
}

type route struct {
	method   string
	segments []segment
	h        *endpoint
	literals int
}

type segment struct {
	literal string
	param   string
	re      *regexp.Regexp
}

// Parameter classes of the reference (section 1.1).
var paramClasses = map[string]*regexp.Regexp{
	"id":       regexp.MustCompile(`^[A-Za-z0-9]+$`),
	"name":     regexp.MustCompile(`^[A-Za-z0-9_\-]+$`),
	"username": regexp.MustCompile(`^[A-Za-z0-9_\-.]+$`),
	"emoji":    regexp.MustCompile(`^[A-Za-z0-9_\-+]+$`),
	"pref":     regexp.MustCompile(`^[A-Za-z0-9_]+$`),
	"any":      regexp.MustCompile(`^[^/]+$`),
}

func newRouter() *router { return &router{routes: map[int][]*route{}} }

// add registers "METHOD /path/{param:class}/..." (class defaults to id).
func (r *router) add(method, path string, h *endpoint) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	rt := &route{method: method, h: h}
	for _, p := range parts {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			name, class, _ := strings.Cut(p[1:len(p)-1], ":")
			if class == "" {
				class = "id"
			}
			re, ok := paramClasses[class]
			if !ok {
				panic("unknown parameter class " + class)
			}
			rt.segments = append(rt.segments, segment{param: name, re: re})
			continue
		}
		rt.segments = append(rt.segments, segment{literal: p})
		rt.literals++
	}
	r.routes[len(parts)] = append(r.routes[len(parts)], rt)
}

// match finds the most specific route for the path; pathKnown tells whether any
// method matched, so the caller can answer 404 for a wrong method.
func (r *router) match(method, path string) (h *endpoint, params map[string]string) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	var best *route
	var bestScore []bool
	for _, rt := range r.routes[len(parts)] {
		if rt.method != method {
			continue
		}
		score, ok := rt.matches(parts)
		if !ok {
			continue
		}
		if best == nil || moreSpecific(score, bestScore) {
			best, bestScore = rt, score
		}
	}
	if best == nil {
		return nil, nil
	}
	params = map[string]string{}
	for i, s := range best.segments {
		if s.param != "" {
			params[s.param] = parts[i]
		}
	}
	return best.h, params
}

// matches reports whether parts fit the route, with a per-segment literal flag.
func (rt *route) matches(parts []string) ([]bool, bool) {
	score := make([]bool, len(parts))
	for i, s := range rt.segments {
		if s.param == "" {
			if s.literal != parts[i] {
				return nil, false
			}
			score[i] = true
			continue
		}
		if !s.re.MatchString(parts[i]) {
			return nil, false
		}
	}
	return score, true
}

// moreSpecific prefers the route whose first differing segment is a literal.
func moreSpecific(a, b []bool) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i]
		}
	}
	return false
}
