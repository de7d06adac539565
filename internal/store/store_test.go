package store

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"github.com/usedinsight/usedinsight/internal/resource"
)

// sp is the user's space of used insights.
func sp(user string) Space { return Space{Collection: resource.Used, User: user} }

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Word", "WORD"},
		{"WORD", "WORD"},
		{"microsoft.graph.driveItem", "MICROSOFT.GRAPH.DRIVEITEM"},
		{"ſtory", "STORY"},        // U+017F LATIN SMALL LETTER LONG S folds with s and S
		{"\u212Aelvin", "KELVIN"}, // U+212A KELVIN SIGN folds with k and K
		{"Straße", "STRAßE"},      // ß has no simple folding to "SS"
		{"Ωmega ω \u2126", "ΩMEGA Ω Ω"},
		{"\xff", "\uFFFD"},
		{"a\x00b", "A\x00B"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestFoldMatchesEqualFold checks Fold(a) == Fold(b) exactly when strings.EqualFold(a, b), on
// strings drawn from runes with case foldings, their orbits and invalid bytes.
func TestFoldMatchesEqualFold(t *testing.T) {
	pool := []rune{'a', 'A', 's', 'S', 'ſ', 'k', 'K', '\u212A', 'ß', 'ẞ', 'σ', 'ς', 'Σ', 'ǅ', 'Ǆ', 'ǆ', 'İ', 'ı', 'i', 'I', 'µ', 'μ', 'Μ', '1', ' ', 0xFFFD}
	for r := rune(0x80); r < 0x2000; r += 7 {
		if unicode.SimpleFold(r) != r {
			pool = append(pool, r)
		}
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	gen := func() string {
		var b strings.Builder
		for range rnd.IntN(4) {
			if rnd.IntN(10) == 0 {
				b.WriteByte(byte(0x80 + rnd.IntN(0x80))) // invalid UTF-8
				continue
			}
			b.WriteRune(pool[rnd.IntN(len(pool))])
		}
		return b.String()
	}
	equal := 0
	for range 50_000 {
		a, b := gen(), gen()
		if rnd.IntN(2) == 0 { // a case variant of a, often equal under folding
			var v strings.Builder
			for _, r := range a {
				for range rnd.IntN(3) {
					r = unicode.SimpleFold(r)
				}
				v.WriteRune(r)
			}
			b = v.String()
		}
		eq := strings.EqualFold(a, b)
		if eq {
			equal++
		}
		if (Fold(a) == Fold(b)) != eq {
			t.Fatalf("EqualFold(%q, %q) = %v, but Fold gives %q and %q", a, b, eq, Fold(a), Fold(b))
		}
	}
	if equal < 5_000 {
		t.Errorf("only %d equal pairs: the test does not test much", equal)
	}
}

func TestSortID(t *testing.T) {
	a := strings.Repeat("a", 512)
	plain := []string{"", "x", "AAMkAGI2TAAA-_.~", a[:384], a[:383] + "~"}
	for _, id := range plain {
		if got := SortID(id); got != id {
			t.Errorf("SortID(%.20q) = %.20q, want the id", id, got)
		}
	}
	hashed := []struct{ id, prefix string }{
		{a, a[:384]},
		{a[:385], a[:384]},
		{a[:10] + "/" + a[:10], a[:10]},
		{"a b", "a"},
		{"+", ""},
		{"é", ""},
		{"a\x00", "a"},
	}
	seen := map[string]string{}
	for _, tt := range hashed {
		got := SortID(tt.id)
		if len(got) != len(tt.prefix)+33 || !strings.HasPrefix(got, tt.prefix+"+") || len(got) > 417 {
			t.Errorf("SortID(%.20q) = %q, want %.20q, + and 32 hex digits", tt.id, got, tt.prefix)
		}
		if other, ok := seen[got]; ok {
			t.Errorf("SortID(%.20q) == SortID(%.20q)", tt.id, other)
		}
		seen[got] = tt.id
		for _, p := range plain {
			if got == p {
				t.Errorf("SortID(%.20q) = %.20q, a plain id's SortID", tt.id, got)
			}
		}
	}
	if SortID(a) == SortID(a[:511]+"b") {
		t.Error("ids differing in their last character have one SortID")
	}
}

// testKey signs the page tokens of the tests.
var testKey = NewTokenKey("store test secret")

func TestToken(t *testing.T) {
	word := "Word"
	q := Query{Order: 1, Asc: true, Filter: Filter{0: &word}}
	for _, payload := range [][]byte{{}, {0}, []byte("some payload"), make([]byte, 3000)} {
		tok := testKey.EncodeToken(sp("alice"), q, payload)
		if len(tok) > MaxTokenLen {
			t.Errorf("token of a %d-byte payload has %d characters, over MaxTokenLen", len(payload), len(tok))
		}
		got, err := testKey.DecodeToken(tok, sp("alice"), q)
		if err != nil || string(got) != string(payload) {
			t.Errorf("DecodeToken(EncodeToken(%q)) = %q, %v", payload, got, err)
		}
		// Every single-character change is caught.
		for i := 0; i < len(tok); i += 1 + len(tok)/64 {
			b := []byte(tok)
			b[i] ^= 1
			if _, err := testKey.DecodeToken(string(b), sp("alice"), q); !errors.Is(err, ErrBadToken) {
				t.Fatalf("token with character %d changed: %v, want ErrBadToken", i, err)
			}
		}
	}
	other := "Excel"
	tok := testKey.EncodeToken(sp("alice"), q, []byte("p"))
	for _, tt := range []struct {
		desc string
		user string
		q    Query
	}{
		{"user", "bob", q},
		{"user prefix", "alic", q},
		{"collection", "", q},
		{"order", "alice", Query{Order: 0, Asc: true, Filter: q.Filter}},
		{"direction", "alice", Query{Order: 1, Filter: q.Filter}},
		{"filter value", "alice", Query{Order: 1, Asc: true, Filter: Filter{0: &other}}},
		{"filter field", "alice", Query{Order: 1, Asc: true, Filter: Filter{2: &word}}},
		{"no filter", "alice", Query{Order: 1, Asc: true}},
	} {
		space := sp(tt.user)
		if tt.user == "" {
			space = Space{Collection: resource.TrendingItems, User: "alice"}
		}
		if _, err := testKey.DecodeToken(tok, space, tt.q); !errors.Is(err, ErrBadToken) {
			t.Errorf("token for another %s: %v, want ErrBadToken", tt.desc, err)
		}
	}
}

func BenchmarkToken(b *testing.B) {
	word := "Word"
	q := Query{Filter: Filter{0: &word}}
	payload := []byte("\x19\x00cAHUvQ2dQZmZ1ZlNDV2tXS3dSRm1qZy9hZC83ZmZm")
	b.ReportAllocs()
	for b.Loop() {
		tok := testKey.EncodeToken(sp("alice"), q, payload)
		if _, err := testKey.DecodeToken(tok, sp("alice"), q); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTokenKey: a token is good under every TokenKey of the secret it was made under (Worker
// isolates each derive their own) and under no other, and the format is the documented one:
// version 2, the first 16 bytes of HMAC-SHA256 under HMAC-SHA256(secret, "usedinsight page
// token v1"), the payload.
func TestTokenKey(t *testing.T) {
	q := Query{}
	payload := []byte("\x19\x00cursor")
	tok := NewTokenKey("secret one").EncodeToken(sp("alice"), q, payload)
	if got, err := NewTokenKey("secret one").DecodeToken(tok, sp("alice"), q); err != nil || string(got) != string(payload) {
		t.Errorf("another key of the same secret: %q, %v", got, err)
	}
	for _, secret := range []string{"secret two", "secret on", ""} {
		if _, err := NewTokenKey(secret).DecodeToken(tok, sp("alice"), q); !errors.Is(err, ErrBadToken) {
			t.Errorf("key of secret %q: %v, want ErrBadToken", secret, err)
		}
	}

	// The format, computed here from its description.
	mac := func(key []byte, parts ...[]byte) []byte {
		m := hmac.New(sha256.New, key)
		for _, p := range parts {
			m.Write(p)
		}
		return m.Sum(nil)
	}
	msg := []byte("\x16usedinsight page token\x02\x00\x00\x05alice\x04used\x00\x00\x00") // no filter
	for _, tt := range []struct {
		desc string
		key  []byte
		ok   bool
	}{
		{"the derived key", mac([]byte("secret one"), []byte("usedinsight page token v1")), true},
		{"the secret itself", []byte("secret one"), false},
	} {
		b := append([]byte{2}, mac(tt.key, msg, payload)[:16]...)
		forged := base64.RawURLEncoding.EncodeToString(append(b, payload...))
		if (forged == tok) != tt.ok {
			t.Errorf("token tagged with %s: %q, EncodeToken made %q", tt.desc, forged, tok)
		}
	}
}

// TestNumberKey: keys order as the numbers do, across signs, magnitudes and subnormals; -0 is
// 0; MinNumber is below every number.
func TestNumberKey(t *testing.T) {
	ascending := []float64{math.Inf(-1), -math.MaxFloat64, -1e300, -2, -1.9999999999999998, -1, -0.5,
		-math.SmallestNonzeroFloat64, 0, math.SmallestNonzeroFloat64, 1e-300, 0.1583399742569597, 0.5, 1,
		1.0000000000000002, 2, 1e300, math.MaxFloat64, math.Inf(1)}
	prev := int64(MinNumber)
	for _, x := range ascending {
		k := NumberKey(x)
		if k <= prev {
			t.Errorf("NumberKey(%g) = %d, not above the key %d of the number before it", x, k, prev)
		}
		prev = k
	}
	if NumberKey(math.Copysign(0, -1)) != NumberKey(0) {
		t.Errorf("NumberKey(-0) = %d, want NumberKey(0) = %d", NumberKey(math.Copysign(0, -1)), NumberKey(0))
	}
	if NumberKey(0) != 0 || NumberKey(1) != int64(math.Float64bits(1)) {
		t.Errorf("NumberKey(0), NumberKey(1) = %d, %d; want 0 and the bits of 1", NumberKey(0), NumberKey(1))
	}
}
