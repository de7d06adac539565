package snippet

import (
	"go/format"
	"strings"
	"testing"
)

// seed is the playground's typical request.
var seed = Request{
	Method: "POST",
	URL:    "http://127.0.0.1:8787/v1.0/me/insights/used",
	Headers: [][2]string{
		{"Authorization", "Bearer xyz"},
		{"Content-Type", "application/json"},
	},
	Body: `{"resourceReference":{"id":"doc-1"}}`,
}

var get = Request{
	URL:     "http://127.0.0.1:8787/v1.0/me/insights/used?$top=2",
	Headers: [][2]string{{"Authorization", "Bearer xyz"}},
}

// hostileBody holds everything a careless quoter gets wrong.
const hostileBody = `{"text": "it's \"quoted\" \\ back\slash $HOME ${HOME} $(id) ` + "`id`" + ` %s %% !! ~"}` + "\n" +
	"line 2\r\n\ttabbed </script><script>alert('x')</script>\n" +
	"café é 😀 ‘single’ “double” \u2028\u2029 \x01\x7f '' \\'\n"

// hostileHeader is a header value with quotes and shell syntax; ASCII, as
// fetch only sends Latin-1 header values.
const hostileHeader = `it's "$HOME" \ $(id) ` + "`id` %s"

// hostile returns a request to base that carries hostileBody and
// hostileHeader, a quote in the path and a query string.
func hostile(base string) Request {
	return Request{
		Method: "PATCH",
		URL:    base + "/v1.0/me/insights/used/it's?$filter=type%20eq%20'Word'&$top=5",
		Headers: [][2]string{
			{"Authorization", "Bearer xyz"},
			{"Content-Type", "application/json; charset=utf-8"},
			{"X-Hostile", hostileHeader},
			{"X-Multi", "one"},
			{"x-multi", "two"},
		},
		Body: hostileBody,
	}
}

const goTail = `
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	fmt.Println(resp.Status)
	if _, err := io.Copy(os.Stdout, resp.Body); err != nil {
		log.Fatal(err)
	}
}
`

func TestGenerate(t *testing.T) {
	tests := []struct {
		name, lang string
		r          Request
		want       string
	}{
		{"seed", "curl", seed, `curl -X POST 'http://127.0.0.1:8787/v1.0/me/insights/used' \
  -H 'Authorization: Bearer xyz' \
  -H 'Content-Type: application/json' \
  --data-raw '{"resourceReference":{"id":"doc-1"}}'
`},
		{"seed", "httpie", seed, `http POST 'http://127.0.0.1:8787/v1.0/me/insights/used' \
  'Authorization:Bearer xyz' \
  'Content-Type:application/json' \
  --raw='{"resourceReference":{"id":"doc-1"}}'
`},
		{"seed", "fetch", seed, `const response = await fetch("http://127.0.0.1:8787/v1.0/me/insights/used", {
  method: "POST",
  headers: {
    "Authorization": "Bearer xyz",
    "Content-Type": "application/json",
  },
  body: '{"resourceReference":{"id":"doc-1"}}',
});
console.log(response.status, response.statusText);
console.log(await response.text());
`},
		{"seed", "go", seed, `package main

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strings"
)

func main() {
	body := strings.NewReader(` + "`" + `{"resourceReference":{"id":"doc-1"}}` + "`" + `)
	req, err := http.NewRequest("POST", "http://127.0.0.1:8787/v1.0/me/insights/used", body)
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer xyz")
	req.Header.Set("Content-Type", "application/json")
` + goTail},
		{"seed", "powershell", seed, `$response = Invoke-WebRequest -UseBasicParsing -Method POST -Uri 'http://127.0.0.1:8787/v1.0/me/insights/used' -Headers @{
    'Authorization' = 'Bearer xyz'
} -ContentType 'application/json' -Body '{"resourceReference":{"id":"doc-1"}}'
$response.StatusCode
$response.Content
`},

		{"get", "curl", get, `curl 'http://127.0.0.1:8787/v1.0/me/insights/used?$top=2' \
  -H 'Authorization: Bearer xyz'
`},
		{"get", "httpie", get, `http GET 'http://127.0.0.1:8787/v1.0/me/insights/used?$top=2' \
  'Authorization:Bearer xyz'
`},
		{"get", "fetch", get, `const response = await fetch("http://127.0.0.1:8787/v1.0/me/insights/used?$top=2", {
  headers: {
    "Authorization": "Bearer xyz",
  },
});
console.log(response.status, response.statusText);
console.log(await response.text());
`},
		{"get", "go", get, `package main

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
)

func main() {
	req, err := http.NewRequest("GET", "http://127.0.0.1:8787/v1.0/me/insights/used?$top=2", nil)
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer xyz")
` + goTail},
		{"get", "powershell", get, `$response = Invoke-WebRequest -UseBasicParsing -Method GET -Uri 'http://127.0.0.1:8787/v1.0/me/insights/used?$top=2' -Headers @{
    'Authorization' = 'Bearer xyz'
}
$response.StatusCode
$response.Content
`},

		{"bare get", "curl", Request{URL: "http://h/"}, "curl 'http://h/'\n"},
		{"bare get", "fetch", Request{URL: "http://h/"}, `const response = await fetch("http://h/");
console.log(response.status, response.statusText);
console.log(await response.text());
`},
		{"head", "curl", Request{Method: "HEAD", URL: "http://h/"}, "curl --head 'http://h/'\n"},
		{"get with body", "curl", Request{URL: "http://h/", Body: "x"}, "curl -X GET 'http://h/' \\\n  --data-raw 'x'\n"},
		{"odd method", "curl", Request{Method: "M-SEARCH", URL: "http://h/"}, "curl -X 'M-SEARCH' 'http://h/'\n"},
		{"empty header", "curl", Request{URL: "http://h/", Headers: [][2]string{{"X-Empty", ""}}},
			"curl 'http://h/' \\\n  -H 'X-Empty;'\n"},
		{"empty header", "httpie", Request{URL: "http://h/", Headers: [][2]string{{"X-Empty", ""}}},
			"http GET 'http://h/' \\\n  'X-Empty;'\n"},
		{"repeated header", "fetch", Request{URL: "http://h/", Headers: [][2]string{{"A", "1"}, {"B", "2"}, {"a", "3"}}},
			`const response = await fetch("http://h/", {
  headers: {
    "A": "1, 3",
    "B": "2",
  },
});
console.log(response.status, response.statusText);
console.log(await response.text());
`},
		{"repeated header and host", "go", Request{URL: "http://h/", Headers: [][2]string{{"A", "1"}, {"Host", "example.com"}, {"a", "3"}}},
			`package main

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
)

func main() {
	req, err := http.NewRequest("GET", "http://h/", nil)
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("A", "1")
	req.Host = "example.com"
	req.Header.Add("a", "3")
` + goTail},
		{"unicode body, no headers", "powershell", Request{Method: "PUT", URL: "http://h/it's", Body: "’é"},
			`$response = Invoke-WebRequest -UseBasicParsing -Method PUT -Uri 'http://h/it''s' -Body ([System.Text.Encoding]::UTF8.GetBytes('’’é'))
$response.StatusCode
$response.Content
`},
		{"case-insensitive language", "PowerShell", Request{URL: "http://h/", Headers: [][2]string{{"content-type", "text/plain"}, {"A", "1"}, {"a", "2"}}},
			`$response = Invoke-WebRequest -UseBasicParsing -Method GET -Uri 'http://h/' -Headers @{
    'A' = '1, 2'
} -ContentType 'text/plain'
$response.StatusCode
$response.Content
`},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+tt.lang, func(t *testing.T) {
			got, err := Generate(tt.lang, tt.r)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestGenerateUnknownLanguage(t *testing.T) {
	for _, lang := range []string{"", "python", "curl ", "c#"} {
		if got, err := Generate(lang, seed); err == nil {
			t.Errorf("Generate(%q) = %q, want an error", lang, got)
		}
	}
}

func TestGenerateEmptyMethodIsGET(t *testing.T) {
	explicit := get
	explicit.Method = "GET"
	for _, lang := range Languages {
		a, err1 := Generate(lang, get)
		b, err2 := Generate(lang, explicit)
		if err1 != nil || err2 != nil || a != b {
			t.Errorf("%s: empty method gives %q (%v), GET gives %q (%v)", lang, a, err1, b, err2)
		}
	}
}

// TestGoIsFormatted checks that the Go snippet parses and is gofmt-clean.
func TestGoIsFormatted(t *testing.T) {
	for _, r := range []Request{seed, get, hostile("http://h"), {URL: "http://h/", Body: "`\r\n"}} {
		src, err := Generate("go", r)
		if err != nil {
			t.Fatal(err)
		}
		formatted, err := format.Source([]byte(src))
		if err != nil {
			t.Fatalf("%v\n%s", err, src)
		}
		if string(formatted) != src {
			t.Errorf("not gofmt-clean:\n%s", src)
		}
	}
}

func TestWritePS(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `''`},
		{"plain", `'plain'`},
		{"it's", `'it''s'`},
		{"''", `''''''`},
		{"$HOME `id` \"q\" \\", "'$HOME `id` \"q\" \\'"},
		{"a\nb", "'a\nb'"},
		{"‘left’ ‚low‛", "'‘‘left’’ ‚‚low‛‛'"},
		{"“double” é 😀", "'“double” é 😀'"},
		{"bad \xff", "'bad \uFFFD'"},
	}
	for _, tt := range tests {
		var b strings.Builder
		writePS(&b, tt.in)
		if got := b.String(); got != tt.want {
			t.Errorf("writePS(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWriteJS(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{`say "hi"`, `'say "hi"'`},
		{`it's "x"`, `"it's \"x\""`},
		{`it's`, `"it's"`},
		{`a\b`, `"a\\b"`},
		{"a\nb\r\tc\x00\x1f\x7f", `"a\nb\r\tc\x00\x1f\x7f"`},
		{"\u2028\u2029", `"\u2028\u2029"`},
		{"é 😀 </script> ${x} `", "\"é 😀 </script> ${x} `\""},
		{"bad \xff", `"bad \ufffd"`},
	}
	for _, tt := range tests {
		var b strings.Builder
		writeJS(&b, tt.in)
		if got := b.String(); got != tt.want {
			t.Errorf("writeJS(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestWriteGo(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", `"plain"`},
		{`{"a":"\d"}`, "`{\"a\":\"\\d\"}`"},
		{"\"q\"\n", `"\"q\"\n"`},
		{"\"`\"", "\"\\\"`\\\"\""},
		{"\xff\"", `"\xff\""`},
	}
	for _, tt := range tests {
		var b strings.Builder
		writeGo(&b, tt.in)
		if got := b.String(); got != tt.want {
			t.Errorf("writeGo(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestHTTPieHeader(t *testing.T) {
	tests := []struct{ name, value, want string }{
		{"A", "b", "A:b"},
		{"A", "", "A;"},
		{"A", "=b", `A:\=b`},
		{"A", "@file", `A:\@file`},
		{"A", "b=c:d@e;f", "A:b=c:d@e;f"},
		{"A", "it's $x", "A:it's $x"},
	}
	for _, tt := range tests {
		if got := httpieHeader(tt.name, tt.value); got != tt.want {
			t.Errorf("httpieHeader(%q, %q) = %q, want %q", tt.name, tt.value, got, tt.want)
		}
	}
}
