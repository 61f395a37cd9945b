package app

import (
	"context"
	"io"
	"net/http"
	"net/url"
)

// maxRedirectLocation is Mattermost's bound: a longer Location is not a link
// worth previewing.
const maxRedirectLocation = 2100

// RedirectLocation answers where a link redirects, for link previews: the
// Location of one HEAD request, not followed, sent through the guarded client
// (no internal addresses). Any failure, and link previews off, answer "", as
// Mattermost does, so that nothing about the target is told but that.
func (a *App) RedirectLocation(ctx context.Context, rawURL string) string {
	if !a.Config().EnableLinkPreviews {
		return ""
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	client := *a.httpClient()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, u.String(), nil)
	if err != nil {
		return ""
	}
	req.Header.Set("User-Agent", "Parley/"+MattermostVersion)
	resp, err := client.Do(req)
	if err != nil {
		a.log.DebugContext(ctx, "redirect location", "err", err)
		return ""
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	loc := resp.Header.Get("Location")
	if len(loc) >= maxRedirectLocation {
		return ""
	}
	return loc
}
