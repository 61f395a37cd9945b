package app

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// VersionID is "<version>.<build>.<client config hash>.<licensed>", the form
// clients expect in X-Version-Id and in the WebSocket hello's server_version.
// Licensed is true because GET /license/client answers Parley's licence of
// itself (see ClientLicense).
func (a *App) VersionID() string {
	cfg := a.Config()
	sum := sha256.Sum256([]byte(cfg.SiteURL + cfg.SiteName + a.BuildNumber))
	// A dot in the build (git describe's v1.4.0) would shift the fields apps split on.
	build := strings.ReplaceAll(a.BuildNumber, ".", "_")
	return MattermostVersion + "." + build + "." + hex.EncodeToString(sum[:5]) + ".true"
}
