package jsoncheck

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		depth  int
		kind   Kind // 0: valid
		offset int
	}{
		{"object", `{"a": [1, -2.5e+3, "x", true, false, null, {}]}`, 0, 0, 0},
		{"scalar", ` "x" `, 0, 0, 0},
		{"number zero", `0`, 0, 0, 0},
		{"escapes", `"\" \\ \/ \b \f \n \r \t \u00e9 \uD83D\uDE00"`, 0, 0, 0},
		{"utf8", `{"é": "日本 😀"}`, 0, 0, 0},
		{"white space", "\t\r\n {} \n", 0, 0, 0},
		{"empty", ``, 0, Empty, 0},
		{"only space", "  \n", 0, Empty, 3},
		{"bom", "\xEF\xBB\xBF{}", 0, ByteOrderMark, 0},
		{"trailing data", `{} {}`, 0, TrailingData, 3},
		{"trailing garbage", `{}x`, 0, TrailingData, 2},
		{"truncated object", `{"a": 1`, 0, Truncated, 7},
		{"truncated string", `{"a": "xy`, 0, Truncated, 9},
		{"truncated after name", `{"a"`, 0, Truncated, 4},
		{"truncated literal", `tru`, 0, Truncated, 3},
		{"truncated escape", `"\`, 0, Truncated, 2},
		{"truncated unicode escape", `"\u00`, 0, Truncated, 5},
		{"missing colon", `{"a" 1}`, 0, Syntax, 5},
		{"missing comma", `{"a": 1 "b": 2}`, 0, Syntax, 8},
		{"trailing comma object", `{"a": 1,}`, 0, Syntax, 8},
		{"trailing comma array", `[1,]`, 0, Syntax, 3},
		{"unquoted name", `{a: 1}`, 0, Syntax, 1},
		{"single quotes", `{'a': 1}`, 0, Syntax, 1},
		{"single quoted value", `['a']`, 0, Syntax, 1},
		{"NaN", `[NaN]`, 0, Syntax, 1},
		{"Infinity", `[Infinity]`, 0, Syntax, 1},
		{"minus Infinity", `[-Infinity]`, 0, Syntax, 2},
		{"leading zero", `[01]`, 0, Syntax, 1},
		{"plus sign", `[+1]`, 0, Syntax, 1},
		{"bare dot", `[1.]`, 0, Syntax, 3},
		{"bare exponent", `[1e]`, 0, Syntax, 3},
		{"hex number", `[0x10]`, 0, Syntax, 2},
		{"bad literal", `[nul]`, 0, Syntax, 1},
		{"True", `[True]`, 0, Syntax, 1},
		{"bad escape", `"\x"`, 0, Syntax, 1},
		{"bad unicode escape", `"\u12G4"`, 0, Syntax, 5},
		{"raw newline in string", "\"a\nb\"", 0, ControlChar, 2},
		{"raw NUL in string", "\"a\x00\"", 0, ControlChar, 2},
		{"raw tab in string", "\"a\tb\"", 0, ControlChar, 2},
		{"invalid utf8 in string", "\"a\xffb\"", 0, InvalidUTF8, 2},
		{"overlong utf8", "\"\xc0\xaf\"", 0, InvalidUTF8, 1},
		{"surrogate half in utf8", "\"\xed\xa0\x80\"", 0, InvalidUTF8, 1},
		{"truncated utf8", "\"\xe6\x97\"", 0, InvalidUTF8, 1},
		{"invalid utf8 outside string", "{\xff}", 0, InvalidUTF8, 1},
		{"depth ok", `{"a":{"b":[[{}]]}}`, 5, 0, 0},
		{"too deep", `{"a":{"b":[[{"c":[]}]]}}`, 5, TooDeep, 17},
		{"deep unlimited", strings.Repeat("[", 1000) + strings.Repeat("]", 1000), 0, 0, 0},
		{"10k deep", strings.Repeat("[", 10000), 8, TooDeep, 8},
		{"comment", `{} // x`, 0, TrailingData, 3},
		{"unclosed array", `[1, 2`, 0, Truncated, 5},
		{"close mismatch", `[1}`, 0, Syntax, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check([]byte(tt.text), tt.depth)
			if tt.kind == 0 {
				if err != nil {
					t.Fatalf("Check(%q) = %v, want valid", tt.text, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Check(%q) = nil, want %v at %d", tt.text, tt.kind, tt.offset)
			}
			if err.Kind != tt.kind || err.Offset != tt.offset {
				t.Errorf("Check(%q) = %v (%s) at %d, want %v at %d", tt.text, err.Kind, err.Msg, err.Offset, tt.kind, tt.offset)
			}
			if err.Msg == "" || err.Error() == "" {
				t.Errorf("Check(%q): empty message", tt.text)
			}
		})
	}
}

func TestMessagesNameTheProblem(t *testing.T) {
	tests := []struct{ text, want string }{
		{`{"a": 1,}`, "trailing comma"},
		{`[NaN]`, "NaN and Infinity are not JSON numbers"},
		{"\"a\nb\"", "U+000A"},
		{`{'a': 1}`, "double quotes"},
		{`{"a" 1}`, "expected ':'"},
		{`{"a": 1`, "ends too soon"},
		{`{} x`, "after the end of the JSON value"},
	}
	for _, tt := range tests {
		if err := Check([]byte(tt.text), 0); err == nil || !strings.Contains(err.Msg, tt.want) {
			t.Errorf("Check(%q) = %v, want a message containing %q", tt.text, err, tt.want)
		}
	}
}

// TestMessages pins whole messages, the characters and numbers they quote among them.
func TestMessages(t *testing.T) {
	tests := []struct {
		text     string
		maxDepth int
		want     string
	}{
		{"\"a\x1fb\"", 0, `raw control character U+001F in a string: write it as an escape such as \u001f at byte 2`},
		{`"a\qb"`, 0, `invalid escape sequence \q in a string at byte 2`},
		{"\"a\\\x7f\"", 0, `invalid escape sequence \\u007f in a string at byte 2`},
		{`"\u12G4"`, 0, `unexpected 'G': expected four hex digits after \u at byte 5`},
		{`[Infinity]`, 0, `unexpected "Infinity": NaN and Infinity are not JSON numbers at byte 1`},
		{`{} nul`, 0, `unexpected "nul" after the end of the JSON value at byte 3`},
		{"[tru\xffe]", 0, `unexpected "tru": expected true at byte 1`},
		{`[[[1]]]`, 2, `objects and arrays are nested deeper than 2 levels at byte 2`},
	}
	for _, tt := range tests {
		if err := Check([]byte(tt.text), tt.maxDepth); err == nil || err.Error() != tt.want {
			t.Errorf("Check(%q) = %v, want %s", tt.text, err, tt.want)
		}
	}
	if got := Kind(42).String(); got != "Kind(42)" {
		t.Errorf("Kind(42).String() = %s", got)
	}
	if got := TokenKind(42).String(); got != "TokenKind(42)" {
		t.Errorf("TokenKind(42).String() = %s", got)
	}
}

// FuzzCheck compares Check with encoding/json, which is strict about the same grammar but lets
// invalid UTF-8 through; Check must reject that.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e3,"x\u00e9",true,null]}`, `[`, `"\ud800"`, "\"\xff\"", `{"a":1,}`, `-0.0e-0`, `1e999`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		err := Check(data, 0)
		if err != nil && (err.Offset < 0 || err.Offset > len(data)) {
			t.Fatalf("offset %d outside the text of %d bytes", err.Offset, len(data))
		}
		if !utf8.Valid(data) {
			if err == nil {
				t.Fatalf("Check(%q) accepted invalid UTF-8", data)
			}
			return
		}
		if std := json.Valid(data); (err == nil) != std {
			t.Fatalf("Check(%q) = %v but encoding/json says valid=%v", data, err, std)
		}
	})
}

func BenchmarkCheck(b *testing.B) {
	data := []byte(`{"lastUsed":{"lastAccessedDateTime":"2016-12-31T23:58:50.8669622+03:00"},"resourceVisualization":{"title":"Org Chart","containerWebUrl":"https://contoso.sharepoint.com/sites/Retail/Shared Documents/NC460 Sales"},"resourceReference":{"id":"drives/b!uTdl5maWCEyFRUo"}}`)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := Check(data, 8); err != nil {
			b.Fatal(err)
		}
	}
}
