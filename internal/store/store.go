// Package store defines where usedInsight records are kept: a small interface with an in-memory
// implementation for tests; the Worker keeps them in Workers KV (package kvstore).
package store

import (
	"context"
	"errors"
	"strings"
)

// Errors a Store returns. Any other error means the storage itself failed (the API answers 503).
var (
	ErrNotFound = errors.New("store: no such record")
	ErrExists   = errors.New("store: a record with this id exists")
	ErrBadToken = errors.New("store: malformed or foreign page token")
)

// Record is one stored usedInsight: its JSON text and the values it is ordered and filtered by,
// which the caller derives from the JSON (see insight.Keys).
type Record struct {
	ID   string
	JSON []byte // the record as the API returns it, id included
	Keys Keys
}

// Keys are the values of a record that lists are ordered and filtered by.
type Keys struct {
	Accessed int64 // lastUsed.lastAccessedDateTime in 100 ns ticks since 0001-01-01T00:00:00Z
	Modified int64 // lastUsed.lastModifiedDateTime likewise; MinTicks when absent or null
	// Filterable strings, compared case-insensitively: resourceVisualization.type,
	// resourceVisualization.containerType and resourceReference.type ("" when absent or null).
	Type, ContainerType, ReferenceType string
}

// MinTicks is the tick value of a missing date-time: it sorts before every real instant.
const MinTicks = -1 << 62

// Order names the member a list is ordered by.
type Order uint8

// The orders a list supports.
const (
	ByAccessed Order = iota // lastUsed.lastAccessedDateTime
	ByModified              // lastUsed.lastModifiedDateTime
)

// Filter restricts a list to records whose keys equal the non-nil values, case-insensitively.
type Filter struct {
	Type, ContainerType, ReferenceType *string
}

// Match reports whether k passes the filter.
func (f Filter) Match(k Keys) bool {
	return eq(f.Type, k.Type) && eq(f.ContainerType, k.ContainerType) && eq(f.ReferenceType, k.ReferenceType)
}

func eq(want *string, got string) bool { return want == nil || strings.EqualFold(*want, got) }

// Query selects one page of a user's records.
type Query struct {
	Order  Order
	Asc    bool // ascending; the default is newest first
	Filter Filter
	Top    int    // page size, at least 1 (less counts as 1)
	Token  string // where the page starts: "" for the first page, else a Page.Next
}

// Page is one page of a list, in order.
type Page struct {
	Records []Record
	Next    string // token of the next page; "" when this is the last
}

// Store keeps usedInsight records per user. Users never see each other's records.
// Implementations are safe for concurrent use.
type Store interface {
	// Create stores a new record; ErrExists when the user has a record with that id.
	Create(ctx context.Context, user string, r Record) error
	// Get returns the user's record with the id, or ErrNotFound.
	Get(ctx context.Context, user, id string) (Record, error)
	// Replace overwrites the user's existing record with r.ID, or returns ErrNotFound.
	Replace(ctx context.Context, user string, r Record) error
	// Delete removes the user's record with the id, or returns ErrNotFound.
	Delete(ctx context.Context, user, id string) error
	// List returns one page of the user's records that pass q.Filter, in q's order; records
	// with equal instants are ordered by SortID(id), ascending, in either direction.
	// A page may hold fewer than q.Top records, even none, and still have a Next.
	// A token from another user or another order or filter, or not made under the store's
	// TokenKey, is ErrBadToken.
	List(ctx context.Context, user string, q Query) (Page, error)
	// Count returns how many of the user's records pass the filter.
	Count(ctx context.Context, user string, f Filter) (int, error)
}
