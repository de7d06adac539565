// Package store defines where insight records are kept: a small interface with an in-memory
// implementation for tests; the Worker keeps them in Workers KV (package kvstore).
package store

import (
	"context"
	"errors"
	"math"
	"strings"

	"github.com/usedinsight/usedinsight/internal/resource"
)

// Errors a Store returns. Any other error means the storage itself failed (the API answers 503).
var (
	ErrNotFound = errors.New("store: no such record")
	ErrExists   = errors.New("store: a record with this id exists")
	ErrBadToken = errors.New("store: malformed or foreign page token")
	// ErrBadQuery is a query whose order the collection does not have: a caller's bug.
	ErrBadQuery = errors.New("store: the collection has no such order")
	// ErrIDChanged is an Update whose change returned a record of another id: a caller's bug.
	ErrIDChanged = errors.New("store: an update changed the record's id")
)

// Space is one user's records of one collection. Spaces never see each other's records.
type Space struct {
	Collection *resource.Collection
	User       string
}

// Record is one stored insight: its JSON text and the values it is ordered and filtered by,
// which the caller derives from the JSON.
type Record struct {
	ID   string
	JSON []byte // the record as the API returns it, id included
	Keys Keys
}

// MaxOrders is the most orders a collection may have.
const MaxOrders = 2

// Keys are the values of a record that lists are ordered and filtered by.
type Keys struct {
	// Orders holds the value of each of the collection's Orders: TimeKey of a date-time
	// (MinTicks when absent or null), NumberKey of a number (MinNumber when absent).
	Orders [MaxOrders]int64
	// Fields holds the value of each of the collection's Filters, compared case-insensitively
	// ("" when absent or null).
	Fields [resource.MaxFilters]string
}

// MinTicks is the key of a missing date-time: it sorts before every real instant.
const MinTicks = -1 << 62

// MinNumber is the key of a missing number: it sorts before every finite number.
const MinNumber = math.MinInt64

// NumberKey maps a number to an int64 key with the same order: x < y exactly when
// NumberKey(x) < NumberKey(y). It takes the IEEE 754 bits, inverts the magnitude bits of
// negative numbers (so larger magnitudes sort lower), and keeps positive numbers' bits as
// they are; -0 is 0. Every finite number has a key above MinNumber, which only NaN would
// reach.
func NumberKey(x float64) int64 {
	if x == 0 {
		x = 0 // -0 is 0
	}
	b := int64(math.Float64bits(x))
	if b < 0 {
		b ^= math.MaxInt64 // flip the magnitude bits, keep the sign bit
	}
	return b
}

// Order is the index of one of the collection's Orders.
type Order uint8

// Filter restricts a list to records whose Fields equal the non-nil values,
// case-insensitively; index i is the collection's Filters[i].
type Filter [resource.MaxFilters]*string

// Match reports whether k passes the filter.
func (f Filter) Match(k Keys) bool {
	for i, want := range f {
		if want != nil && !strings.EqualFold(*want, k.Fields[i]) {
			return false
		}
	}
	return true
}

// Query selects one page of a space's records.
type Query struct {
	Order  Order
	Asc    bool // ascending; the default is highest (newest) first
	Filter Filter
	Top    int    // page size, at least 1 (less counts as 1)
	Token  string // where the page starts: "" for the first page, else a Page.Next
}

// Page is one page of a list, in order.
type Page struct {
	Records []Record
	Next    string // token of the next page; "" when this is the last
}

// Store keeps insight records per user and collection. Implementations are safe for
// concurrent use.
type Store interface {
	// Create stores a new record; ErrExists when the space has a record with that id.
	Create(ctx context.Context, sp Space, r Record) error
	// Get returns the space's record with the id, or ErrNotFound.
	Get(ctx context.Context, sp Space, id string) (Record, error)
	// Update reads the space's record with the id once, calls change with it and stores the
	// record change returns in its place; ErrNotFound, without calling change, when there is
	// none. When change fails, Update stores nothing and returns change's error as it is; when
	// change returns a record of another id, ErrIDChanged. change may run while the store holds
	// a lock, so it must not call the store. Two Updates of one record that run at the same
	// moment may both read the same version: the later write wins.
	Update(ctx context.Context, sp Space, id string, change func(old Record) (Record, error)) error
	// Delete removes the space's record with the id, or returns ErrNotFound.
	Delete(ctx context.Context, sp Space, id string) error
	// List returns one page of the space's records that pass q.Filter, in q's order; records
	// with equal keys are ordered by SortID(id), ascending, in either direction.
	// A page may hold fewer than q.Top records, even none, and still have a Next.
	// A token from another space or another order or filter, or not made under the store's
	// TokenKey, is ErrBadToken; an order the collection does not have is ErrBadQuery.
	List(ctx context.Context, sp Space, q Query) (Page, error)
	// Count returns how many of the space's records pass the filter.
	Count(ctx context.Context, sp Space, f Filter) (int, error)
}
