package model

// Status of a queued mail.
const (
	MailPending = "pending" // waiting for its next attempt
	MailSent    = "sent"    // claimed for sending; never sent again
	MailFailed  = "failed"  // given up on
)

// QueuedMail is one outgoing message in the database queue.
type QueuedMail struct {
	ID            string
	CreateAt      int64
	To            string
	Subject       string
	Text          string
	HTML          string
	Status        string
	Attempts      int
	NextAttemptAt int64
	UpdateAt      int64
	LastError     string
	// ListUnsubscribe is the one-click unsubscribe URL of a notification mail.
	ListUnsubscribe string
}

// Token types, as Mattermost names them.
const (
	TokenTypePasswordRecovery = "password_recovery"
	TokenTypeVerifyEmail      = "verify_email"
	// A SAML AuthnRequest and an assertion already answered and accepted
	// (a second answer or a replay is refused); neither has a user.
	TokenTypeSAMLRequest    = "saml_request"
	TokenTypeSAMLAssertion  = "saml_assertion"
	TokenTypeTeamInvitation = "team_invitation"
)

// Token lifetimes, as Mattermost's (model.PasswordRecoverExpiryTime and
// model.MaxTokenExipryTime), in milliseconds.
const (
	PasswordRecoverExpiryTime = 1000 * 60 * 60 * 24
	VerifyEmailExpiryTime     = 1000 * 60 * 60 * 48
	InvitationExpiryTime      = 1000 * 60 * 60 * 48
)

// TokenSize is the length of a token handed out in a link (Mattermost's).
const TokenSize = 64

// Token is a single-use secret sent by mail. Only its hash is stored: someone
// who reads the database cannot use a pending token.
type Token struct {
	Hash     string
	Type     string
	CreateAt int64
	UserID   string
	// Email is the address the token was sent to; it must still be the
	// user's when the token is used (for an invitation: the invitee).
	Email string
	// TeamID is the team an invitation is to; UserID is then its sender.
	TeamID string
}

// DigestItem is one notification waiting for a member's next digest mail
// (email batching): its part of the mail, already written.
type DigestItem struct {
	ID        string
	UserID    string
	CreateAt  int64
	SendAfter int64 // the digest is due once its oldest item's SendAfter passed
	ChannelID string
	Text      string
	HTML      string
	// Seen: the member has read the channel since (not stored; the store
	// works it out when it lists the items).
	Seen bool
}
