// Package resource describes, once, the insight resources the service serves: Microsoft Graph's
// used, trending and shared insights, their members and the rules their values follow, and how
// their collections are listed (orders and filters).
//
// Everything that knows a resource's shape reads it from here: the validator and builder, the
// stored records' order and filter keys, $metadata, the OpenAPI description and the playground's
// forms (through a generated JavaScript copy). A new collection is a new Collection value here,
// plus its tests.
package resource

import "strings"

// Limits shared by every resource.
const (
	MaxIDLen     = 512  // longest id, in characters
	MaxURLLen    = 2048 // longest URL member, in characters
	MaxStringLen = 4096 // longest other string member, in characters
	Namespace    = "microsoft.graph"
)

// Kind is what a member's value must be.
type Kind uint8

// The kinds of member values.
const (
	Object   Kind = iota // an object of the member's Type
	Array                // an array of objects of the member's Type, at most MaxItems
	String               // a string of at most MaxStringLen characters
	URL                  // an absolute http or https URL with a host, at most MaxURLLen characters
	DateTime             // an Edm.DateTimeOffset: YYYY-MM-DDThh:mm[:ss[.f{1,7}]](Z|±hh:mm)
	ID                   // an entity id: 1 to MaxIDLen characters of A-Z a-z 0-9 - _ . ~
	Number               // an Edm.Double: a finite JSON number, or a string holding one
)

var kindNames = [...]string{Object: "object", Array: "array", String: "string", URL: "url",
	DateTime: "dateTime", ID: "id", Number: "number"}

// String returns the kind's name as the generated JavaScript description writes it: "object",
// "array", "string", "url", "dateTime", "id" or "number".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Check is a rule on a string value whose breach is a warning, not an error: the value is
// stored, but is probably not what was meant.
type Check uint8

// The warning checks.
const (
	NoCheck   Check = iota
	OneOf           // the value is one of the member's Values, compared case-insensitively
	MediaType       // the value is a media type, type/subtype (RFC 6838 names), with optional parameters
)

// Member is the rule for one member of an object type.
type Member struct {
	Name     string
	Kind     Kind
	Type     *Type // the members' type, for Object and Array
	Required bool  // must be present and not null
	NotNull  bool  // may be absent but never null (Graph's Nullable="false")
	MaxItems int   // for Array: the most elements allowed
	// NeedsOneOf, for Object: the object must hold at least one of these members, non-empty.
	NeedsOneOf []string
	Check      Check    // the warning check of a String member
	Values     []string // for Check OneOf: the documented values
	// WarnCode is the problem code of a breached Check.
	WarnCode string
	// Doc says what the member holds, in the words of Graph's documentation.
	Doc string
}

// Type is an entity or complex type of the microsoft.graph namespace.
type Type struct {
	Name    string // the type's name without namespace, such as "usedInsight"
	Entity  bool   // an entity type (with key id), not a complex type
	Members []Member
	Doc     string
}

// FullName is the type's qualified name, as @odata.type names it: "microsoft.graph.usedInsight".
func (t *Type) FullName() string { return Namespace + "." + t.Name }

// Member returns the member called name, or nil.
func (t *Type) Member(name string) *Member {
	for i := range t.Members {
		if t.Members[i].Name == name {
			return &t.Members[i]
		}
	}
	return nil
}

// Order is a member a collection's lists can be ordered by ($orderby).
type Order struct {
	// Name is the property path as $orderby writes it, such as "LastUsed/LastAccessedDateTime";
	// clients may write it in any letter case.
	Name string
	// Path is the JSON path of the member, such as "lastUsed.lastAccessedDateTime".
	Path string
	Kind Kind // DateTime or Number
}

// Filter is a string member a collection's lists can be filtered on with $filter eq, compared
// case-insensitively.
type Filter struct {
	// Name is the property path as $filter writes it, such as "ResourceVisualization/Type";
	// clients may write it in any letter case.
	Name string
	// Path is the JSON path of the member, such as "resourceVisualization.type".
	Path string
}

// MaxFilters is the most filterable members a collection has.
const MaxFilters = 3

// Collection is one collection of a user's insights, such as /me/insights/used.
type Collection struct {
	Name string // the path segment: "used", "trending" or "shared"
	Type *Type  // the entity type of its items
	// Orders lists what lists may be ordered by; the first is the default, descending.
	Orders []Order
	// Filters lists what lists may be filtered on, at most MaxFilters.
	Filters []Filter
	// Noun names one item in messages, such as "used insight".
	Noun string
}

// Lookup returns the collection called name ("used", "trending" or "shared"), or nil.
func Lookup(name string) *Collection {
	for _, c := range Collections {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// LookupType returns the entity type of a collection by its name or full name, with or
// without a leading "#" ("usedInsight", "#microsoft.graph.trending"), or nil.
func LookupType(name string) *Collection {
	name = strings.TrimPrefix(strings.TrimPrefix(name, "#"), Namespace+".")
	for _, c := range Collections {
		if c.Type.Name == name {
			return c
		}
	}
	return nil
}
