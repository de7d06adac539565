package sjson

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// The fork's changes against what encoding/json made of the same values before them.

func TestForkStringsAsEncodingJSON(t *testing.T) {
	for _, s := range []string{
		"plain",
		`quote " and backslash \`,
		"<script>&amp;</script>",
		"tab\tnewline\ncarriage\rbell\x07nul\x00",
		"line\u2028paragraph\u2029",
		"invalid \xff\xfe utf-8",
		"é ü 日本 🙂",
	} {
		got, err := Set(`{"a":1}`, "b", s)
		if err != nil {
			t.Fatalf("Set(%q): %v", s, err)
		}
		var v struct{ B string }
		if err := json.Unmarshal([]byte(got), &v); err != nil {
			t.Fatalf("Set(%q) = %s, not JSON: %v", s, got, err)
		}
		want, _ := json.Marshal(s)
		var w string
		json.Unmarshal(want, &w)
		if v.B != w {
			t.Errorf("Set(%q) stored %q, encoding/json %q", s, v.B, w)
		}
	}
}

func TestForkValues(t *testing.T) {
	for _, c := range []struct {
		value any
		want  string
	}{
		{0, `{"a":0}`},
		{-42, `{"a":-42}`},
		{uint(7), `{"a":7}`},
		{nil, `{"a":null}`},
		{int64(math.MinInt64), `{"a":-9223372036854775808}`},
	} {
		got, err := Set(`{"a":1}`, "a", c.value)
		if err != nil || got != c.want {
			t.Errorf("Set(%#v) = %s, %v; want %s", c.value, got, err, c.want)
		}
	}
}

func TestForkUnsupported(t *testing.T) {
	for _, v := range []any{map[string]int{"x": 1}, []int{1}, struct{ X int }{1}, new(int)} {
		if got, err := Set(`{"a":1}`, "a", v); err == nil {
			t.Errorf("Set(%#v) = %s and no error; want the error that says to use SetRaw", v, got)
		}
	}
	if _, err := Set(`{"a":1}`, "a", math.NaN()); err == nil || !strings.Contains(err.Error(), "unsupported value: NaN") {
		t.Errorf("Set(NaN) error %v, want encoding/json's unsupported value", err)
	}
}

func TestForkPadError(t *testing.T) {
	_, err := Set(`[1,2,3]`, "100004", 4)
	want := "cannot pad array for key '100004', has 3 elements, limit is 100000"
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}
