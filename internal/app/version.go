package app

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"

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
// Licensed is true because GET /license/client answers Parley's licence of
// itself (see ClientLicense). The hash covers every setting in force, so a
// change through the configuration API makes open clients fetch the client
// configuration again;
// it is computed once per configuration, not per request. The data source
// is left out: the header is public and must say nothing of its password.
func (a *App) VersionID() string {
	cfg := a.Config()
	if v := a.conf.version.Load(); v != nil && v.cfg == cfg && v.build == a.BuildNumber {
		return v.id
	}
	public := *cfg
	public.Database = ""
	// Every node of a cluster gives the same id, so that a client moving to
	// another node does not take it for a configuration change.
	public.NodeName = ""
	js, _ := json.Marshal(public)
	sum := sha256.Sum256(append(js, a.BuildNumber...))
	// A dot in the build (git describe's v1.4.0) would shift the fields apps split on.
	build := strings.ReplaceAll(a.BuildNumber, ".", "_")
	id := MattermostVersion + "." + build + "." + hex.EncodeToString(sum[:5]) + ".true"
	a.conf.version.Store(&versionID{cfg: cfg, build: a.BuildNumber, id: id})
	return id
}

// ClientLicense is Parley's licence of itself, in the shape of Mattermost's
// GET /license/client?format=old: licensed, with a feature set to true only
// where Parley serves that feature, so that apps turn on what Parley offers
// and leave off (and do not call) what it does not.
func (a *App) ClientLicense() map[string]string {
	cfg := a.Config()
	on := map[string]bool{
		"MFA":            cfg.EnableMFA,
		"LDAP":           cfg.LdapEnable,
		"GuestAccounts":  cfg.GuestAccountsEnable,
		"SAML":           cfg.SamlEnable,
		"OpenId":         cfg.OpenIDEnable || cfg.GitLabEnable,
		"GoogleOAuth":    cfg.GoogleEnable,
		"Office365OAuth": cfg.Office365Enable,
		"Cluster":        true, // nodes share PostgreSQL and NATS
		"Metrics":        true, // Prometheus
		// Compliance exports (docs/compliance.md).
		"MessageExport": true,
		// Data retention policies (GET /data_retention/policy and the rest).
		"DataRetention": true,
		// Custom terms of service (docs/compliance.md).
		"CustomTermsOfService": cfg.CustomTermsOfServiceEnabled,
	}
	lic := map[string]string{"IsLicensed": "true", "IsTrial": "false", "IsGovSku": "false",
		"Id": "parley", "SkuName": "Parley", "SkuShortName": "parley",
		"Name": "", "Email": "", "Company": ""}
	for _, f := range []string{"LDAP", "LDAPGroups", "MFA", "GoogleOAuth", "Office365OAuth", "OpenId", "Compliance",
		"Cluster", "Metrics", "MHPNS", "SAML", "Elasticsearch", "Announcement", "ThemeManagement", "EmailNotificationContents",
		"DataRetention", "MessageExport", "CustomPermissionsSchemes", "CustomTermsOfService", "GuestAccounts",
		"GuestAccountsPermissions", "IDLoadedPushNotifications", "LockTeammateNameDisplay", "EnterprisePlugins",
		"AdvancedLogging", "Cloud", "SharedChannels", "RemoteClusterService", "OutgoingOAuthConnections"} {
		lic[f] = strconv.FormatBool(on[f])
	}
	return lic
}
