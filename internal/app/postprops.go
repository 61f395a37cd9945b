package app

import "github.com/parley-chat/parley/internal/model"

// serverOnlyProps are post props only the server sets: they make a post look
// like it came from a webhook, bot or plugin, or under another name and
// picture. A member who could set them could impersonate anyone.
var serverOnlyProps = [...]string{"from_webhook", "from_bot", "from_plugin", "override_username",
	"override_icon_url", "override_icon_emoji", "webhook_display_name"}

// guardServerProps makes next carry exactly the server-only props of prev
// (nil for a new post), unless s belongs to a system admin, who may set them
// as in Mattermost.
func (a *App) guardServerProps(s *model.Session, prev, next map[string]any) {
	if next == nil || a.IsAdmin(s) {
		return
	}
	for _, k := range serverOnlyProps {
		if v, ok := prev[k]; ok {
			next[k] = v
		} else {
			delete(next, k)
		}
	}
}
