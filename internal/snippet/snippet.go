// Package snippet renders an HTTP request as ready-to-run code in several languages.
package snippet

import (
	"errors"
	"strconv"
	"strings"
)

// Request is the HTTP request a snippet sends.
type Request struct {
	Method  string      // e.g. "POST"; empty means GET
	URL     string      // absolute URL
	Headers [][2]string // name/value pairs in order
	Body    string      // request body; empty means none
}

// Languages lists the supported language names in display order.
// go-sdk and javascript-sdk are Microsoft's Graph SDKs (msgraph-sdk-go and
// @microsoft/microsoft-graph-client); they cover the insights collections and their items, and
// Generate's error wraps ErrNotAvailable for any other request.
var Languages = []string{"curl", "httpie", "fetch", "go", "powershell", "go-sdk", "javascript-sdk"}

// Generate returns r rendered as code in the named language (one of Languages, case-insensitive);
// an unknown language is an error, and so is a request the language cannot express (wrapping
// ErrNotAvailable).
func Generate(language string, r Request) (string, error) {
	if r.Method == "" {
		r.Method = "GET"
	}
	var b strings.Builder
	switch strings.ToLower(language) {
	case "curl":
		curl(&b, r)
	case "httpie":
		httpie(&b, r)
	case "fetch":
		fetch(&b, r)
	case "go":
		goProgram(&b, r)
	case "powershell":
		powershell(&b, r)
	case "go-sdk":
		if err := goSDK(&b, r); err != nil {
			return "", err
		}
	case "javascript-sdk":
		if err := jsClient(&b, r); err != nil {
			return "", err
		}
	default:
		return "", errors.New("snippet: unknown language " + strconv.Quote(language))
	}
	return b.String(), nil
}

// curl writes a POSIX sh command line. An empty header value is sent with
// curl's "Name;" form, since "Name:" would remove the header instead.
func curl(b *strings.Builder, r Request) {
	b.WriteString("curl")
	switch {
	case r.Method == "HEAD" && r.Body == "":
		b.WriteString(" --head") // -X HEAD would wait for a body that never comes
	case r.Method != "GET" || r.Body != "":
		b.WriteString(" -X ")
		writeShWord(b, r.Method)
	}
	b.WriteByte(' ')
	writeSh(b, r.URL)
	for _, h := range r.Headers {
		b.WriteString(" \\\n  -H ")
		if h[1] == "" {
			writeSh(b, h[0], ";")
		} else {
			writeSh(b, h[0], ": ", h[1])
		}
	}
	if r.Body != "" {
		b.WriteString(" \\\n  --data-raw ")
		writeSh(b, r.Body)
	}
	b.WriteByte('\n')
}

// httpie writes an HTTPie 3 command line. The body goes in "--raw=..." so a
// body starting with "-" is not taken for an option.
func httpie(b *strings.Builder, r Request) {
	b.WriteString("http ")
	writeShWord(b, r.Method)
	b.WriteByte(' ')
	writeSh(b, r.URL)
	for _, h := range r.Headers {
		b.WriteString(" \\\n  ")
		writeSh(b, httpieHeader(h[0], h[1]))
	}
	if r.Body != "" {
		b.WriteString(" \\\n  --raw=")
		writeSh(b, r.Body)
	}
	b.WriteByte('\n')
}

// httpieHeader returns the HTTPie request item for a header, before shell
// quoting. HTTPie splits an item at its first separator, so the rest of the
// value is literal, except that a value starting with "=" or "@" would turn
// ":" into ":=" (raw JSON) or ":@" (header from file); a backslash keeps it a
// plain header. HTTPie has no way to keep a backslash that precedes one of
// ":;=@" in a value: it always drops it.
func httpieHeader(name, value string) string {
	switch {
	case value == "":
		return name + ";" // "Name:" would unset the header
	case value[0] == '=' || value[0] == '@':
		return name + `:\` + value
	}
	return name + ":" + value
}

// fetch writes a JavaScript module for Node 18+ or a browser console.
// Repeated header names are joined with ", ", as fetch itself would do.
// fetch refuses a body on GET or HEAD; such a snippet throws a TypeError.
func fetch(b *strings.Builder, r Request) {
	b.WriteString("const response = await fetch(")
	writeJS(b, r.URL)
	if r.Method != "GET" || len(r.Headers) > 0 || r.Body != "" {
		b.WriteString(", {\n")
		if r.Method != "GET" {
			b.WriteString("  method: ")
			writeJS(b, r.Method)
			b.WriteString(",\n")
		}
		if len(r.Headers) > 0 {
			b.WriteString("  headers: {\n")
			for _, h := range mergeHeaders(r.Headers) {
				b.WriteString("    ")
				writeJS(b, h[0])
				b.WriteString(": ")
				writeJS(b, h[1])
				b.WriteString(",\n")
			}
			b.WriteString("  },\n")
		}
		if r.Body != "" {
			b.WriteString("  body: ")
			writeJS(b, r.Body)
			b.WriteString(",\n")
		}
		b.WriteByte('}')
	}
	b.WriteString(");\n")
	b.WriteString("console.log(response.status, response.statusText);\n")
	b.WriteString("console.log(await response.text());\n")
}

// goProgram writes a gofmt-formatted Go program. A Host header becomes
// req.Host, because net/http ignores it in req.Header.
func goProgram(b *strings.Builder, r Request) {
	b.WriteString("package main\n\nimport (\n\t\"fmt\"\n\t\"io\"\n\t\"log\"\n\t\"net/http\"\n\t\"os\"\n")
	if r.Body != "" {
		b.WriteString("\t\"strings\"\n")
	}
	b.WriteString(")\n\nfunc main() {\n")
	if r.Body != "" {
		b.WriteString("\tbody := strings.NewReader(")
		writeGo(b, r.Body)
		b.WriteString(")\n")
	}
	b.WriteString("\treq, err := http.NewRequest(")
	writeGo(b, r.Method)
	b.WriteString(", ")
	writeGo(b, r.URL)
	if r.Body != "" {
		b.WriteString(", body)\n")
	} else {
		b.WriteString(", nil)\n")
	}
	b.WriteString("\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n")
	for i, h := range r.Headers {
		if strings.EqualFold(h[0], "Host") {
			b.WriteString("\treq.Host = ")
			writeGo(b, h[1])
			b.WriteByte('\n')
			continue
		}
		if seenBefore(r.Headers[:i], h[0]) {
			b.WriteString("\treq.Header.Add(")
		} else {
			b.WriteString("\treq.Header.Set(")
		}
		writeGo(b, h[0])
		b.WriteString(", ")
		writeGo(b, h[1])
		b.WriteString(")\n")
	}
	b.WriteString(`
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
`)
}

// powershell writes an Invoke-WebRequest call that works in Windows
// PowerShell 5.1 and PowerShell 7. Content-Type goes in -ContentType (5.1
// refuses it in -Headers), repeated header names are joined with ", " (a
// hashtable cannot repeat a key), and a non-ASCII body is sent as UTF-8
// bytes, since 5.1 would encode a string body as ISO-8859-1.
func powershell(b *strings.Builder, r Request) {
	b.WriteString("$response = Invoke-WebRequest -UseBasicParsing -Method ")
	if isWord(r.Method) {
		b.WriteString(r.Method)
	} else {
		writePS(b, r.Method)
	}
	b.WriteString(" -Uri ")
	writePS(b, r.URL)
	var contentType string
	var hasType bool
	headers := mergeHeaders(r.Headers)
	for i, h := range headers {
		if strings.EqualFold(h[0], "Content-Type") {
			contentType, hasType = h[1], true
			headers = append(headers[:i:i], headers[i+1:]...)
			break
		}
	}
	if len(headers) > 0 {
		b.WriteString(" -Headers @{\n")
		for _, h := range headers {
			b.WriteString("    ")
			writePS(b, h[0])
			b.WriteString(" = ")
			writePS(b, h[1])
			b.WriteByte('\n')
		}
		b.WriteByte('}')
	}
	if hasType {
		b.WriteString(" -ContentType ")
		writePS(b, contentType)
	}
	if r.Body != "" {
		b.WriteString(" -Body ")
		if isASCII(r.Body) {
			writePS(b, r.Body)
		} else {
			b.WriteString("([System.Text.Encoding]::UTF8.GetBytes(")
			writePS(b, r.Body)
			b.WriteString("))")
		}
	}
	b.WriteString("\n$response.StatusCode\n$response.Content\n")
}

// mergeHeaders returns headers with repeated names (case-insensitive) joined
// into the first occurrence, values separated by ", ".
func mergeHeaders(headers [][2]string) [][2]string {
	out := make([][2]string, 0, len(headers))
next:
	for _, h := range headers {
		for i := range out {
			if strings.EqualFold(out[i][0], h[0]) {
				out[i][1] += ", " + h[1]
				continue next
			}
		}
		out = append(out, h)
	}
	return out
}

// seenBefore reports whether name (case-insensitive) is among headers.
func seenBefore(headers [][2]string, name string) bool {
	for _, h := range headers {
		if strings.EqualFold(h[0], name) {
			return true
		}
	}
	return false
}
