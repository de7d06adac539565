// Package insight validates and builds Microsoft Graph insight payloads (used, trending and
// shared items), by the rules of internal/resource.
//
// The same code runs natively, in the browser and in the Worker (both WebAssembly), so a payload
// the playground accepts is exactly a payload the server accepts. Validate checks the JSON and
// walks its members in one pass of jsoncheck.Reader; the stored record and the form's fields are
// read with gjson, and Build writes with sjson; nothing is unmarshalled into Go structs.
package insight

import "github.com/usedinsight/usedinsight/internal/resource"

// Limits of an insight payload.
const (
	MaxBodyBytes  = 64 << 10              // largest accepted body, in bytes
	MaxDepth      = 8                     // deepest nesting of objects and arrays
	MaxIDLen      = resource.MaxIDLen     // longest id, in characters
	MaxURLLen     = resource.MaxURLLen    // longest URL member, in characters
	MaxStringLen  = resource.MaxStringLen // longest other string member, in characters
	MaxProblems   = 100                   // problems reported before the rest are summed up in one
	TypeUsed      = "microsoft.graph.usedInsight"
	TypeUsage     = "microsoft.graph.usageDetails"
	TypeVisual    = "microsoft.graph.resourceVisualization"
	TypeReference = "microsoft.graph.resourceReference"
)

// Severity tells whether a problem blocks a create.
type Severity uint8

// The severities of a Problem.
const (
	Error   Severity = iota // the payload is rejected
	Warning                 // the payload is accepted; the value is probably not what was meant
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Problem is one thing wrong with a payload.
type Problem struct {
	Severity Severity
	Code     string // stable machine-readable code, such as "invalidDateTime"
	Path     string // JSON path of the member, such as "lastUsed.lastAccessedDateTime"; "" for the body
	Message  string // what is wrong, for a person
	Offset   int    // byte offset in the text where the offending value (or member name) starts
	Line     int    // 1-based line of Offset
	Column   int    // 1-based column of Offset, in UTF-16 code units as editors and JavaScript count
}

// Report is the outcome of Validate: every problem found, in the order of the text.
type Report struct {
	Problems []Problem
}

// Valid reports whether the payload has no errors (warnings do not count).
func (r Report) Valid() bool {
	for i := range r.Problems {
		if r.Problems[i].Severity == Error {
			return false
		}
	}
	return true
}
