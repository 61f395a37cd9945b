// Package store defines what Parley keeps and how the app layer asks for it.
// The SQL backends live in store/sqlstore; the tests in store/storetest,
// written against Store, run every method on SQLite and PostgreSQL.
package store

import (
	"context"
	"errors"
)

var (
	// ErrNotFound means no row matched.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a unique constraint refused the write.
	ErrConflict = errors.New("already exists")
)

// Store is everything the app layer may ask of storage.
type Store interface {
	UserStore
	SessionStore
	TeamStore
	ChannelStore
	PostStore
	ReactionStore
	PreferenceStore
	StatusStore
	SystemStore
	AdminStore
	SearchStore
	FileStore
	EmojiStore
	IntegrationStore
	CommandWebhookStore
	ImportStore
	JobStore
	SecurityStore
	UploadStore
	DraftStore
	MailStore
	PushStore
	ComplianceStore
	ThreadStore
	RetentionStore
	GroupStore
	TermsOfServiceStore
	SidebarStore

	// Tx runs fn in one transaction: all of its writes land, or none.
	Tx(ctx context.Context, fn func(tx Store) error) error
	// PostTx is Tx for the transaction that saves a post in the channel. On
	// PostgreSQL the post transactions of one channel are group-committed: they
	// all wait on the channel's row lock, and would otherwise pay one WAL flush
	// each, one after the other.
	PostTx(ctx context.Context, channelID string, fn func(tx Store) error) error
	// AfterCommit runs fn once the transaction this store is bound to has
	// committed, and never if it rolls back; outside a transaction it runs fn
	// at once. Hooks run in the order given, on the goroutine that called Tx,
	// before Tx returns. Events about a change are published this way, so that
	// no client hears of a change that is undone, or before it can read it.
	AfterCommit(fn func())
	// LagTolerant returns the store for a read that may lag the primary by a
	// read replica's delay (SqlSettings.DataSourceReplicas): bound to a
	// replica that is up, or the store itself without one. Only reads go
	// through it, never a read that must see a write just made; see
	// docs/cluster.md for the list.
	LagTolerant() Store
	// Ping checks the database is reachable.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
	// DriverName is "sqlite" or "postgres".
	DriverName() string
}

// Page is an offset window over a sorted list.
type Page struct {
	Offset int
	Limit  int
}

// SystemStore keeps server-wide key/value facts (e.g. the diagnostic id).
type SystemStore interface {
	GetSystem(ctx context.Context, name string) (string, error)
	SetSystem(ctx context.Context, name, value string) error
}
