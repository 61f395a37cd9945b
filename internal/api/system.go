package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/parley-chat/parley/internal/app"
	"github.com/parley-chat/parley/internal/config"
	"github.com/parley-chat/parley/internal/model"
)

func (h *Handler) systemRoutes() {
	h.get("/system/ping", h.ping, authOptional)
	h.get("/cluster/status", h.clusterStatus)
	h.get("/config/client", h.clientConfig, authOptional)
	h.get("/license/client", h.clientLicense, authOptional)
	// No user limit: Mattermost's load metric is 0 then.
	h.get("/license/load_metric", func(c *Context) error { return c.ok(map[string]int{"load": 0}) })
	h.get("/system/timezones", h.timezones)
	h.get("/redirect_location", h.redirectLocation, authTrusted)
	// Mattermost answers OK and has its system bot send a test message, which
	// reaches the device only through push or email. Parley has neither, so
	// there is nothing to send; the answer is the same.
	h.post("/notifications/test", func(c *Context) error { return c.statusOK() })
	h.post("/logs", h.clientLog, authOptional)
	// Client performance reports: Mattermost answers 200 with an empty body
	// when client metrics are off, as they are on Parley.
	h.post("/client_perf", func(c *Context) error { c.status = http.StatusOK; return nil }, authTrusted)
	h.get("/system/notices/{team_id}", func(c *Context) error { return c.ok([]any{}) })
	h.put("/system/notices/view", func(c *Context) error { return c.statusOK() })
	h.get("/plugins/webapp", func(c *Context) error { return c.ok([]any{}) })
	h.get("/plugins/statuses", func(c *Context) error { return c.ok([]any{}) })
	h.get("/system/onboarding/complete", func(c *Context) error { return c.ok(false) })
	h.get("/limits/server", h.serverLimits)

	h.post("/roles/names", h.rolesByNames, authTrusted)
	h.get("/roles/name/{role_name:name}", h.roleByName)
	h.get("/roles/{role_id}", h.roleByID)
}

// clusterStatus lists the cluster's nodes (Mattermost's ClusterInfo).
func (h *Handler) clusterStatus(c *Context) error {
	nodes, err := c.app.ClusterStatus(c.ctx, c.Session)
	if err != nil {
		return err
	}
	return c.ok(nodes)
}

func (h *Handler) ping(c *Context) error {
	if !c.app.ClusterJoined() {
		// A load balancer must not send clients to a node that is not (or no
		// longer) part of the cluster: its events would reach no one.
		return c.writeJSON(http.StatusServiceUnavailable, map[string]string{"status": "UNHEALTHY",
			"cluster_status": "UNHEALTHY"})
	}
	resp := map[string]string{"status": "OK", "AndroidLatestVersion": "", "AndroidMinVersion": "",
		"DesktopLatestVersion": "", "DesktopMinVersion": "", "IosLatestVersion": "", "IosMinVersion": "",
		"ActiveSearchBackend": "database"}
	if d := c.query("device_id"); d != "" {
		// A test push through the proxy, as Mattermost sends: "false" when
		// push is off, so the app does not believe notifications arrive.
		resp["CanReceiveNotifications"] = c.app.TestPush(c.ctx, d)
	}
	if c.query("get_server_status") != "" {
		dbStatus := "OK"
		if err := c.app.DatabaseStatus(c.ctx); err != nil {
			dbStatus = "UNHEALTHY"
			resp["status"] = "UNHEALTHY"
		}
		fsStatus := "OK"
		if err := c.app.FileStoreStatus(c.ctx); err != nil {
			c.h.log.WarnContext(c.ctx, "file store check failed", "err", err)
			fsStatus = "UNHEALTHY"
			resp["status"] = "UNHEALTHY"
		}
		resp["database_status"] = dbStatus
		resp["filestore_status"] = fsStatus
		c.w.Header().Set("database_status", dbStatus)
		c.w.Header().Set("filestore_status", fsStatus)
		if resp["status"] != "OK" && !isTrue(c.query("use_rest_semantics")) {
			return c.writeJSON(http.StatusInternalServerError, resp)
		}
	}
	return c.ok(resp)
}

// checkFormat applies the format=old rule of client config and license.
func checkFormat(c *Context, what string) error {
	switch c.query("format") {
	case "old":
		return nil
	case "":
		return model.NewAppError(http.StatusNotImplemented, "api."+what+".client.old_format.app_error",
			"New format for the client "+what+" is not supported yet. Please specify format=old in the query string.")
	default:
		return model.ErrInvalidBody("format")
	}
}

func (h *Handler) clientConfig(c *Context) error {
	if err := checkFormat(c, "config"); err != nil {
		return err
	}
	cfg := c.app.Config()
	n, err := c.app.UserCount(c.ctx)
	if err != nil {
		return err
	}
	b := strconv.FormatBool
	m := map[string]string{
		"Version": app.MattermostVersion, "BuildNumber": c.app.BuildNumber, "BuildDate": "", "BuildHash": c.app.BuildNumber,
		"BuildHashEnterprise": "none", "BuildEnterpriseReady": "false", "SiteURL": cfg.SiteURL, "SiteName": cfg.SiteName,
		"WebsocketURL": "", "WebsocketPort": "80", "WebsocketSecurePort": "443",
		"EnableUserCreation": b(cfg.EnableUserCreation), "EnableOpenServer": b(cfg.EnableOpenServer),
		"AndroidLatestVersion": "", "AndroidMinVersion": "", "DesktopLatestVersion": "", "DesktopMinVersion": "",
		"IosLatestVersion": "", "IosMinVersion": "", "EnableDiagnostics": "false", "DiagnosticsEnabled": "false",
		"DiagnosticId": "", "TelemetryId": "", "EnableSignUpWithEmail": b(cfg.EnableSignUpWithEmail),
		"EnableSignInWithEmail": "true", "EnableSignInWithUsername": "true", "EmailLoginButtonColor": "#0000",
		"EmailLoginButtonBorderColor": "#2389D7", "EmailLoginButtonTextColor": "#2389D7",
		"EnableSignUpWithGitLab": b(cfg.GitLabEnable), "EnableSignUpWithGoogle": b(cfg.GoogleEnable),
		"EnableSignUpWithOffice365": b(cfg.Office365Enable), "EnableSignUpWithOpenId": b(cfg.OpenIDEnable),
		"OpenIdButtonText": cfg.OpenIDButtonText, "OpenIdButtonColor": cfg.OpenIDButtonColor, "EnableLdap": b(cfg.LdapEnable), "LdapLoginFieldName": cfg.LdapLoginFieldName,
		"EnableSaml": b(cfg.SamlEnable), "SamlLoginButtonText": cfg.SamlLoginButtonText, "SamlLoginButtonColor": cfg.SamlLoginButtonColor,
		"SamlLoginButtonBorderColor": cfg.SamlLoginButtonBorderColor, "SamlLoginButtonTextColor": cfg.SamlLoginButtonTextColor,
		"EnableMultifactorAuthentication": b(cfg.EnableMFA), "EnforceMultifactorAuthentication": b(cfg.EnforceMFA),
		"ForgotPasswordLink":  "",
		"EnableGuestAccounts": b(cfg.GuestAccountsEnable), "TermsOfServiceLink": "", "PrivacyPolicyLink": "", "AboutLink": "",
		"HelpLink": "", "ReportAProblemLink": "", "SupportEmail": "", "EnableAskCommunityLink": "false",
		"DefaultClientLocale": "en", "AvailableLocales": "", "EnableCustomEmoji": b(cfg.EnableCustomEmoji), "AppDownloadLink": "",
		"AndroidAppDownloadLink": "", "IosAppDownloadLink": "", "HasImageProxy": "false", "PluginsEnabled": "false",
		"PasswordMinimumLength": strconv.Itoa(cfg.PasswordMinLength), "PasswordRequireLowercase": b(cfg.PasswordRequireLowercase),
		"PasswordRequireUppercase": b(cfg.PasswordRequireUppercase), "PasswordRequireNumber": b(cfg.PasswordRequireNumber),
		"PasswordRequireSymbol": b(cfg.PasswordRequireSymbol),
		"EnableCustomBrand":     "false", "CustomBrandText": "", "CustomDescriptionText": "",
		"EnableBotAccountCreation": b(cfg.EnableBotAccountCreation), "EnableFile": "false", "FileLevel": "ERROR", "CWSUrl": "",
		"NoAccounts": b(n == 0), "PasswordEnableForgotLink": b(cfg.MailEnabled()),
	}
	if err := termsConfig(c, m, cfg); err != nil {
		return err
	}
	if c.Session != nil {
		full := map[string]string{
			"TeammateNameDisplay": "username", "LockTeammateNameDisplay": "false", "RestrictDirectMessage": "any",
			"EnableUserDeactivation": b(cfg.EnableUserDeactivation), "EnableCustomUserStatuses": b(cfg.EnableCustomUserStatuses),
			"ExperimentalPrimaryTeam": "", "ExperimentalViewArchivedChannels": "true",
			"EnableIncomingWebhooks": b(cfg.EnableIncomingWebhooks), "EnableOutgoingWebhooks": b(cfg.EnableOutgoingWebhooks),
			"EnableCommands": b(cfg.EnableCommands), "EnablePostUsernameOverride": b(cfg.EnablePostUsernameOverride),
			"EnablePostIconOverride": b(cfg.EnablePostIconOverride),
			"EnableUserAccessTokens": b(cfg.EnableUserAccessTokens), "EnableLinkPreviews": b(cfg.EnableLinkPreviews),
			"EnableDeveloper": "false", "PostEditTimeLimit": strconv.Itoa(cfg.PostEditTimeLimitSec),
			"EnableTutorial": "false", "EnableSVGs": "false", "EnableLatex": "false",
			"ExtendSessionLengthWithActivity": "false", "ExperimentalTimezone": "true",
			"SendEmailNotifications": b(cfg.SendEmailNotifications), "SendPushNotifications": b(cfg.PushEnabled()),
			"RequireEmailVerification": b(cfg.RequireEmailVerification),
			"ShowEmailAddress":         b(cfg.ShowEmailAddress), "ShowFullName": b(cfg.ShowFullName),
			"EnableFileAttachments": b(cfg.EnableFileAttachments), "EnablePublicLink": "false", "EnableEmojiPicker": "true",
			"EnableGifPicker": "false", "MaxFileSize": strconv.FormatInt(cfg.MaxFileSize, 10), "MaxNotificationsPerChannel": "1000",
			"EnableConfirmNotificationsToChannel": "true", "TimeBetweenUserTypingUpdatesMilliseconds": "5000",
			"EnableUserTypingMessages": "true", "EnableChannelViewedMessages": "true", "EnableEmailInvitations": b(cfg.EnableEmailInvitations),
			"ExperimentalTownSquareIsReadOnly": "false", "EnableThemeSelection": "true", "DefaultTheme": "default",
			"AllowCustomThemes": "true", "EnableMobileFileDownload": b(cfg.EnableFileAttachments), "EnableMobileFileUpload": b(cfg.EnableFileAttachments),
			"CollapsedThreads": cfg.CollapsedThreads, "ThreadAutoFollow": b(cfg.ThreadAutoFollow), "PostPriority": "false", "MaxPostSize": strconv.Itoa(model.MaxPostRunes),
			"AllowPersistentNotifications":    "false",
			"UniqueEmojiReactionLimitPerPost": strconv.Itoa(app.MaxUniqueReactions),
			"FeatureFlagCollapsedThreads":     b(cfg.CollapsedThreads != config.CollapsedThreadsDisabled),
			"AllowSyncedDrafts":               b(cfg.AllowSyncedDrafts),
			// Licensed apps turn these on unless told not to; Parley has neither.
			"FeatureFlagChannelBookmarks":              "false",
			"FeatureFlagCustomProfileAttributes":       "false",
			"ScheduledPosts":                           "false",
			"EnableCustomGroups":                       b(cfg.EnableCustomGroups),
			"EnableTeamCreation":                       b(cfg.EnableTeamCreation),
			"ExperimentalEnableAuthenticationTransfer": "false",
			// The rest of what Mattermost's GenerateClientConfig gives a
			// logged-in user, with the values that are true of Parley.
			"SQLDriverName": sqlDriverName(cfg.Database), "ExperimentalEnablePostMetadata": "true",
			"ExperimentalEnableDefaultChannelLeaveJoinMessages": "true", "ExperimentalGroupUnreadChannels": "disabled",
			"EnableOAuthServiceProvider": "false", "GoogleDeveloperKey": "", "EnablePermalinkPreviews": "false",
			"EnableTesting": "false", "EnableClientPerformanceDebugging": "false", "EnablePreviewFeatures": "false",
			"EnableOnboardingFlow": "false", "EnableMarketplace": "false", "IsDefaultMarketplace": "true",
			"EnableInlineLatex": "false", "ManagedResourcePaths": "", "ExperimentalEnableAutomaticReplies": b(cfg.ExperimentalEnableAutomaticReplies),
			"EnableEmailBatching": b(cfg.EnableEmailBatching), "EnablePreviewModeBanner": "false", "EmailNotificationContentsType": "full",
			"GfycatApiKey": "", "GfycatApiSecret": "", "RunJobs": "true", "CWSURL": "", "CWSMock": "false",
			"DisableRefetchingOnBrowserFocus": "false", "EnableCompliance": "false", "LdapNicknameAttributeSet": b(ldapSet(cfg, cfg.LdapNicknameAttribute)),
			"LdapFirstNameAttributeSet": b(ldapSet(cfg, cfg.LdapFirstNameAttribute)), "LdapLastNameAttributeSet": b(ldapSet(cfg, cfg.LdapLastNameAttribute)),
			"LdapPictureAttributeSet": "false", "LdapPositionAttributeSet": b(ldapSet(cfg, cfg.LdapPositionAttribute)), "SamlFirstNameAttributeSet": b(samlSet(cfg, cfg.SamlFirstNameAttribute)),
			"SamlLastNameAttributeSet": b(samlSet(cfg, cfg.SamlLastNameAttribute)), "SamlNicknameAttributeSet": b(samlSet(cfg, cfg.SamlNicknameAttribute)),
			"SamlPositionAttributeSet": b(samlSet(cfg, cfg.SamlPositionAttribute)), "EnableBanner": "false",
			"BannerText": "", "BannerColor": "", "BannerTextColor": "", "AllowBannerDismissal": "false", "AllowedThemes": "",
			"CustomUrlSchemes": "", "ExperimentalSharedChannels": "false",
			"InsightsEnabled": "false", "AllowPersistentNotificationsForGuests": "false",
			"DelayChannelAutocomplete": "false",
		}
		for k, v := range full {
			m[k] = v
		}
	}
	return c.ok(m)
}

// ldapSet is the client config's Ldap*AttributeSet: the web app greys out
// the profile fields the directory owns.
func ldapSet(cfg *config.Config, attr string) bool { return cfg.LdapEnable && attr != "" }

// samlSet is the same for the fields the SAML identity provider owns.
func samlSet(cfg *config.Config, attr string) bool { return cfg.SamlEnable && attr != "" }

// sqlDriverName is the client config's SQLDriverName: Mattermost's name for
// PostgreSQL, else SQLite's driver name.
func sqlDriverName(database string) string {
	if strings.HasPrefix(database, "postgres://") || strings.HasPrefix(database, "postgresql://") {
		return "postgres"
	}
	return "sqlite3"
}

func (h *Handler) clientLicense(c *Context) error {
	if err := checkFormat(c, "license"); err != nil {
		return err
	}
	return c.ok(c.app.ClientLicense())
}

func (h *Handler) redirectLocation(c *Context) error {
	u := c.query("url")
	if u == "" {
		return model.ErrInvalidBody("url")
	}
	return c.ok(map[string]string{"location": c.app.RedirectLocation(c.ctx, u)})
}

func (h *Handler) timezones(c *Context) error { return c.ok(supportedTimezones) }

func (h *Handler) clientLog(c *Context) error {
	var body struct {
		Level   string `json:"level"`
		Message string `json:"message"`
	}
	if err := c.decode(&body, "log"); err != nil {
		return err
	}
	if len(body.Message) > 4096 {
		body.Message = body.Message[:4096]
	}
	h.log.InfoContext(c.ctx, "client log", "level", body.Level, "message", body.Message)
	return c.ok(body)
}

func (h *Handler) serverLimits(c *Context) error {
	if !c.app.IsAdmin(c.Session) {
		return model.ErrForbidden()
	}
	n, err := c.app.UserCount(c.ctx)
	if err != nil {
		return err
	}
	return c.ok(map[string]any{"activeUserCount": n, "maxUsersLimit": 0, "maxUsersHardLimit": 0})
}

func (h *Handler) rolesByNames(c *Context) error {
	var names []string
	if err := c.decode(&names, "role_names"); err != nil {
		return err
	}
	if len(names) > 100 {
		return model.ErrInvalidBody("role_names")
	}
	return c.ok(c.app.Roles(names))
}

func (h *Handler) roleByName(c *Context) error {
	r, err := c.app.Role(c.param("role_name"))
	if err != nil {
		return err
	}
	return c.ok(r)
}

func (h *Handler) roleByID(c *Context) error {
	id, err := c.idParam("role_id")
	if err != nil {
		return err
	}
	r, err := c.app.Role(id)
	if err != nil {
		return err
	}
	return c.ok(r)
}

// supportedTimezones is a representative list of IANA zones for the manual
// timezone picker.
var supportedTimezones = []string{
	"UTC", "Africa/Cairo", "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi", "America/Anchorage",
	"America/Argentina/Buenos_Aires", "America/Bogota", "America/Chicago", "America/Denver", "America/Halifax",
	"America/Los_Angeles", "America/Mexico_City", "America/New_York", "America/Phoenix", "America/Sao_Paulo",
	"America/St_Johns", "America/Toronto", "America/Vancouver", "Asia/Bangkok", "Asia/Dhaka", "Asia/Dubai",
	"Asia/Hong_Kong", "Asia/Jakarta", "Asia/Jerusalem", "Asia/Karachi", "Asia/Kathmandu", "Asia/Kolkata",
	"Asia/Manila", "Asia/Seoul", "Asia/Shanghai", "Asia/Singapore", "Asia/Taipei", "Asia/Tehran", "Asia/Tokyo",
	"Atlantic/Azores", "Atlantic/Reykjavik", "Australia/Adelaide", "Australia/Brisbane", "Australia/Perth",
	"Australia/Sydney", "Europe/Amsterdam", "Europe/Athens", "Europe/Berlin", "Europe/Brussels", "Europe/Dublin",
	"Europe/Helsinki", "Europe/Istanbul", "Europe/Lisbon", "Europe/London", "Europe/Madrid", "Europe/Moscow",
	"Europe/Paris", "Europe/Prague", "Europe/Rome", "Europe/Stockholm", "Europe/Vienna", "Europe/Warsaw",
	"Europe/Zurich", "Pacific/Auckland", "Pacific/Honolulu",
}
