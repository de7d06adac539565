package insight

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

const dateTimeShape = "an ISO 8601 date-time with offset such as \"2016-12-31T23:58:50.8669622+03:00\""

// ParseDateTime parses an Edm.DateTimeOffset as this service accepts it:
// YYYY-MM-DDThh:mm[:ss[.f{1,7}]](Z|±hh:mm), a real calendar date and time.
// The result is the instant in UTC; compare results with time.Time.Compare to order them.
func ParseDateTime(s string) (time.Time, bool) {
	t, msg := parseDateTime(s)
	return t, msg == ""
}

func checkDateTime(s string) string {
	_, msg := parseDateTime(s)
	return msg
}

// parseDateTime returns the instant, or a message saying why s is not one.
func parseDateTime(s string) (time.Time, string) {
	bad := func() (time.Time, string) { return time.Time{}, "expected " + dateTimeShape + ", got " + quote(s) }
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
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			n := j - i - 1
			if n < 1 || n > 7 {
				if n > 7 {
					return time.Time{}, "at most 7 fractional digits of a second are allowed, got " + strconv.Itoa(n) + " in " + quote(s)
				}
				return bad()
			}
			frac, _ := strconv.Atoi(s[i+1 : j])
			for k := n; k < 9; k++ {
				frac *= 10
			}
			nsec, i = frac, j
		}
	}
	if i >= len(s) {
		return time.Time{}, "the date-time " + quote(s) + " has no offset: end it with Z or ±hh:mm"
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
			return time.Time{}, "the offset of " + quote(s) + " is outside -14:00 to +14:00"
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
		return time.Time{}, "year 0000 does not exist; the earliest date is 0001-01-01"
	case month < 1 || month > 12:
		return time.Time{}, quote(s) + " is not a real date: there is no month " + s[5:7]
	case day < 1 || day > daysIn(year, month):
		return time.Time{}, quote(s) + " is not a real date: " + time.Month(month).String() + " " + s[0:4] + " has " + strconv.Itoa(daysIn(year, month)) + " days"
	case hour > 23 || minute > 59 || sec > 59:
		return time.Time{}, quote(s) + " is not a real time of day"
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	return t.Add(-time.Duration(offset) * time.Second), ""
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
	colon := strings.IndexByte(s, ':')
	scheme := ""
	if colon > 0 {
		scheme = s[:colon]
		for i := 0; i < len(scheme); i++ {
			c := scheme[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
				scheme = ""
				break
			}
		}
	}
	if scheme == "" {
		return "expected an absolute http or https URL, got " + quote(s)
	}
	if !strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") {
		return "only http and https URLs are allowed, got a " + quote(scheme+":") + " URL"
	}
	rest := s[colon+1:]
	if !strings.HasPrefix(rest, "//") {
		return "expected " + quote(scheme+"://") + " followed by a host, got " + quote(s)
	}
	rest = rest[2:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority := rest[:end]
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		authority = authority[at+1:]
	}
	host, port := authority, ""
	if strings.HasPrefix(host, "[") {
		close := strings.IndexByte(host, ']')
		if close < 0 {
			return "the IPv6 host of " + quote(s) + " has no closing ']'"
		}
		host, port = host[1:close], host[close+1:]
		if port != "" && port[0] != ':' {
			return "unexpected text after the host of " + quote(s)
		}
	} else if c := strings.LastIndexByte(host, ':'); c >= 0 {
		host, port = host[:c], host[c:]
	}
	if host == "" {
		return "the URL " + quote(s) + " has no host"
	}
	for i := 0; i < len(host); i++ {
		if c := host[i]; c <= ' ' || c == 0x7f || strings.IndexByte("<>\"\\^`{|}", c) >= 0 {
			return "the host of " + quote(s) + " contains " + strconv.QuoteRune(rune(c))
		}
	}
	if port != "" {
		n, err := strconv.Atoi(port[1:])
		if err != nil || n < 0 || n > 65535 || port[1] == '+' || port[1] == '-' {
			return "the port of " + quote(s) + " is not a number from 0 to 65535"
		}
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c == 0x7f {
			return "the URL " + quote(s) + " contains the control character " + strconv.QuoteRune(rune(c))
		}
	}
	return ""
}

// Documented values of resourceVisualization.type and containerType.
var (
	knownTypes = []string{"PowerPoint", "Word", "Excel", "Pdf", "OneNote", "OneNotePage", "InfoPath",
		"Visio", "Publisher", "Project", "Access", "Mail", "Csv", "Archive", "Xps", "Audio", "Video",
		"Image", "Web", "Text", "Xml", "Story", "ExternalContent", "Folder", "Spsite", "Other"}
	knownContainers = []string{"OneDriveBusiness", "Site", "Mail", "DropBox", "Box", "GDrive"}

	knownTypesText      = " is not a documented resourceVisualization type (" + strings.Join(knownTypes, ", ") + ")"
	knownContainersText = " is not a documented containerType (" + strings.Join(knownContainers, ", ") + ")"
)

func oneOf(s string, list []string) bool {
	for _, v := range list {
		if strings.EqualFold(s, v) {
			return true
		}
	}
	return false
}

func warnType(s string) (string, string) {
	if s == "" || oneOf(s, knownTypes) {
		return "", ""
	}
	return CodeUnknownType, quote(s) + knownTypesText
}

func warnContainerType(s string) (string, string) {
	if s == "" || oneOf(s, knownContainers) {
		return "", ""
	}
	return CodeUnknownContainer, quote(s) + knownContainersText
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
	return CodeInvalidMediaType, quote(s) + " is not a media type of the form type/subtype, such as \"application/pdf\""
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
