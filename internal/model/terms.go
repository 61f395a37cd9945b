package model

// TermsOfService is one version of the custom terms of service users must
// accept; the newest is the one in force.
type TermsOfService struct {
	ID       string `json:"id"`
	CreateAt int64  `json:"create_at"`
	UserID   string `json:"user_id"`
	Text     string `json:"text"`
}

// MaxTermsOfServiceRunes is the longest text a version may have: Mattermost's
// PostMessageMaxRunesV2.
const MaxTermsOfServiceRunes = 16383

// UserTermsOfService records that a user accepted a version, and when.
type UserTermsOfService struct {
	UserID           string `json:"user_id"`
	TermsOfServiceID string `json:"terms_of_service_id"`
	CreateAt         int64  `json:"create_at"`
}
