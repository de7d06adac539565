// The validator reads the payload with jsoncheck.Reader, not gjson as the rest of the package
// does: the reader is the syntax check itself, so one pass over the text both checks the JSON
// and walks the members, where a syntax check and then gjson's ForEach took about two and a half
// (ForEach passes over a nested object to find its end, then again to walk it). The reader also
// gives every token's offset and the line it is on, for the problems' positions, and names
// without escapes as views of the text, so that a payload without problems allocates nothing.
// Escaped strings are still decoded by gjson, so that they read as everywhere else.

package insight

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/tidwall/gjson"
	"github.com/usedinsight/usedinsight/internal/clip"
	"github.com/usedinsight/usedinsight/internal/jsoncheck"
)

// Problem codes. They are stable: clients may match on them.
const (
	CodeBodyTooLarge      = "bodyTooLarge"
	CodeEmptyBody         = "emptyBody"
	CodeInvalidJSON       = "invalidJson"
	CodeTruncatedJSON     = "truncatedJson"
	CodeInvalidUTF8       = "invalidUtf8"
	CodeControlCharacter  = "controlCharacter"
	CodeNestingTooDeep    = "nestingTooDeep"
	CodeTrailingData      = "trailingData"
	CodeByteOrderMark     = "byteOrderMark"
	CodeNotAnObject       = "notAnObject"
	CodeDuplicateMember   = "duplicateMember"
	CodeUnknownMember     = "unknownMember"
	CodeMissingMember     = "missingMember"
	CodeWrongType         = "wrongType"
	CodeInvalidODataType  = "invalidODataType"
	CodeInvalidID         = "invalidId"
	CodeInvalidDateTime   = "invalidDateTime"
	CodeInvalidURL        = "invalidUrl"
	CodeTooLong           = "tooLong"
	CodeMissingReference  = "missingReference"
	CodeTooManyProblems   = "tooManyProblems"
	CodeUnknownType       = "unknownType"          // warning
	CodeUnknownContainer  = "unknownContainerType" // warning
	CodeInvalidMediaType  = "invalidMediaType"     // warning
	odataAnnotationPrefix = "@odata."
	odataTypeAnnotation   = "@odata.type"
)

var syntaxCodes = [...]string{
	jsoncheck.Syntax:        CodeInvalidJSON,
	jsoncheck.Empty:         CodeEmptyBody,
	jsoncheck.Truncated:     CodeTruncatedJSON,
	jsoncheck.InvalidUTF8:   CodeInvalidUTF8,
	jsoncheck.ControlChar:   CodeControlCharacter,
	jsoncheck.TooDeep:       CodeNestingTooDeep,
	jsoncheck.TrailingData:  CodeTrailingData,
	jsoncheck.ByteOrderMark: CodeByteOrderMark,
}

// kind is what a member's value must be.
type kind uint8

const (
	kindObject   kind = iota // an object of the member's type
	kindString               // a string
	kindURL                  // an absolute http(s) URL; "" means none
	kindDateTime             // an Edm.DateTimeOffset
	kindID                   // an entity id
)

// member is the rule for one member of an object type.
type member struct {
	name     string
	kind     kind
	required bool // must be present (and, being required, not null)
	child    *objectType
	warn     func(string) (code, msg string) // optional check that yields a warning

	// Filled in by init, so that reporting a problem builds no path or fixed message.
	path    string // JSON path of the member
	missing string // message when it is required and missing
}

// objectType is the rule for an object: its OData type name and members. Each object type
// appears at one place in a usedInsight, its path.
type objectType struct {
	name    string
	members []member

	// Filled in by init.
	path      string // JSON path of the object ("" for the usedInsight itself)
	odataPath string // JSON path of its @odata.type
}

var (
	usageDetails = &objectType{name: TypeUsage, members: []member{
		{name: "lastAccessedDateTime", kind: kindDateTime, required: true},
		{name: "lastModifiedDateTime", kind: kindDateTime},
	}}
	resourceVisualization = &objectType{name: TypeVisual, members: []member{
		{name: "title", kind: kindString},
		{name: "type", kind: kindString, warn: warnType},
		{name: "mediaType", kind: kindString, warn: warnMediaType},
		{name: "previewImageUrl", kind: kindURL},
		{name: "previewText", kind: kindString},
		{name: "containerWebUrl", kind: kindURL},
		{name: "containerDisplayName", kind: kindString},
		{name: "containerType", kind: kindString, warn: warnContainerType},
	}}
	resourceReference = &objectType{name: TypeReference, members: []member{
		{name: "webUrl", kind: kindURL},
		{name: "id", kind: kindString},
		{name: "type", kind: kindString},
	}}
	usedInsight = &objectType{name: TypeUsed, members: []member{
		{name: "id", kind: kindID},
		{name: "lastUsed", kind: kindObject, required: true, child: usageDetails},
		{name: "resourceVisualization", kind: kindObject, required: true, child: resourceVisualization},
		{name: "resourceReference", kind: kindObject, required: true, child: resourceReference},
	}}
)

func init() { usedInsight.setPath("") }

// setPath fills in the paths of t, at path, and of its members and child types.
func (t *objectType) setPath(path string) {
	t.path = path
	t.odataPath = join(path, odataTypeAnnotation)
	for i := range t.members {
		m := &t.members[i]
		m.path = join(path, m.name)
		m.missing = "required member " + strconv.Quote(m.name) + " is missing"
		if m.child != nil {
			m.child.setPath(m.path)
		}
	}
}

// find returns the index of the member called name, or -1.
func (t *objectType) find(name string) int {
	for i := range t.members {
		if t.members[i].name == name {
			return i
		}
	}
	return -1
}

// Validate checks a usedInsight payload against every rule and reports all problems in one pass.
// A syntax error stops the check at that point, since nothing after it can be read reliably.
func Validate(data []byte) Report {
	var v validator
	v.run(data, false)
	return Report{Problems: v.problems}
}

// ValidatePatch checks a PATCH body by the rules of Validate, except that no member is required:
// the merged record is validated whole afterwards.
func ValidatePatch(data []byte) Report {
	var v validator
	v.run(data, true)
	return Report{Problems: v.problems}
}

type validator struct {
	text     []byte
	r        jsoncheck.Reader
	partial  bool // a PATCH body: nothing is required
	problems []Problem
	dropped  int    // problems not reported beyond MaxProblems
	unsorted bool   // a problem was added before one at a smaller offset
	column   cursor // where the last problem is, to count the next one's column from there

	// The path of the value no rule describes that is being read (see loose): the path of
	// the typed object it is in, then one segment per level.
	looseBase string
	segments  [MaxDepth]segment
	depth     int // segments in use
}

// segment is one step of a JSON path: a member name, or an array index when index >= 0.
type segment struct {
	name  string
	index int
}

func (v *validator) run(data []byte, partial bool) {
	v.text, v.partial = data, partial
	if len(data) > MaxBodyBytes {
		line, column := Position(data, MaxBodyBytes)
		v.problems = []Problem{{Severity: Error, Code: CodeBodyTooLarge, Offset: MaxBodyBytes, Line: line, Column: column,
			Message: "the body is " + strconv.Itoa(len(data)) + " bytes; at most " + strconv.Itoa(MaxBodyBytes) + " are accepted"}}
		return
	}
	v.r.Reset(data, MaxDepth)
	t, err := v.r.Next()
	if err == nil {
		if t.Kind == jsoncheck.ObjectStart {
			v.object(usedInsight, t.Offset)
		} else {
			v.add(Error, CodeNotAnObject, "", t.Offset, "expected a usedInsight JSON object, got "+v.describe(t))
			v.r.Skip(t)
		}
		_, err = v.r.Next() // EOF, or the first syntax error
	}
	if err != nil {
		// Nothing but the syntax error counts: what was found before it is dropped.
		line, column := Position(data, err.Offset)
		v.problems = append(v.problems[:0], Problem{Severity: Error, Code: syntaxCodes[err.Kind], Offset: err.Offset, Line: line, Column: column, Message: err.Msg})
		return
	}
	if v.dropped > 0 {
		v.add(Error, CodeTooManyProblems, "", len(data), strconv.Itoa(v.dropped)+" more problems not listed")
	}
	if v.unsorted {
		slices.SortStableFunc(v.problems, func(a, b Problem) int { return a.Offset - b.Offset })
	}
}

// room reports whether another problem can be listed, and counts it as not listed when not,
// so that a payload of many problems costs no messages that would be dropped.
func (v *validator) room() bool {
	if len(v.problems) < MaxProblems {
		return true
	}
	v.dropped++
	return false
}

// add reports a problem at offset, which must be on the reader's current line.
func (v *validator) add(sev Severity, code, path string, offset int, msg string) {
	line, start := v.r.Line()
	v.addAt(sev, code, path, offset, msg, line, start)
}

// addAt reports a problem at offset, which is on the given line, starting at offset start.
func (v *validator) addAt(sev Severity, code, path string, offset int, msg string, line, start int) {
	if len(v.problems) >= MaxProblems && code != CodeTooManyProblems {
		v.dropped++
		return
	}
	if n := len(v.problems); n > 0 && offset < v.problems[n-1].Offset {
		v.unsorted = true
	} else if n == 0 {
		v.problems = make([]Problem, 0, 4)
	}
	line, column := v.position(offset, line, start)
	v.problems = append(v.problems, Problem{Severity: sev, Code: code, Path: path, Offset: offset, Line: line, Column: column, Message: msg})
}

// position returns the line and column of offset, which is on the given line, starting at
// offset start, in text the reader has read (valid UTF-8). It counts the column from the last
// problem's when that is on the same line before offset, as it mostly is.
func (v *validator) position(offset, line, start int) (int, int) {
	if offset < start || offset > len(v.text) {
		return Position(v.text, offset) // not expected; correct anyway
	}
	c := &v.column
	from, column := start, 1
	if c.line == line && c.at >= start && c.at <= offset {
		from, column = c.at, c.column
	}
	for _, b := range v.text[from:offset] {
		if b < 0x80 {
			column++
		} else if b >= 0xC0 { // the first byte of a character, not a continuation byte
			column++
			if b >= 0xF0 {
				column++ // beyond U+FFFF: a surrogate pair in UTF-16
			}
		}
	}
	c.line, c.column, c.at = line, column, offset
	return line, column
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// pathOf is join for a name read from the text, which must not be kept: it copies the name
// when join would not.
func pathOf(path, name string) string {
	if path == "" {
		return strings.Clone(name)
	}
	return path + "." + name
}

// str returns the value of t, a String or Name token, decoded as gjson decodes it. Without
// escapes, that is the text between the quotes, which it returns without copying.
func (v *validator) str(t jsoncheck.Token) string {
	if t.Escaped {
		return gjson.Parse(unsafe.String(&v.text[t.Offset], t.End-t.Offset)).Str
	}
	return unsafe.String(&v.text[t.Offset+1], t.End-t.Offset-2)
}

// skip reads the next value without looking at it.
func (v *validator) skip() {
	if t, err := v.r.Next(); err == nil {
		v.r.Skip(t)
	}
}

// object checks the members of an object of type t, whose '{' the reader has just read at at.
func (v *validator) object(t *objectType, at int) {
	line, start := v.r.Line() // where the '{' at offset at is, for the problems of missing members
	var seen uint16           // bit i: t.members[i] was present
	var extra names           // names outside t.members, to find their duplicates
	var webURL, refID bool    // resourceReference has a non-empty webUrl / id
	for {
		key, err := v.r.Next()
		if err != nil {
			return
		}
		if key.Kind != jsoncheck.Name { // ObjectEnd
			break
		}
		name := v.str(key)
		i := t.find(name)
		if i < 0 {
			if extra.add(name) {
				if v.room() {
					v.add(Error, CodeDuplicateMember, pathOf(t.path, name), key.Offset, "duplicate member "+quoteAll(name))
				}
				v.skip()
				continue
			}
			switch {
			case name == odataTypeAnnotation:
				v.odataType(t)
			case strings.HasPrefix(name, odataAnnotationPrefix):
				v.annotation(t, name)
			default:
				if v.room() {
					v.add(Error, CodeUnknownMember, pathOf(t.path, name), key.Offset, "Property '"+name+"' does not exist on type '"+t.name+"'")
				}
				v.annotation(t, name)
			}
			continue
		}
		m := &t.members[i]
		if seen&(1<<i) != 0 {
			if v.room() {
				v.add(Error, CodeDuplicateMember, m.path, key.Offset, "duplicate member "+quoteAll(m.name))
			}
			v.skip()
			continue
		}
		seen |= 1 << i
		val, err := v.r.Next()
		if err != nil {
			return
		}
		if ok := v.value(val, m); ok && t == resourceReference && val.Kind == jsoncheck.String && val.End-val.Offset > 2 {
			webURL = webURL || m.name == "webUrl"
			refID = refID || m.name == "id"
		}
	}
	if v.partial {
		return
	}
	for i := range t.members {
		if m := &t.members[i]; m.required && seen&(1<<i) == 0 {
			v.addAt(Error, CodeMissingMember, m.path, at, m.missing, line, start)
		}
	}
	if t == resourceReference && !webURL && !refID {
		v.addAt(Error, CodeMissingReference, t.path, at, "a resourceReference needs a non-empty \"id\" or \"webUrl\"", line, start)
	}
}

// value checks the value of member m, whose first token the reader has just read, and reports
// whether it is valid.
func (v *validator) value(val jsoncheck.Token, m *member) bool {
	if val.Kind == jsoncheck.Null && !m.required && m.kind != kindID {
		return true
	}
	if m.kind == kindObject {
		if val.Kind != jsoncheck.ObjectStart {
			v.add(Error, CodeWrongType, m.path, val.Offset, "expected a "+m.child.name+" object, got "+v.describe(val))
			v.r.Skip(val)
			return false
		}
		v.object(m.child, val.Offset)
		return true
	}
	if val.Kind != jsoncheck.String {
		want := "a string"
		if !m.required && m.kind != kindID {
			want = "a string or null"
		}
		v.add(Error, CodeWrongType, m.path, val.Offset, "expected "+want+", got "+v.describe(val))
		v.r.Skip(val)
		return false
	}
	if m.kind == kindString && m.warn == nil && val.End-val.Offset-2 <= MaxStringLen {
		return true // a value is no longer than its text, so this one is not too long: no need to decode it
	}
	s := v.str(val)
	switch m.kind {
	case kindID:
		if msg := checkID(s); msg != "" {
			v.add(Error, CodeInvalidID, m.path, val.Offset, msg)
			return false
		}
	case kindDateTime:
		if msg := checkDateTime(s); msg != "" {
			v.add(Error, CodeInvalidDateTime, m.path, val.Offset, msg)
			return false
		}
	case kindURL:
		if msg := checkURL(s); msg != "" {
			v.add(Error, CodeInvalidURL, m.path, val.Offset, msg)
			return false
		}
	default:
		if len(s) > MaxStringLen && utf8.RuneCountInString(s) > MaxStringLen {
			v.add(Error, CodeTooLong, m.path, val.Offset, "the string has "+strconv.Itoa(utf8.RuneCountInString(s))+" characters; at most "+strconv.Itoa(MaxStringLen)+" are allowed")
			return false
		}
		if m.warn != nil {
			if code, msg := m.warn(s); code != "" {
				v.add(Warning, code, m.path, val.Offset, msg)
			}
		}
	}
	return true
}

// odataType checks the value of an @odata.type annotation on an object of type t.
func (v *validator) odataType(t *objectType) {
	val, err := v.r.Next()
	if err != nil {
		return
	}
	if val.Kind == jsoncheck.String {
		if s := v.str(val); s == t.name || len(s) == len(t.name)+1 && s[0] == '#' && s[1:] == t.name {
			return
		}
	}
	v.add(Error, CodeInvalidODataType, t.odataPath, val.Offset, "expected \"#"+t.name+"\", got "+v.describe(val))
	v.r.Skip(val)
}

// annotation reads the value of the member name of an object of type t, which no rule
// describes, for duplicate member names inside it.
func (v *validator) annotation(t *objectType, name string) {
	val, err := v.r.Next()
	if err != nil || val.Kind != jsoncheck.ObjectStart && val.Kind != jsoncheck.ArrayStart {
		return
	}
	v.looseBase = t.path
	v.segments[0] = segment{name: name, index: -1}
	v.depth = 1
	v.loose(val)
}

// loose reads the object or array that starts with t, a value no rule describes, and reports
// duplicate member names in it at any level. v.segments holds its path.
func (v *validator) loose(t jsoncheck.Token) {
	if t.Kind == jsoncheck.ArrayStart {
		for n := 0; ; n++ {
			val, err := v.r.Next()
			if err != nil || val.Kind == jsoncheck.ArrayEnd {
				return
			}
			if val.Kind == jsoncheck.ObjectStart || val.Kind == jsoncheck.ArrayStart {
				v.segments[v.depth] = segment{index: n}
				v.depth++
				v.loose(val)
				v.depth--
			}
		}
	}
	var seen names
	for {
		key, err := v.r.Next()
		if err != nil || key.Kind != jsoncheck.Name {
			return
		}
		name := v.str(key)
		if seen.add(name) && v.room() {
			v.add(Error, CodeDuplicateMember, v.loosePath(name), key.Offset, "duplicate member "+quoteAll(name))
		}
		val, err := v.r.Next()
		if err != nil {
			return
		}
		if val.Kind == jsoncheck.ObjectStart || val.Kind == jsoncheck.ArrayStart {
			v.segments[v.depth] = segment{name: name, index: -1}
			v.depth++
			v.loose(val)
			v.depth--
		}
	}
}

// loosePath returns the path of member name of the loose object being read.
func (v *validator) loosePath(name string) string {
	p := v.looseBase
	for _, s := range v.segments[:v.depth] {
		if s.index < 0 {
			p = join(p, s.name)
		} else {
			p += "[" + strconv.Itoa(s.index) + "]"
		}
	}
	return pathOf(p, name)
}

// names is a set of the member names of one object, read so far.
type names struct {
	n     int
	small [16]string
	more  map[string]struct{} // all of them, once there are more than fit in small
}

// add adds name to the set and reports whether it was there already.
func (s *names) add(name string) bool {
	if s.more != nil {
		if _, ok := s.more[name]; ok {
			return true
		}
		s.more[name] = struct{}{}
		return false
	}
	for _, x := range s.small[:s.n] {
		if x == name {
			return true
		}
	}
	if s.n < len(s.small) {
		s.small[s.n] = name
		s.n++
		return false
	}
	s.more = make(map[string]struct{}, 4*len(s.small))
	for _, x := range s.small {
		s.more[x] = struct{}{}
	}
	s.more[name] = struct{}{}
	return false
}

// describe names the type of the value that starts with t, and shows short strings and
// numbers, for a message.
func (v *validator) describe(t jsoncheck.Token) string {
	switch t.Kind {
	case jsoncheck.Null:
		return "null"
	case jsoncheck.True:
		return "true"
	case jsoncheck.False:
		return "false"
	case jsoncheck.Number:
		raw := v.r.Raw(t)
		return "a number (" + clip.To(unsafe.String(unsafe.SliceData(raw), len(raw)), quoteLen) + ")"
	case jsoncheck.String:
		return quote(v.str(t))
	case jsoncheck.ArrayStart:
		return "an array"
	}
	return "an object"
}

// quoteLen is the most bytes of a value that a message quotes.
const quoteLen = 60

// quote renders a string value for a message, cut short when long.
func quote(s string) string { return quoteAll(clip.To(s, quoteLen)) }

// quoteThen is quote(s) + text, in one allocation when s is short printable ASCII, as it mostly is.
func quoteThen(s, text string) string {
	if len(s) <= quoteLen && quotesPlain(s) {
		return "\"" + s + "\"" + text
	}
	return quote(s) + text
}

// quoteAll is strconv.Quote, quicker for printable ASCII, which it only has to put in quotes.
func quoteAll(s string) string {
	if !quotesPlain(s) {
		return strconv.Quote(s)
	}
	return "\"" + s + "\""
}

// quotesPlain reports whether strconv.Quote would only put s in quotes.
func quotesPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func checkID(s string) string {
	if s == "" {
		return "the id is empty; leave it out to have one assigned"
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isIDChar(c) {
			r, _ := utf8.DecodeRuneInString(s[i:])
			return "the id may hold only A-Z a-z 0-9 - _ . ~, got " + strconv.QuoteRune(r) + " at character " + strconv.Itoa(utf8.RuneCountInString(s[:i])+1)
		}
	}
	if s == "." || s == ".." {
		return "the id " + quote(s) + " cannot be addressed in a URL path"
	}
	if len(s) > MaxIDLen {
		return "the id has " + strconv.Itoa(len(s)) + " characters; at most " + strconv.Itoa(MaxIDLen) + " are allowed"
	}
	return ""
}

func isIDChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~'
}

// ValidID reports whether s is an id the service accepts: 1 to 512 of A-Z a-z 0-9 - _ . ~,
// but not "." or "..", which URL paths cannot carry.
func ValidID(s string) bool { return checkID(s) == "" }

// Position returns the 1-based line and column of a byte offset in text, the column counted in
// UTF-16 code units, as Problem positions are.
func Position(text []byte, offset int) (line, column int) {
	c := cursor{line: 1, column: 1}
	c.advance(text, offset)
	return c.line, c.column
}

// cursor walks a text forward, counting lines and UTF-16 columns.
type cursor struct{ line, column, at int }

func (c *cursor) advance(text []byte, offset int) {
	end := min(offset, len(text))
	for c.at < end {
		b := text[c.at]
		switch {
		case b == '\n':
			c.line, c.column = c.line+1, 1
			c.at++
		case b < 0x80:
			c.column++
			c.at++
		default:
			r, n := utf8.DecodeRune(text[c.at:])
			c.column++
			if r >= 0x10000 {
				c.column++ // a surrogate pair in UTF-16
			}
			c.at += n
		}
	}
}
