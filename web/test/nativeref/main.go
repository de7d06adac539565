// Command nativeref is the native reference for the WebAssembly module: it answers the same
// calls with the Go core compiled for this machine, so that the Node.js tests can check that
// the build behind web/insight.mjs gives exactly the same answers (the server and the browser
// must agree on every verdict).
//
// It reads a JSON array of calls from standard input and writes a JSON array of results, one
// per call:
//
//	{"op": "validate", "text": base64, "type"} → {"valid", "problems": [{severity, code, path, message, offset, line, column}]}
//	{"op": "format"|"minify", "text": base64} → {"text"} or {"error": {"message", "offset"}}
//	{"op": "build", "fields": {...}, "odataTypes": bool, "type"} → {"text"} (compact)
//	{"op": "snippet", "language", "request": {"method", "url", "headers": [[name, value]...], "body"}} → {"text"} or {"error": {"message"}}
//
// type is an item's type as web/insight.mjs takes it ("trending"); absent means usedInsight.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/usedinsight/usedinsight/internal/insight"
	"github.com/usedinsight/usedinsight/internal/jsoncheck"
	"github.com/usedinsight/usedinsight/internal/resource"
	"github.com/usedinsight/usedinsight/internal/snippet"
)

type call struct {
	Op         string
	Text       []byte // base64 in JSON, so that any bytes can be sent
	Fields     insight.Fields
	ODataTypes bool
	Language   string
	Request    snippet.Request
	Type       string
}

type problem struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Path     string `json:"path"`
	Message  string `json:"message"`
	Offset   int    `json:"offset"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
}

// result is one answer: {"valid", "problems"}, {"text"} or {"error"}.
type result map[string]any

func main() {
	var calls []call
	if err := json.NewDecoder(os.Stdin).Decode(&calls); err != nil {
		fmt.Fprintln(os.Stderr, "nativeref:", err)
		os.Exit(2)
	}
	results := make([]result, len(calls))
	for i, c := range calls {
		results[i] = answer(c)
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, "nativeref:", err)
		os.Exit(1)
	}
}

func answer(c call) result {
	coll := resource.Used
	if c.Type != "" {
		if coll = resource.LookupType(c.Type); coll == nil {
			return result{"error": map[string]any{"message": "unknown type " + c.Type}}
		}
	}
	switch c.Op {
	case "validate":
		r := insight.ValidateFor(coll, c.Text)
		problems := []problem{}
		for _, p := range r.Problems {
			problems = append(problems, problem{p.Severity.String(), p.Code, p.Path, p.Message, p.Offset, p.Line, p.Column})
		}
		return result{"valid": r.Valid(), "problems": problems}
	case "format", "minify":
		f := insight.Format
		if c.Op == "minify" {
			f = insight.Minify
		}
		out, err := f(c.Text)
		if err != nil {
			e := err.(*jsoncheck.Error)
			return result{"error": map[string]any{"message": e.Msg, "offset": e.Offset}}
		}
		return text(string(out))
	case "build":
		return text(string(insight.BuildFor(coll, c.Fields, c.ODataTypes)))
	case "snippet":
		code, err := snippet.Generate(c.Language, c.Request)
		if err != nil {
			return result{"error": map[string]any{"message": err.Error()}}
		}
		return text(code)
	}
	return result{"error": map[string]any{"message": "unknown op " + c.Op}}
}

func text(s string) result { return result{"text": s} }
