package model

// Job is a background task as API v4 reports it (GET /api/v4/jobs/{id}).
type Job struct {
	ID             string    `json:"id"`
	Type           string    `json:"type"`
	Priority       int64     `json:"priority"`
	CreateAt       int64     `json:"create_at"`
	StartAt        int64     `json:"start_at"`
	LastActivityAt int64     `json:"last_activity_at"`
	Status         string    `json:"status"`
	Progress       int64     `json:"progress"`
	Data           StringMap `json:"data"`
}

// Job types and statuses, as Mattermost names them.
const (
	JobTypeImportProcess = "import_process"
	JobTypeExportProcess = "export_process"
	// JobTypeMessageExport is the compliance export (MessageExportSettings).
	JobTypeMessageExport = "message_export"
	JobTypeLdapSync      = "ldap_sync"

	JobStatusPending         = "pending"
	JobStatusInProgress      = "in_progress"
	JobStatusSuccess         = "success"
	JobStatusError           = "error"
	JobStatusCancelRequested = "cancel_requested"
	JobStatusCanceled        = "canceled"
)
