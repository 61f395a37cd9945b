package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/html"

	"github.com/parley-chat/parley/internal/model"
)

// maxPreviewBody bounds what is read of a page: OpenGraph tags live in the
// head, and a link to a huge file must not cost memory.
const maxPreviewBody = 512 << 10

// fetchPreview reads the OpenGraph tags of link, stores them (an empty record
// when the page has none or cannot be fetched, so it is not retried for every
// post) and tells the post's channel.
func (a *App) fetchPreview(ctx context.Context, postID, link string) {
	if have, err := a.store.LinkMetadata(ctx, []string{link}); err == nil && have[link] != nil && len(have[link]) > 0 {
		a.publishPreview(ctx, postID)
		return
	}
	og, err := a.fetchOpenGraph(ctx, link)
	if err != nil {
		a.log.InfoContext(ctx, "link preview not fetched", "url", link, "err", err)
	}
	var data []byte
	if og != nil {
		data, _ = json.Marshal(og)
	}
	if err := a.store.SaveLinkMetadata(ctx, link, model.Now(), data); err != nil {
		a.log.WarnContext(ctx, "link preview not saved", "url", link, "err", err)
		return
	}
	if og != nil {
		a.publishPreview(ctx, postID)
	}
}

func (a *App) fetchOpenGraph(ctx context.Context, link string) (*model.OpenGraph, error) {
	resp, err := a.callIntegration(ctx, "link_preview", true, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "text/html")
		return req, nil
	})
	if err != nil {
		return nil, err
	}
	if resp.Status != http.StatusOK || !strings.Contains(resp.ContentType, "html") {
		return nil, nil
	}
	body := resp.Body
	if len(body) > maxPreviewBody {
		body = body[:maxPreviewBody]
	}
	return parseOpenGraph(strings.NewReader(string(body)), link), nil
}

// parseOpenGraph reads og:* meta tags (falling back to <title> and the
// description meta tag). Image URLs are resolved against the page and kept
// only when http(s): the client loads them, not the server.
func parseOpenGraph(r io.Reader, link string) *model.OpenGraph {
	base, _ := url.Parse(link)
	og := &model.OpenGraph{URL: link}
	z := html.NewTokenizer(r)
	var title, desc string
	inTitle := false
	finish := func() *model.OpenGraph {
		if og.Title == "" {
			og.Title = truncateRunes(strings.TrimSpace(title), 300)
		}
		if og.Description == "" {
			og.Description = desc
		}
		if og.Title == "" && og.Description == "" && len(og.Images) == 0 {
			return nil
		}
		return og
	}
	for {
		switch z.Next() {
		case html.ErrorToken:
			return finish()
		case html.StartTagToken, html.SelfClosingTagToken:
			tn, hasAttr := z.TagName()
			switch string(tn) {
			case "title":
				inTitle = true
			case "body":
				// Everything OpenGraph defines is in the head.
				return finish()
			case "meta":
				var prop, content string
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					switch strings.ToLower(string(k)) {
					case "property", "name":
						prop = strings.ToLower(string(v))
					case "content":
						content = strings.TrimSpace(string(v))
					}
				}
				applyMeta(og, base, prop, content, &desc)
			}
		case html.TextToken:
			if inTitle && title == "" {
				title = string(z.Text())
			}
		case html.EndTagToken:
			inTitle = false
		}
	}
}

func applyMeta(og *model.OpenGraph, base *url.URL, prop, content string, desc *string) {
	if content == "" {
		return
	}
	content = truncateRunes(content, 1000)
	switch prop {
	case "og:title":
		og.Title = content
	case "og:description":
		og.Description = content
	case "description":
		*desc = content
	case "og:site_name":
		og.SiteName = content
	case "og:type":
		og.Type = content
	case "og:image", "og:image:url", "og:image:secure_url":
		u, err := base.Parse(content)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || len(og.Images) >= 4 {
			return
		}
		og.Images = append(og.Images, &model.OpenGraphItem{URL: u.String()})
	}
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// publishPreview sends the post again with its preview, so open clients show it.
func (a *App) publishPreview(ctx context.Context, postID string) {
	p, err := a.store.GetPost(ctx, postID)
	if err != nil || p.DeleteAt > 0 {
		return
	}
	out, err := a.preparePost(ctx, p)
	if err != nil {
		return
	}
	a.publish(ctx, model.NewEvent(model.EventPostEdited, model.Broadcast{ChannelID: p.ChannelID},
		map[string]any{"post": model.JSONString(out)}))
}

// addEmbeds fills metadata.embeds: the stored preview of each post's first
// link, and a message_attachment entry for posts with attachments.
func (a *App) addEmbeds(ctx context.Context, l *model.PostList) error {
	links := map[string]string{}
	var urls []string
	for id, p := range l.Posts {
		if p.DeleteAt > 0 {
			continue
		}
		if _, ok := p.Props[model.PropAttachments]; ok {
			p.Metadata.Embeds = append(p.Metadata.Embeds, &model.PostEmbed{Type: "message_attachment"})
			continue
		}
		if link := model.FirstLink(p.Message); link != "" {
			links[id] = link
			urls = append(urls, link)
		}
	}
	if len(urls) == 0 {
		return nil
	}
	stored, err := a.store.LinkMetadata(ctx, urls)
	if err != nil {
		return model.ErrInternal(err)
	}
	for id, link := range links {
		data := stored[link]
		if len(data) == 0 {
			continue
		}
		var og model.OpenGraph
		if json.Unmarshal(data, &og) != nil {
			continue
		}
		l.Posts[id].Metadata.Embeds = append(l.Posts[id].Metadata.Embeds,
			&model.PostEmbed{Type: "opengraph", URL: link, Data: &og})
	}
	return nil
}
