package ws

import (
	"net/http"
	"net/url"
	"strings"
)

// originAllowed guards against cross-site WebSocket hijacking: a page on
// another site could otherwise open a socket that the browser authenticates
// with the MMAUTHTOKEN cookie and read the user's events. A browser always
// sends Origin on an upgrade; it must be the site URL (scheme and host) when
// one is configured, else the host the request was sent to. Non-browser
// clients send no Origin and authenticate with a token, which a foreign page
// cannot read, so they are accepted.
func originAllowed(r *http.Request, siteURL string) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	o, err := url.Parse(origin)
	if err != nil || o.Host == "" {
		return false
	}
	if siteURL != "" {
		site, err := url.Parse(siteURL)
		return err == nil && strings.EqualFold(o.Scheme, site.Scheme) && strings.EqualFold(o.Host, site.Host)
	}
	return strings.EqualFold(o.Host, r.Host)
}
