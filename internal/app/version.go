package app

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/parley-chat/parley/internal/config"
)

// versionID is VersionID computed for one configuration in force.
type versionID struct {
	cfg   *config.Config // the pointer App.Config returned
	build string
	id    string
}

// VersionID is "<version>.<build>.<client config hash>.<licensed>", the form
// clients expect in X-Version-Id and in the WebSocket hello's server_version.
// The hash covers every setting in force, so a change through the
// configuration API makes open clients fetch the client configuration again;
// it is computed once per configuration, not per request. The data source
// is left out: the header is public and must say nothing of its password.
func (a *App) VersionID() string {
	cfg := a.Config()
	if v := a.conf.version.Load(); v != nil && v.cfg == cfg && v.build == a.BuildNumber {
		return v.id
	}
	public := *cfg
	public.Database = ""
	js, _ := json.Marshal(public)
	sum := sha256.Sum256(append(js, a.BuildNumber...))
	id := MattermostVersion + "." + a.BuildNumber + "." + hex.EncodeToString(sum[:5]) + ".false"
	a.conf.version.Store(&versionID{cfg: cfg, build: a.BuildNumber, id: id})
	return id
}
