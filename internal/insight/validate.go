package insight

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/tidwall/gjson"
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

var syntaxCodes = map[jsoncheck.Kind]string{
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
}

// objectType is the rule for an object: its OData type name and members.
type objectType struct {
	name    string
	members []member
}

var (
	usageDetails = &objectType{TypeUsage, []member{
		{name: "lastAccessedDateTime", kind: kindDateTime, required: true},
		{name: "lastModifiedDateTime", kind: kindDateTime},
	}}
	resourceVisualization = &objectType{TypeVisual, []member{
		{name: "title", kind: kindString},
		{name: "type", kind: kindString, warn: warnType},
		{name: "mediaType", kind: kindString, warn: warnMediaType},
		{name: "previewImageUrl", kind: kindURL},
		{name: "previewText", kind: kindString},
		{name: "containerWebUrl", kind: kindURL},
		{name: "containerDisplayName", kind: kindString},
		{name: "containerType", kind: kindString, warn: warnContainerType},
	}}
	resourceReference = &objectType{TypeReference, []member{
		{name: "webUrl", kind: kindURL},
		{name: "id", kind: kindString},
		{name: "type", kind: kindString},
	}}
	usedInsight = &objectType{TypeUsed, []member{
		{name: "id", kind: kindID},
		{name: "lastUsed", kind: kindObject, required: true, child: usageDetails},
		{name: "resourceVisualization", kind: kindObject, required: true, child: resourceVisualization},
		{name: "resourceReference", kind: kindObject, required: true, child: resourceReference},
	}}
)

// Validate checks a usedInsight payload against every rule and reports all problems in one pass.
// A syntax error stops the check at that point, since nothing after it can be read reliably.
func Validate(data []byte) Report {
	v := validator{text: data}
	v.run()
	v.locate()
	return Report{Problems: v.problems}
}

// ValidatePatch checks a PATCH body by the rules of Validate, except that no member is required:
// the merged record is validated whole afterwards.
func ValidatePatch(data []byte) Report {
	v := validator{text: data, partial: true}
	v.run()
	v.locate()
	return Report{Problems: v.problems}
}

type validator struct {
	text     []byte
	partial  bool // a PATCH body: nothing is required
	problems []Problem
	dropped  int // problems not reported beyond MaxProblems
}

func (v *validator) run() {
	if len(v.text) > MaxBodyBytes {
		v.add(Error, CodeBodyTooLarge, "", MaxBodyBytes, "the body is "+strconv.Itoa(len(v.text))+" bytes; at most "+strconv.Itoa(MaxBodyBytes)+" are accepted")
		return
	}
	if err := jsoncheck.Check(v.text, MaxDepth); err != nil {
		v.add(Error, syntaxCodes[err.Kind], "", err.Offset, err.Msg)
		return
	}
	root := gjson.Parse(unsafe.String(unsafe.SliceData(v.text), len(v.text)))
	if !root.IsObject() {
		v.add(Error, CodeNotAnObject, "", root.Index, "expected a usedInsight JSON object, got "+describe(root))
		return
	}
	v.object("", root, usedInsight)
	if v.dropped > 0 {
		v.add(Error, CodeTooManyProblems, "", len(v.text), strconv.Itoa(v.dropped)+" more problems not listed")
	}
}

func (v *validator) add(sev Severity, code, path string, offset int, msg string) {
	if len(v.problems) >= MaxProblems && code != CodeTooManyProblems {
		v.dropped++
		return
	}
	v.problems = append(v.problems, Problem{Severity: sev, Code: code, Path: path, Offset: offset, Message: msg})
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// object checks the members of obj, an object at path, against t.
func (v *validator) object(path string, obj gjson.Result, t *objectType) {
	var seen uint16 // bit i: t.members[i] was present
	var buf [4]string
	extra := buf[:0]       // names outside t.members, to find their duplicates
	var webURL, refID bool // resourceReference has a non-empty webUrl / id
	obj.ForEach(func(key, val gjson.Result) bool {
		name := key.Str
		i := -1
		for j := range t.members {
			if t.members[j].name == name {
				i = j
				break
			}
		}
		if i < 0 {
			if slices.Contains(extra, name) {
				v.add(Error, CodeDuplicateMember, join(path, name), key.Index, "duplicate member "+strconv.Quote(name))
				return true
			}
			extra = append(extra, name)
			switch {
			case name == odataTypeAnnotation:
				v.odataType(path, val, t)
			case strings.HasPrefix(name, odataAnnotationPrefix):
				v.noDuplicates(join(path, name), val)
			default:
				v.add(Error, CodeUnknownMember, join(path, name), key.Index, "Property '"+name+"' does not exist on type '"+t.name+"'")
				v.noDuplicates(join(path, name), val)
			}
			return true
		}
		if seen&(1<<i) != 0 {
			v.add(Error, CodeDuplicateMember, join(path, name), key.Index, "duplicate member "+strconv.Quote(name))
			return true
		}
		seen |= 1 << i
		if ok := v.value(lazyPath{path, name}, val, &t.members[i]); ok && t == resourceReference && val.Type == gjson.String && val.Raw != `""` {
			webURL = webURL || name == "webUrl"
			refID = refID || name == "id"
		}
		return true
	})
	if v.partial {
		return
	}
	for i := range t.members {
		if m := &t.members[i]; m.required && seen&(1<<i) == 0 {
			v.add(Error, CodeMissingMember, join(path, m.name), obj.Index, "required member "+strconv.Quote(m.name)+" is missing")
		}
	}
	if t == resourceReference && !webURL && !refID {
		v.add(Error, CodeMissingReference, path, obj.Index, "a resourceReference needs a non-empty \"id\" or \"webUrl\"")
	}
}

// lazyPath is a member's JSON path, joined only when a problem needs it.
type lazyPath struct{ parent, name string }

func (p lazyPath) String() string { return join(p.parent, p.name) }

// value checks one member's value and reports whether it is valid.
func (v *validator) value(path lazyPath, val gjson.Result, m *member) bool {
	if val.Type == gjson.Null && !m.required && m.kind != kindID {
		return true
	}
	if m.kind == kindObject {
		if !val.IsObject() {
			v.add(Error, CodeWrongType, path.String(), val.Index, "expected a "+m.child.name+" object, got "+describe(val))
			return false
		}
		v.object(path.String(), val, m.child)
		return true
	}
	if val.Type != gjson.String {
		want := "a string"
		if !m.required && m.kind != kindID {
			want = "a string or null"
		}
		v.add(Error, CodeWrongType, path.String(), val.Index, "expected "+want+", got "+describe(val))
		return false
	}
	s := val.Str
	switch m.kind {
	case kindID:
		if msg := checkID(s); msg != "" {
			v.add(Error, CodeInvalidID, path.String(), val.Index, msg)
			return false
		}
	case kindDateTime:
		if msg := checkDateTime(s); msg != "" {
			v.add(Error, CodeInvalidDateTime, path.String(), val.Index, msg)
			return false
		}
	case kindURL:
		if msg := checkURL(s); msg != "" {
			v.add(Error, CodeInvalidURL, path.String(), val.Index, msg)
			return false
		}
	default:
		if len(s) > MaxStringLen && utf8.RuneCountInString(s) > MaxStringLen {
			v.add(Error, CodeTooLong, path.String(), val.Index, "the string has "+strconv.Itoa(utf8.RuneCountInString(s))+" characters; at most "+strconv.Itoa(MaxStringLen)+" are allowed")
			return false
		}
		if m.warn != nil {
			if code, msg := m.warn(s); code != "" {
				v.add(Warning, code, path.String(), val.Index, msg)
			}
		}
	}
	return true
}

// odataType checks an @odata.type annotation on an object of type t.
func (v *validator) odataType(path string, val gjson.Result, t *objectType) {
	if val.Type == gjson.String && (val.Str == t.name || len(val.Str) == len(t.name)+1 && val.Str[0] == '#' && val.Str[1:] == t.name) {
		return
	}
	got := describe(val)
	v.add(Error, CodeInvalidODataType, join(path, odataTypeAnnotation), val.Index, "expected \"#"+t.name+"\", got "+got)
}

// noDuplicates reports duplicate member names anywhere inside val, a value no rule describes.
func (v *validator) noDuplicates(path string, val gjson.Result) {
	switch {
	case val.IsObject():
		var names []string
		val.ForEach(func(key, child gjson.Result) bool {
			p := join(path, key.Str)
			if slices.Contains(names, key.Str) {
				v.add(Error, CodeDuplicateMember, p, key.Index, "duplicate member "+strconv.Quote(key.Str))
			}
			names = append(names, key.Str)
			v.noDuplicates(p, child)
			return true
		})
	case val.IsArray():
		n := 0
		val.ForEach(func(_, child gjson.Result) bool {
			v.noDuplicates(path+"["+strconv.Itoa(n)+"]", child)
			n++
			return true
		})
	}
}

// describe names a JSON value's type, and shows short strings, for a message.
func describe(val gjson.Result) string {
	switch val.Type {
	case gjson.Null:
		return "null"
	case gjson.False, gjson.True:
		return val.Raw
	case gjson.Number:
		return "a number (" + clip(val.Raw) + ")"
	case gjson.String:
		return quote(val.Str)
	}
	if val.IsArray() {
		return "an array"
	}
	return "an object"
}

// quote renders a string value for a message, cut short when long.
func quote(s string) string { return strconv.Quote(clip(s)) }

func clip(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
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

// locate fills in the line and column of every problem and puts them in text order.
func (v *validator) locate() {
	p := v.problems
	if len(p) == 0 {
		return
	}
	slices.SortStableFunc(p, func(a, b Problem) int { return a.Offset - b.Offset })
	c := cursor{line: 1, column: 1}
	for i := range p {
		c.advance(v.text, p[i].Offset)
		p[i].Line, p[i].Column = c.line, c.column
	}
}

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
