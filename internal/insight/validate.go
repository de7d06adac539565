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
	"github.com/usedinsight/usedinsight/internal/resource"
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
	CodeInvalidNumber     = "invalidNumber"
	CodeTooManyItems      = "tooManyItems"
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

// member is the rule for one member of an object type, at one place in a payload.
type member struct {
	name     string
	kind     resource.Kind
	required bool                            // must be present and not null
	notNull  bool                            // may be absent, but not null
	maxItems int                             // for an array: the most elements
	child    *objectType                     // the rule of its object, or of each element of its array
	warn     func(string) (code, msg string) // optional check that yields a warning

	// Filled in when the tables are built, so that reporting a problem builds no path or fixed
	// message (but see objectType.inArray).
	path    string // JSON path of the member
	missing string // message when it is required and missing
}

// objectType is the rule for an object at one place in a payload: its OData type name and
// members. A type used at several places (sharingDetail in lastShared and in each element of
// sharingHistory) has one objectType per place, each with its own paths.
type objectType struct {
	name    string // the full type name, such as "microsoft.graph.usageDetails"
	members []member
	// needs has bit i set when members[i] is one of those the object must hold one of,
	// non-empty; needsMsg is the message when it holds none.
	needs    uint16
	needsMsg string
	// inArray: the object is (in) an element of an array, and its paths are relative to the
	// element, whose path the validator knows only while reading it.
	inArray bool

	path      string // JSON path of the object ("" for the entity itself)
	odataPath string // JSON path of its @odata.type
}

// maxMembers is the most members an object type may have: validator.object tracks them in a uint16.
const maxMembers = 16

// table is the rule of one collection's entity type.
type table struct {
	c    *resource.Collection
	root *objectType
}

// tables holds the rules of resource.Collections, built from the description once.
var tables = func() []table {
	t := make([]table, len(resource.Collections))
	for i, c := range resource.Collections {
		t[i] = table{c, newObjectType(c.Type, "", nil, false)}
	}
	return t
}()

// rootOf returns the rule of c's entity type: from tables, or built now for a collection not
// among resource.Collections.
func rootOf(c *resource.Collection) *objectType {
	for i := range tables {
		if tables[i].c == c {
			return tables[i].root
		}
	}
	return newObjectType(c.Type, "", nil, false)
}

// newObjectType builds the rule of type t at path, held by member holder (nil for an entity),
// its paths relative to an array element when inArray.
func newObjectType(t *resource.Type, path string, holder *resource.Member, inArray bool) *objectType {
	if len(t.Members) > maxMembers {
		panic("insight: " + t.Name + " has more than 16 members")
	}
	o := &objectType{name: t.FullName(), path: path, odataPath: join(path, odataTypeAnnotation), inArray: inArray,
		members: make([]member, len(t.Members))}
	for i := range t.Members {
		d := &t.Members[i]
		m := &o.members[i]
		*m = member{name: d.Name, kind: d.Kind, required: d.Required, notNull: d.NotNull, maxItems: d.MaxItems,
			path: join(path, d.Name), missing: "required member " + strconv.Quote(d.Name) + " is missing"}
		switch d.Kind {
		case resource.Object:
			m.child = newObjectType(d.Type, m.path, d, inArray)
		case resource.Array:
			m.child = newObjectType(d.Type, "", nil, true)
		}
		switch d.Check {
		case resource.OneOf:
			label := d.Name
			if d.Name == "type" {
				label = t.Name + " type"
			}
			m.warn = oneOfWarning(d.WarnCode, label, d.Values)
		case resource.MediaType:
			m.warn = mediaTypeWarning(d.WarnCode)
		}
	}
	if holder != nil && len(holder.NeedsOneOf) > 0 {
		var names []string
		for _, n := range holder.NeedsOneOf {
			i := slices.IndexFunc(t.Members, func(m resource.Member) bool { return m.Name == n })
			if i < 0 || t.Members[i].Kind != resource.String && t.Members[i].Kind != resource.URL {
				panic("insight: " + holder.Name + " needs " + n + ", not a string member of " + t.Name)
			}
			o.needs |= 1 << i
			names = append(names, strconv.Quote(n))
		}
		o.needsMsg = "a " + t.Name + " needs a non-empty " + strings.Join(names, " or ")
	}
	return o
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
func Validate(data []byte) Report { return ValidateFor(resource.Used, data) }

// ValidatePatch checks a PATCH body of a usedInsight by the rules of Validate, except that no
// member is required: the merged record is validated whole afterwards.
func ValidatePatch(data []byte) Report { return ValidatePatchFor(resource.Used, data) }

// ValidateFor checks a payload of an item of collection c against every rule of its type and
// reports all problems in one pass, as Validate does for used.
func ValidateFor(c *resource.Collection, data []byte) Report {
	var v validator
	v.run(rootOf(c), data, false)
	return Report{Problems: v.problems}
}

// ValidatePatchFor checks a PATCH body of an item of collection c by the rules of ValidateFor,
// except that no member is required.
func ValidatePatchFor(c *resource.Collection, data []byte) Report {
	var v validator
	v.run(rootOf(c), data, true)
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

	// The array elements being read, innermost last: paths of objects with inArray are
	// relative to the last.
	elems  [MaxDepth]element
	nelems int

	// The value no rule describes that is being read (see loose): the typed object it is in,
	// then one segment per level.
	looseIn  *objectType
	segments [MaxDepth]segment
	depth    int // segments in use
}

// element is an array element being read: the array's path and the element's index.
type element struct {
	path  string
	index int
}

// segment is one step of a JSON path: a member name, or an array index when index >= 0.
type segment struct {
	name  string
	index int
}

// abs returns the JSON path of p, a path of an object of type t: p itself, or for an object in
// an array element, p after the element's path.
func (v *validator) abs(t *objectType, p string) string {
	if !t.inArray || v.nelems == 0 {
		return p
	}
	e := v.elems[v.nelems-1]
	s := e.path + "[" + strconv.Itoa(e.index) + "]"
	if p != "" {
		s += "." + p
	}
	return s
}

// memberPath returns the JSON path of member name, read from the text, of an object of type t.
func (v *validator) memberPath(t *objectType, name string) string {
	if t.inArray {
		return v.abs(t, join(t.path, name)) // abs copies name
	}
	return pathOf(t.path, name)
}

func (v *validator) run(root *objectType, data []byte, partial bool) {
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
			v.object(root, t.Offset)
		} else {
			v.add(Error, CodeNotAnObject, "", t.Offset, "expected a "+strings.TrimPrefix(root.name, resource.Namespace+".")+" JSON object, got "+v.describe(t))
			v.r.Skip(t)
		}
		_, err = v.r.Next() // EOF, or the first syntax error
	}
	if err != nil {
		// Nothing but the syntax error counts: what was found before it is dropped.
		line, column := Position(data, err.Offset)
		v.problems = append(v.problems[:0], Problem{Severity: Error, Code: syntaxCodes[err.Kind], Path: v.syntaxPath(err), Offset: err.Offset, Line: line, Column: column, Message: err.Msg})
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
	var have uint16           // bit i: t.members[i] is a valid non-empty string (for t.needs)
	var extra names           // names outside t.members, to find their duplicates
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
					v.add(Error, CodeDuplicateMember, v.memberPath(t, name), key.Offset, "duplicate member "+quoteAll(name))
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
					v.add(Error, CodeUnknownMember, v.memberPath(t, name), key.Offset, "Property '"+name+"' does not exist on type '"+t.name+"'")
				}
				v.annotation(t, name)
			}
			continue
		}
		m := &t.members[i]
		if seen&(1<<i) != 0 {
			if v.room() {
				v.add(Error, CodeDuplicateMember, v.abs(t, m.path), key.Offset, "duplicate member "+quoteAll(m.name))
			}
			v.skip()
			continue
		}
		seen |= 1 << i
		val, err := v.r.Next()
		if err != nil {
			return
		}
		if ok := v.value(t, val, m); ok && t.needs&(1<<i) != 0 && val.Kind == jsoncheck.String && val.End-val.Offset > 2 {
			have |= 1 << i
		}
	}
	if v.partial {
		return
	}
	for i := range t.members {
		if m := &t.members[i]; m.required && seen&(1<<i) == 0 {
			v.addAt(Error, CodeMissingMember, v.abs(t, m.path), at, m.missing, line, start)
		}
	}
	if t.needs != 0 && have == 0 {
		v.addAt(Error, CodeMissingReference, v.abs(t, t.path), at, t.needsMsg, line, start)
	}
}

// value checks the value of member m of an object of type t, whose first token the reader has
// just read, and reports whether it is valid.
func (v *validator) value(t *objectType, val jsoncheck.Token, m *member) bool {
	if val.Kind == jsoncheck.Null && !m.required && !m.notNull {
		return true
	}
	switch m.kind {
	case resource.Object:
		if val.Kind != jsoncheck.ObjectStart {
			v.add(Error, CodeWrongType, v.abs(t, m.path), val.Offset, "expected a "+m.child.name+" object, got "+v.describe(val))
			v.r.Skip(val)
			return false
		}
		v.object(m.child, val.Offset)
		return true
	case resource.Array:
		return v.array(t, val, m)
	case resource.Number:
		return v.number(t, val, m)
	}
	if val.Kind != jsoncheck.String {
		want := "a string"
		if !m.required && !m.notNull {
			want = "a string or null"
		}
		v.add(Error, CodeWrongType, v.abs(t, m.path), val.Offset, "expected "+want+", got "+v.describe(val))
		v.r.Skip(val)
		return false
	}
	if m.kind == resource.String && m.warn == nil && val.End-val.Offset-2 <= MaxStringLen {
		return true // a value is no longer than its text, so this one is not too long: no need to decode it
	}
	s := v.str(val)
	switch m.kind {
	case resource.ID:
		if msg := checkID(s); msg != "" {
			v.add(Error, CodeInvalidID, v.abs(t, m.path), val.Offset, msg)
			return false
		}
	case resource.DateTime:
		if msg := checkDateTime(s); msg != "" {
			v.add(Error, CodeInvalidDateTime, v.abs(t, m.path), val.Offset, msg)
			return false
		}
	case resource.URL:
		if msg := checkURL(s); msg != "" {
			v.add(Error, CodeInvalidURL, v.abs(t, m.path), val.Offset, msg)
			return false
		}
	default:
		if len(s) > MaxStringLen && utf8.RuneCountInString(s) > MaxStringLen {
			v.add(Error, CodeTooLong, v.abs(t, m.path), val.Offset, "the string has "+strconv.Itoa(utf8.RuneCountInString(s))+" characters; at most "+strconv.Itoa(MaxStringLen)+" are allowed")
			return false
		}
		if m.warn != nil {
			if code, msg := m.warn(s); code != "" {
				v.add(Warning, code, v.abs(t, m.path), val.Offset, msg)
			}
		}
	}
	return true
}

// number checks the value of m, a Number member: a finite JSON number, or a string holding one.
func (v *validator) number(t *objectType, val jsoncheck.Token, m *member) bool {
	switch val.Kind {
	case jsoncheck.Number:
		raw := v.r.Raw(val)
		if _, ok := ParseNumber(unsafe.String(unsafe.SliceData(raw), len(raw))); !ok {
			v.add(Error, CodeInvalidNumber, v.abs(t, m.path), val.Offset, "the number "+clip.To(string(raw), quoteLen)+" is beyond the range of a double")
			return false
		}
		return true
	case jsoncheck.String:
		if _, ok := ParseNumber(v.str(val)); !ok {
			v.add(Error, CodeInvalidNumber, v.abs(t, m.path), val.Offset, "expected a finite decimal number, got "+v.describe(val))
			return false
		}
		return true
	}
	want := "a number or a string holding one"
	if !m.required && !m.notNull {
		want = "a number, a string holding one, or null"
	}
	v.add(Error, CodeWrongType, v.abs(t, m.path), val.Offset, "expected "+want+", got "+v.describe(val))
	v.r.Skip(val)
	return false
}

// array checks the value of m, an Array member: an array of at most m.maxItems objects of its type.
func (v *validator) array(t *objectType, val jsoncheck.Token, m *member) bool {
	if val.Kind != jsoncheck.ArrayStart {
		v.add(Error, CodeWrongType, v.abs(t, m.path), val.Offset, "expected an array of "+m.child.name+" objects, got "+v.describe(val))
		v.r.Skip(val)
		return false
	}
	line, start := v.r.Line()
	path := v.abs(t, m.path)
	if v.nelems == len(v.elems) { // not expected: MaxDepth bounds the nesting
		v.r.Skip(val)
		return false
	}
	v.elems[v.nelems] = element{path: path}
	v.nelems++
	defer func() { v.nelems-- }()
	n := 0
	for ; ; n++ {
		el, err := v.r.Next()
		if err != nil || el.Kind == jsoncheck.ArrayEnd {
			break
		}
		v.elems[v.nelems-1].index = n
		if el.Kind != jsoncheck.ObjectStart {
			if v.room() {
				v.add(Error, CodeWrongType, v.abs(m.child, ""), el.Offset, "expected a "+m.child.name+" object, got "+v.describe(el))
			}
			v.r.Skip(el)
			continue
		}
		v.object(m.child, el.Offset)
	}
	if m.maxItems > 0 && n > m.maxItems {
		v.addAt(Error, CodeTooManyItems, path, val.Offset, "the array has "+strconv.Itoa(n)+" items; at most "+strconv.Itoa(m.maxItems)+" are allowed", line, start)
		return false
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
	v.add(Error, CodeInvalidODataType, v.abs(t, t.odataPath), val.Offset, "expected \"#"+t.name+"\", got "+v.describe(val))
	v.r.Skip(val)
}

// annotation reads the value of the member name of an object of type t, which no rule
// describes, for duplicate member names inside it.
func (v *validator) annotation(t *objectType, name string) {
	val, err := v.r.Next()
	if err != nil || val.Kind != jsoncheck.ObjectStart && val.Kind != jsoncheck.ArrayStart {
		return
	}
	v.looseIn = t
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
	p := v.abs(v.looseIn, v.looseIn.path)
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
