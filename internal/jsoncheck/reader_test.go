package jsoncheck

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
)

// tokens reads text to the end or to its first error and renders each token as kind@offset:raw,
// with a '\' after the kind of an escaped string.
func tokens(text string, maxDepth int) (string, *Error) {
	r := NewReader([]byte(text), maxDepth)
	var out []string
	for {
		t, err := r.Next()
		if err != nil {
			return strings.Join(out, " "), err
		}
		esc := ""
		if t.Escaped {
			esc = `\`
		}
		out = append(out, fmt.Sprintf("%v%s@%d:%s", t.Kind, esc, t.Offset, r.Raw(t)))
		if t.Kind == EOF {
			return strings.Join(out, " "), nil
		}
	}
}

func TestReaderTokens(t *testing.T) {
	tests := []struct{ text, want string }{
		{`{}`, `objectStart@0:{ objectEnd@1:} eof@2:`},
		{` [ ] `, `arrayStart@1:[ arrayEnd@3:] eof@5:`},
		{`{"a": [1, -2.5e+3, "x", true, false, null, {}], "b\n": "\u00e9"}`,
			`objectStart@0:{ name@1:"a" arrayStart@6:[ number@7:1 number@10:-2.5e+3 string@19:"x" true@24:true false@30:false null@37:null ` +
				`objectStart@43:{ objectEnd@44:} arrayEnd@45:] name\@48:"b\n" string\@55:"\u00e9" objectEnd@63:} eof@64:`},
		{`"x"`, `string@0:"x" eof@3:`},
		{`0`, `number@0:0 eof@1:`},
		{`""`, `string@0:"" eof@2:`},
		{`"12345678"`, `string@0:"12345678" eof@10:`},
		{`"1234567\"89"`, `string\@0:"1234567\"89" eof@13:`},
		{"\"é😀 and a long string of more than eight bytes\"", "string@0:\"é😀 and a long string of more than eight bytes\" eof@51:"},
	}
	for _, tt := range tests {
		got, err := tokens(tt.text, 0)
		if err != nil || got != tt.want {
			t.Errorf("tokens(%q):\n got %s (%v)\nwant %s", tt.text, got, err, tt.want)
		}
	}
}

// TestReaderStopsAtTheError: the tokens before the error are returned, then the error, again and again.
func TestReaderStopsAtTheError(t *testing.T) {
	r := NewReader([]byte(`{"a": [1, 2,]}`), 0)
	var kinds []TokenKind
	var err *Error
	for err == nil {
		var tok Token
		tok, err = r.Next()
		if err == nil {
			kinds = append(kinds, tok.Kind)
		}
	}
	if fmt.Sprint(kinds) != "[objectStart name arrayStart number number]" || err.Kind != Syntax || err.Offset != 12 {
		t.Errorf("got %v then %+v", kinds, err)
	}
	if tok, again := r.Next(); again != err || tok.Kind != 0 {
		t.Errorf("after the error: %+v, %+v", tok, again)
	}
	if again := r.Skip(Token{Kind: ObjectStart}); again != err {
		t.Errorf("Skip after the error: %+v", again)
	}
}

func TestReaderSkip(t *testing.T) {
	r := NewReader([]byte(`{"a": {"b": [1, {"c": []}], "d": 2}, "e": 3}`), 0)
	r.Next()             // {
	r.Next()             // "a"
	start, _ := r.Next() // {
	if err := r.Skip(start); err != nil || r.Depth() != 1 {
		t.Fatalf("Skip: %v, depth %d", err, r.Depth())
	}
	if name, _ := r.Next(); string(r.Raw(name)) != `"e"` {
		t.Errorf("after Skip: %s", r.Raw(name))
	}
	three, _ := r.Next()
	if err := r.Skip(three); err != nil || string(r.Raw(three)) != "3" {
		t.Errorf("Skip of a number: %v", err)
	}
	if end, _ := r.Next(); end.Kind != ObjectEnd {
		t.Errorf("got %v, want objectEnd", end.Kind)
	}
	if end, _ := r.Next(); end.Kind != EOF {
		t.Errorf("got %v, want eof", end.Kind)
	}
	if end, _ := r.Next(); end.Kind != EOF || end.Offset != len(r.data) {
		t.Errorf("again: %+v", end)
	}
}

func TestReaderDeeperThan64(t *testing.T) {
	// Containers past the 64 that fit in one word, alternating objects and arrays.
	var open, close strings.Builder
	for i := range 200 {
		if i%3 == 0 {
			open.WriteString(`{"k":`)
			close.WriteString("}")
		} else {
			open.WriteString("[")
			close.WriteString("]")
		}
	}
	c := close.String()
	closed := []byte(c)
	for i, j := 0, len(closed)-1; i < j; i, j = i+1, j-1 {
		closed[i], closed[j] = closed[j], closed[i]
	}
	text := open.String() + "1" + string(closed)
	if err := Check([]byte(text), 0); err != nil {
		t.Fatalf("Check: %v", err)
	}
	if err := Check([]byte(text), 150); err == nil || err.Kind != TooDeep {
		t.Fatalf("Check with 150 levels: %v", err)
	}
	// Closing with the wrong bracket is caught at any depth.
	bad := open.String() + "1" + string(closed[:len(closed)-70]) + "]" + string(closed[len(closed)-69:])
	if err := Check([]byte(bad), 0); err == nil || err.Kind != Syntax {
		t.Fatalf("Check of a wrong bracket: %v", err)
	}
	var r Reader
	for range 2 { // and the Reader can be reused
		r.Reset([]byte(text), 0)
		n := 0
		for {
			tok, err := r.Next()
			if err != nil {
				t.Fatal(err)
			}
			if tok.Kind == EOF {
				break
			}
			n++
		}
		if n != 2*200+67+1 { // starts and ends, the names of the 67 objects, the number
			t.Errorf("%d tokens", n)
		}
	}
}

func TestReaderLine(t *testing.T) {
	text := "{\n  \"a\": 1,\r\n  \"b\":\n\n [\"x\",\n\t\"y\"]\n}\n"
	r := NewReader([]byte(text), 0)
	for {
		tok, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		line, start := r.Line()
		wantLine := 1 + strings.Count(text[:tok.Offset], "\n")
		wantStart := strings.LastIndexByte(text[:tok.Offset], '\n') + 1
		if line != wantLine || start != wantStart {
			t.Errorf("%v at %d: Line() = %d, %d; want %d, %d", tok.Kind, tok.Offset, line, start, wantLine, wantStart)
		}
		if tok.Kind == EOF {
			break
		}
	}
}

// TestSpecial compares special with a byte-by-byte test: it must find the first byte that a
// string cannot hold as it is, whatever comes after.
func TestSpecial(t *testing.T) {
	notPlain := func(c byte) bool { return !plain[c] }
	check := func(b []byte) {
		want := -1
		for i, c := range b {
			if notPlain(c) {
				want = i
				break
			}
		}
		got := -1
		if m := special(binary.LittleEndian.Uint64(b)); m != 0 {
			got = 0
			for m&0xff == 0 {
				m >>= 8
				got++
			}
		}
		if got != want {
			t.Fatalf("special(%q): first special byte %d, want %d", b, got, want)
		}
	}
	b := []byte("abcdefgh")
	for pos := range 8 {
		for c := range 256 {
			copy(b, "abcdefgh")
			b[pos] = byte(c)
			check(b)
			for next := pos + 1; next < 8; next++ { // a second byte after it, of each kind
				for _, d := range []byte{0, 0x1f, 0x20, '"', '\\', 0x7f, 0x80, 0xff} {
					b[next] = d
					check(b)
					b[next] = "abcdefgh"[next]
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		for i := range b {
			b[i] = []byte{0, 0x1f, 0x20, 0x21, '"', '#', '[', '\\', ']', 0x7e, 0x7f, 0x80, 0xa0, 0xc3, 0xff, byte(rng.IntN(256))}[rng.IntN(16)]
		}
		check(b)
	}
}

// FuzzReader checks the tokens against encoding/json's for texts both accept, and the errors
// against Check's.
func FuzzReader(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e3,"x\u00e9",true,null]}`, `[`, `"\ud800"`, `{"a":1,}`, `-0.0e-0`, `[[],{},""]`, `{"a\"b":{"c":[{}]}}`, "\"long string, \\\" escaped \\n and é\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(data, 0)
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		for {
			tok, err := r.Next()
			if err != nil {
				if want := Check(data, 0); want == nil || *want != *err {
					t.Fatalf("Reader error %+v, Check %+v", err, want)
				}
				return
			}
			if tok.Offset < 0 || tok.End > len(data) || tok.Offset > tok.End {
				t.Fatalf("token %+v outside the text", tok)
			}
			if tok.Kind == EOF {
				if Check(data, 0) != nil {
					t.Fatalf("Reader read to the end, Check: %v", Check(data, 0))
				}
				return
			}
			want, err2 := dec.Token()
			if err2 != nil {
				t.Fatalf("Reader gave %v, encoding/json %v", tok.Kind, err2)
			}
			raw := string(r.Raw(tok))
			ok := false
			switch w := want.(type) {
			case json.Delim:
				ok = tok.Kind == map[json.Delim]TokenKind{'{': ObjectStart, '}': ObjectEnd, '[': ArrayStart, ']': ArrayEnd}[w]
			case string:
				s, err := strconv.Unquote(raw)
				if err != nil { // strconv does not take \/ or surrogate escapes; trust encoding/json then
					s = w
				}
				ok = (tok.Kind == String || tok.Kind == Name) && s == w && tok.Escaped == strings.Contains(raw, `\`)
			case json.Number:
				ok = tok.Kind == Number && raw == string(w)
			case bool:
				ok = tok.Kind == True && w || tok.Kind == False && !w
			case nil:
				ok = tok.Kind == Null
			}
			if !ok {
				t.Fatalf("Reader gave %v %q, encoding/json %#v", tok.Kind, raw, want)
			}
		}
	})
}

// BenchmarkReader reads every token of the seed payload, pretty-printed as Graph samples are.
func BenchmarkReader(b *testing.B) {
	data, err := os.ReadFile("../insight/testdata/seed.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var r Reader
	for b.Loop() {
		r.Reset(data, 8)
		for {
			t, err := r.Next()
			if err != nil {
				b.Fatal(err)
			}
			if t.Kind == EOF {
				break
			}
		}
	}
}
