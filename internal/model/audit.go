package model

// Audit is one entry of the audit log: who did what to whom, and whether it worked.
type Audit struct {
	ID         string `json:"id"`
	CreateAt   int64  `json:"create_at"`
	ActorID    string `json:"actor_id"` // user id; empty for the command line and the server itself
	Action     string `json:"action"`
	TargetType string `json:"target_type"`
	TargetID   string `json:"target_id"`
	IPAddress  string `json:"ip_address"`
	SessionID  string `json:"session_id"`
	Success    bool   `json:"success"`
	Details    string `json:"details"`
}

// Audit actions.
const (
	AuditLogin               = "user.login"
	AuditLoginFailed         = "user.login_failed"
	AuditUserCreate          = "user.create"
	AuditUserActivate        = "user.activate"
	AuditUserDeactivate      = "user.deactivate"
	AuditUserDelete          = "user.delete"
	AuditUserAnonymize       = "user.anonymize"
	AuditUserOffboard        = "user.offboard"
	AuditUserExport          = "user.export"
	AuditUserPassword        = "user.password"
	AuditUserUpdate          = "user.update"
	AuditRoleChange          = "user.roles"
	AuditTeamCreate          = "team.create"
	AuditTeamArchive         = "team.archive"
	AuditTeamRestore         = "team.restore"
	AuditTeamDelete          = "team.delete"
	AuditTeamUpdate          = "team.update"
	AuditTeamMemberAdd       = "team.member_add"
	AuditTeamMemberRemove    = "team.member_remove"
	AuditChannelCreate       = "channel.create"
	AuditChannelArchive      = "channel.archive"
	AuditChannelRestore      = "channel.restore"
	AuditChannelDelete       = "channel.delete"
	AuditChannelUpdate       = "channel.update"
	AuditChannelMove         = "channel.move"
	AuditChannelMemberAdd    = "channel.member_add"
	AuditChannelMemberRemove = "channel.member_remove"
	AuditConfigChange        = "config.set"
	AuditEmojiAdd            = "emoji.add"
	AuditEmojiDelete         = "emoji.delete"
	AuditRetentionRun        = "retention.run"
	AuditRetentionPolicy     = "retention.policy"
	AuditComplianceExport    = "compliance.export"
	AuditLegalHoldCreate     = "legal_hold.create"
	AuditLegalHoldUpdate     = "legal_hold.update"
	AuditLegalHoldRelease    = "legal_hold.release"
	AuditLegalHoldExport     = "legal_hold.export"
	AuditAuditExport         = "audit.export"

	AuditTermsOfServiceCreate  = "terms_of_service.create"
	AuditTermsOfServiceAccept  = "terms_of_service.accept"
	AuditTermsOfServiceDecline = "terms_of_service.decline"
)
