package insight

import (
	"strings"
	"testing"
	"time"
)

func TestParseDateTime(t *testing.T) {
	tests := []struct {
		in   string
		want string // the instant in UTC, RFC 3339 with nanoseconds; "" when invalid
	}{
		{"2016-12-31T23:58:50.8669622+03:00", "2016-12-31T20:58:50.8669622Z"},
		{"2016-12-31T23:58:50Z", "2016-12-31T23:58:50Z"},
		{"2016-12-31T23:58Z", "2016-12-31T23:58:00Z"},
		{"2016-12-31T23:58:50.1Z", "2016-12-31T23:58:50.1Z"},
		{"2016-12-31T23:58:50.1234567Z", "2016-12-31T23:58:50.1234567Z"},
		{"0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"},
		{"9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999Z"},
		{"2024-02-29T12:00:00-08:00", "2024-02-29T20:00:00Z"},
		{"2000-02-29T00:00:00+14:00", "2000-02-28T10:00:00Z"},
		{"2020-03-16T13:31:55-12:30", "2020-03-17T02:01:55Z"},
		{"2019-05-25T07:12:38+00:00", "2019-05-25T07:12:38Z"},
		// invalid
		{"", ""},
		{"yesterday", ""},
		{"2016-12-31", ""},
		{"2016-12-31T23:58:50", ""},                  // no offset
		{"2016-12-31 23:58:50Z", ""},                 // space instead of T
		{"2016-12-31t23:58:50z", ""},                 // lower case
		{"2016-12-31T23:58:50.12345678Z", ""},        // 8 fractional digits
		{"2016-12-31T23:58:50.Z", ""},                // dot without digits
		{"2016-12-31T23:58:5Z", ""},                  // one-digit seconds
		{"2016-12-31T24:00:00Z", ""},                 // hour 24
		{"2016-12-31T23:60:00Z", ""},                 // minute 60
		{"2016-12-31T23:59:60Z", ""},                 // leap second
		{"2016-13-01T00:00:00Z", ""},                 // month 13
		{"2016-00-01T00:00:00Z", ""},                 // month 0
		{"2016-12-00T00:00:00Z", ""},                 // day 0
		{"2023-02-29T00:00:00Z", ""},                 // not a leap year
		{"1900-02-29T00:00:00Z", ""},                 // century, not a leap year
		{"2016-04-31T00:00:00Z", ""},                 // April has 30 days
		{"0000-01-01T00:00:00Z", ""},                 // no year 0
		{"2016-12-31T23:58:50+3:00", ""},             // one-digit offset hour
		{"2016-12-31T23:58:50+0300", ""},             // offset without colon
		{"2016-12-31T23:58:50+14:01", ""},            // offset beyond +14:00
		{"2016-12-31T23:58:50+15:00", ""},            // offset beyond +14:00
		{"2016-12-31T23:58:50+03:60", ""},            // offset minutes
		{"2016-12-31T23:58:50Z ", ""},                // trailing space
		{"+2016-12-31T23:58:50Z", ""},                // signed year
		{"2016-12-31T23:58:50.8669622+03:00x", ""},   // trailing text
		{"２０１６-12-31T23:58:50Z", ""},                 // full-width digits
		{"2016-12-31T23:58:50\u00a0Z", ""},           // no-break space
		{"2016-12-31T23:58:50.8669622+03:00:00", ""}, // offset with seconds
	}
	for _, tt := range tests {
		got, ok := ParseDateTime(tt.in)
		if tt.want == "" {
			if ok {
				t.Errorf("ParseDateTime(%q) = %v, want invalid", tt.in, got)
			}
			if msg := checkDateTime(tt.in); msg == "" {
				t.Errorf("checkDateTime(%q) gave no message", tt.in)
			}
			continue
		}
		want, _ := time.Parse(time.RFC3339Nano, tt.want)
		if !ok || !got.Equal(want) {
			t.Errorf("ParseDateTime(%q) = %v, %v; want %v", tt.in, got, ok, want)
		}
	}
}

func TestDateTimeMessages(t *testing.T) {
	tests := []struct{ in, want string }{
		{"yesterday", `expected an ISO 8601 date-time with offset such as "2016-12-31T23:58:50.8669622+03:00", got "yesterday"`},
		{"2023-02-29T00:00:00Z", `"2023-02-29T00:00:00Z" is not a real date: February 2023 has 28 days`},
		{"2016-12-31T23:58:50", `has no offset`},
		{"2016-12-31T23:58:50.12345678Z", `at most 7 fractional digits`},
		{"2016-12-31T23:58:50+15:00", `outside -14:00 to +14:00`},
		{"2016-12-31T25:58:50Z", `not a real time of day`},
	}
	for _, tt := range tests {
		if msg := checkDateTime(tt.in); !strings.Contains(msg, tt.want) {
			t.Errorf("checkDateTime(%q) = %q, want it to contain %q", tt.in, msg, tt.want)
		}
	}
}

// TestInstantOrder: ordering compares instants, not strings.
func TestInstantOrder(t *testing.T) {
	a, _ := ParseDateTime("2016-12-31T23:58:50+03:00") // 20:58:50Z
	b, _ := ParseDateTime("2016-12-31T21:00:00Z")
	if !a.Before(b) || "2016-12-31T23:58:50+03:00" < "2016-12-31T21:00:00Z" {
		t.Errorf("want %v before %v, while the strings sort the other way", a, b)
	}
}

func TestCheckURL(t *testing.T) {
	tests := []struct {
		in    string
		valid bool
	}{
		{"https://contoso.sharepoint.com/sites/Retail/Shared Documents/NC460 Sales", true},
		{"https://contoso.sharepoint.com/_layouts/15/Doc.aspx?sourcedoc=%7BF4463999%7D&file=Org%20Chart.vsdx&action=default", true},
		{"http://example.com", true},
		{"HTTPS://EXAMPLE.COM/", true},
		{"https://example.com:443/a", true},
		{"http://127.0.0.1:8787/v1.0/me", true},
		{"http://[::1]:8787/", true},
		{"https://user:pass@example.com/", true},
		{"https://例え.jp/パス", true},
		{"https://example.com/#frag", true},
		{"https://example.com?q=1", true},
		{"", true}, // no URL
		{"javascript:alert(1)", false},
		{"JavaScript:alert(1)", false},
		{"data:text/html,<script>alert(1)</script>", false},
		{"vbscript:msgbox", false},
		{"file:///etc/passwd", false},
		{"ftp://example.com/", false},
		{"mailto:a@example.com", false},
		{"//example.com/a", false},
		{"/sites/a", false},
		{"example.com/a", false},
		{"https:example.com", false},
		{"https:/example.com", false},
		{"https://", false},
		{"https:///a", false},
		{"https://:80/", false},
		{"https://exa mple.com/", false},
		{"https://example.com:99999/", false},
		{"https://example.com:-1/", false},
		{"https://example.com:x/", false},
		{"https://[::1/", false},
		{"https://[::1]x/", false},
		{"https://example.com/\n", false},
		{"https://example.com/a\x00b", false},
		{"https://example.com/\x7f", false},
		{"https://exa<mple.com/", false},
		{" https://example.com/", false},
		{"https://example.com/" + strings.Repeat("a", MaxURLLen-20), true},
		{"https://example.com/" + strings.Repeat("a", MaxURLLen-19), false},
		{"https://example.com/" + strings.Repeat("é", MaxURLLen-20), true}, // characters, not bytes
	}
	for _, tt := range tests {
		msg := checkURL(tt.in)
		if (msg == "") != tt.valid {
			t.Errorf("checkURL(%.40q) = %q, want valid=%v", tt.in, msg, tt.valid)
		}
	}
	if msg := checkURL("javascript:alert(1)"); !strings.Contains(msg, "only http and https") {
		t.Errorf("javascript: message = %q", msg)
	}
}

func TestWarnings(t *testing.T) {
	for _, s := range append(append([]string{}, knownTypes...), "spsite", "WORD", "onenotepage") {
		if code, _ := warnType(s); code != "" {
			t.Errorf("type %q warned", s)
		}
	}
	for _, s := range append(append([]string{}, knownContainers...), "site", "gdrive") {
		if code, _ := warnContainerType(s); code != "" {
			t.Errorf("containerType %q warned", s)
		}
	}
	media := []struct {
		in string
		ok bool
	}{
		{"application/pdf", true}, {"text/html; charset=utf-8", true}, {"image/svg+xml", true},
		{"application/vnd.ms-excel", true}, {"APPLICATION/OCTET-STREAM", true},
		{"pdf", false}, {"text/", false}, {"/html", false}, {"text/html/x", false}, {"text /html", false}, {"Media Type value", false},
	}
	for _, tt := range media {
		if code, _ := warnMediaType(tt.in); (code == "") != tt.ok {
			t.Errorf("mediaType %q: warning %q, want ok=%v", tt.in, code, tt.ok)
		}
	}
}

func TestValidID(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"a", true}, {"AZaz09-_.~", true}, {strings.Repeat("x", 512), true},
		{"", false}, {strings.Repeat("x", 513), false}, {"a/b", false}, {"a%2Fb", false}, {"..", false}, {".", false}, {"...", true}, {"a..b", true}, {"a b", false}, {"é", false}, {"a\x00", false},
	}
	for _, tt := range tests {
		if ValidID(tt.in) != tt.ok {
			t.Errorf("ValidID(%.20q) = %v", tt.in, !tt.ok)
		}
	}
}
