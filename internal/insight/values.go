package insight

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/usedinsight/usedinsight/internal/resource"
)

const dateTimeShape = "an ISO 8601 date-time with offset such as \"2016-12-31T23:58:50.8669622+03:00\""

// ParseDateTime parses an Edm.DateTimeOffset as this service accepts it:
// YYYY-MM-DDThh:mm[:ss[.f{1,7}]](Z|±hh:mm), a real calendar date and time.
// The result is the instant in UTC; compare results with time.Time.Compare to order them.
func ParseDateTime(s string) (time.Time, bool) {
	d, msg := parseDateTime(s)
	if msg != "" {
		return time.Time{}, false
	}
	t := time.Date(d.year, time.Month(d.month), d.day, d.hour, d.minute, d.sec, d.nsec, time.UTC)
	return t.Add(-time.Duration(d.offset) * time.Second), true
}

// ParseNumber parses an Edm.Double as this service accepts it: a JSON number, or the text of a
// JSON string holding one, such as "0.1583399742569597", whose value is finite as a float64.
func ParseNumber(s string) (float64, bool) {
	if !isJSONNumber(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && (f > math.MaxFloat64 || f < -math.MaxFloat64) {
		return 0, false
	}
	return f, true
}

// isJSONNumber reports whether s is a number as JSON writes it: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	return i == len(s)
}

func checkDateTime(s string) string {
	_, msg := parseDateTime(s)
	return msg
}

// dateTime is a date-time as written: its fields, and its offset from UTC in seconds.
type dateTime struct{ year, month, day, hour, minute, sec, nsec, offset int }

// parseDateTime returns the fields of s, or a message saying why s is not a date-time.
// (It leaves the instant to ParseDateTime: time.Date costs more than the rest, and validation
// does not need it.)
func parseDateTime(s string) (dateTime, string) {
	bad := func() (dateTime, string) { return dateTime{}, "expected " + dateTimeShape + ", got " + quote(s) }
	// Fixed part: YYYY-MM-DDThh:mm
	if len(s) < 17 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' {
		return bad()
	}
	year, ok1 := digitsAt(s, 0, 4)
	month, ok2 := digitsAt(s, 5, 2)
	day, ok3 := digitsAt(s, 8, 2)
	hour, ok4 := digitsAt(s, 11, 2)
	minute, ok5 := digitsAt(s, 14, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5) {
		return bad()
	}
	i, sec, nsec := 16, 0, 0
	if s[i] == ':' {
		var ok bool
		if sec, ok = digitsAt(s, i+1, 2); !ok {
			return bad()
		}
		i += 3
		if i < len(s) && s[i] == '.' {
			j, frac := i+1, 0
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				frac = frac*10 + int(s[j]-'0')
				j++
			}
			n := j - i - 1
			if n < 1 || n > 7 {
				if n > 7 {
					return dateTime{}, "at most 7 fractional digits of a second are allowed, got " + strconv.Itoa(n) + " in " + quote(s)
				}
				return bad()
			}
			for k := n; k < 9; k++ {
				frac *= 10
			}
			nsec, i = frac, j
		}
	}
	if i >= len(s) {
		return dateTime{}, "the date-time " + quote(s) + " has no offset: end it with Z or ±hh:mm"
	}
	offset := 0
	switch s[i] {
	case 'Z':
		i++
	case '+', '-':
		oh, ok1 := digitsAt(s, i+1, 2)
		om, ok2 := digitsAt(s, i+4, 2)
		if !ok1 || !ok2 || s[i+3] != ':' {
			return bad()
		}
		if oh > 14 || om > 59 || oh == 14 && om > 0 {
			return dateTime{}, "the offset of " + quote(s) + " is outside -14:00 to +14:00"
		}
		offset = (oh*60 + om) * 60
		if s[i] == '-' {
			offset = -offset
		}
		i += 6
	default:
		return bad()
	}
	if i != len(s) {
		return bad()
	}
	switch {
	case year == 0:
		return dateTime{}, "year 0000 does not exist; the earliest date is 0001-01-01"
	case month < 1 || month > 12:
		return dateTime{}, quote(s) + " is not a real date: there is no month " + s[5:7]
	case day < 1 || day > daysIn(year, month):
		return dateTime{}, quote(s) + " is not a real date: " + time.Month(month).String() + " " + s[0:4] + " has " + strconv.Itoa(daysIn(year, month)) + " days"
	case hour > 23 || minute > 59 || sec > 59:
		return dateTime{}, quote(s) + " is not a real time of day"
	}
	return dateTime{year, month, day, hour, minute, sec, nsec, offset}, ""
}

// digitsAt reads n decimal digits at s[i:].
func digitsAt(s string, i, n int) (int, bool) {
	if i < 0 || i+n > len(s) {
		return 0, false
	}
	v := 0
	for _, c := range []byte(s[i : i+n]) {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// checkURL returns why s is not an absolute http or https URL with a host, or "" when it is.
// The empty string means "no URL" and is accepted. Spaces in the path are accepted, as real
// Graph data has them; control characters are not.
func checkURL(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > MaxURLLen && utf8.RuneCountInString(s) > MaxURLLen {
		return "the URL has " + strconv.Itoa(utf8.RuneCountInString(s)) + " characters; at most " + strconv.Itoa(MaxURLLen) + " are allowed"
	}
	// The scheme: a letter, then letters, digits, '+', '-' and '.', up to the first ':'.
	// (Loops over bytes rather than calls of strings functions: in WebAssembly, where the page
	// validates on every keystroke, a call costs more than the few bytes it would look at.)
	colon := 0
	for colon < len(s) && urlBytes[s[colon]]&schemeByte != 0 && (colon > 0 || s[0] >= 'A') {
		colon++
	}
	if colon == 0 || colon == len(s) || s[colon] != ':' {
		return "expected an absolute http or https URL, got " + quote(s)
	}
	scheme := s[:colon]
	if !lowerIs(scheme, "http") && !lowerIs(scheme, "https") {
		return "only http and https URLs are allowed, got a " + quote(scheme+":") + " URL"
	}
	if len(s) < colon+3 || s[colon+1] != '/' || s[colon+2] != '/' {
		return "expected " + quote(scheme+"://") + " followed by a host, got " + quote(s)
	}
	// The authority runs to the first '/', '?' or '#'; the host is what follows its last '@'.
	// bad is the offset of the first byte a host cannot hold after that '@', or -1.
	start, end, bad := colon+3, colon+3, -1
	for ; end < len(s); end++ {
		if f := urlBytes[s[end]]; f&(authorityEnd|badInHost|at) != 0 {
			if f&authorityEnd != 0 {
				break
			}
			if f&at != 0 {
				start, bad = end+1, -1
			} else if bad < 0 {
				bad = end
			}
		}
	}
	// The host is s[start:hostEnd], and the port, with its ':', s[portStart:end].
	hostEnd, portStart := end, end
	if start < end && s[start] == '[' {
		close := strings.IndexByte(s[start:end], ']')
		if close < 0 {
			return "the IPv6 host of " + quote(s) + " has no closing ']'"
		}
		start, hostEnd, portStart = start+1, start+close, start+close+1
		if portStart < end && s[portStart] != ':' {
			return "unexpected text after the host of " + quote(s)
		}
	} else if c := strings.LastIndexByte(s[start:end], ':'); c >= 0 {
		hostEnd, portStart = start+c, start+c
	}
	if start == hostEnd {
		return "the URL " + quote(s) + " has no host"
	}
	if bad >= 0 && bad < hostEnd {
		return "the host of " + quote(s) + " contains " + strconv.QuoteRune(rune(s[bad]))
	}
	if port := s[portStart:end]; port != "" {
		n, err := strconv.Atoi(port[1:])
		if err != nil || n < 0 || n > 65535 || port[1] == '+' || port[1] == '-' {
			return "the port of " + quote(s) + " is not a number from 0 to 65535"
		}
	}
	if i := indexControl(s); i >= 0 {
		return "the URL " + quote(s) + " contains the control character " + strconv.QuoteRune(rune(s[i]))
	}
	return ""
}

// indexControl returns the offset of the first byte of s below ' ' or DEL, or -1. It reads
// eight bytes at once.
func indexControl(s string) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))
		del := x ^ (ones * 0x7f)
		// Not 0 exactly when one of the eight bytes is below 0x20 or is 0x7f.
		if (x-ones*0x20)&^x&highs|(del-ones)&^del&highs != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if urlBytes[s[i]]&control != 0 {
			return i
		}
	}
	return -1
}

// What checkURL looks for in a byte.
const (
	schemeByte   = 1 << iota // A-Z a-z 0-9 + - . (a scheme's first byte must be a letter)
	authorityEnd             // '/', '?' or '#'
	badInHost                // white space, controls and <>"\^`{|}
	control                  // below ' ', or DEL
	at                       // '@'
)

var urlBytes = func() (t [256]uint8) {
	for c := range 256 {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.' {
			t[c] |= schemeByte
		}
		if c == '/' || c == '?' || c == '#' {
			t[c] |= authorityEnd
		}
		if c <= ' ' || c == 0x7f || strings.IndexByte("<>\"\\^`{|}", byte(c)) >= 0 {
			t[c] |= badInHost
		}
		if c < ' ' || c == 0x7f {
			t[c] |= control
		}
		if c == '@' {
			t[c] |= at
		}
	}
	return t
}()

// lowerIs reports whether s is lower, a lower-case ASCII word, in any case.
func lowerIs(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i]|0x20 != lower[i] {
			return false
		}
	}
	return true
}

// Documented values of resourceVisualization.type and containerType, and their warnings.
var (
	knownTypes      = resource.VisualizationTypes
	knownContainers = resource.ContainerTypes

	warnType          = oneOfWarning(CodeUnknownType, "resourceVisualization type", knownTypes)
	warnContainerType = oneOfWarning(CodeUnknownContainer, "containerType", knownContainers)
)

func oneOf(s string, list []string) bool {
	for _, v := range list {
		if len(s) == len(v) && strings.EqualFold(s, v) { // the values are ASCII: no fold changes a length
			return true
		}
	}
	return false
}

// oneOfWarning returns a check that warns with code when a value is not one of values, in any
// letter case; label names the member in the message.
func oneOfWarning(code, label string, values []string) func(string) (string, string) {
	text := " is not a documented " + label + " (" + strings.Join(values, ", ") + ")"
	return func(s string) (string, string) {
		if s == "" || oneOf(s, values) {
			return "", ""
		}
		return code, quoteThen(s, text)
	}
}

// mediaTypeWarning returns warnMediaType with the problem code code.
func mediaTypeWarning(code string) func(string) (string, string) {
	if code == CodeInvalidMediaType {
		return warnMediaType
	}
	return func(s string) (string, string) {
		if c, msg := warnMediaType(s); c != "" {
			return code, msg
		}
		return "", ""
	}
}

// warnMediaType accepts type/subtype with RFC 6838 names, optionally followed by ;parameters.
func warnMediaType(s string) (string, string) {
	if s == "" {
		return "", ""
	}
	mt := s
	if semi := strings.IndexByte(mt, ';'); semi >= 0 {
		mt = strings.TrimRight(mt[:semi], " ")
	}
	slash := strings.IndexByte(mt, '/')
	if slash > 0 && mediaName(mt[:slash]) && mediaName(mt[slash+1:]) {
		return "", ""
	}
	return CodeInvalidMediaType, quoteThen(s, " is not a media type of the form type/subtype, such as \"application/pdf\"")
}

func mediaName(s string) bool {
	if s == "" || len(s) > 127 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || strings.IndexByte("!#$&-^_.+", c) < 0) {
			return false
		}
	}
	return true
}
