package resource

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// The playground's copy of the description, web/src/resources.mjs, is generated here. To
// regenerate it after changing the description:
//
//	go test ./internal/resource/... -run TestGenerated -update
var update = flag.Bool("update", false, "rewrite the generated files")

// generatedJS is where the JavaScript description is written, from this directory.
const generatedJS = "../../web/src/resources.mjs"

// TestGeneratedJavaScript regenerates web/src/resources.mjs and fails when the file differs.
func TestGeneratedJavaScript(t *testing.T) {
	want := javaScript()
	if *update {
		if err := os.WriteFile(generatedJS, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(generatedJS)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run go test ./internal/resource/... -run TestGenerated -update", generatedJS)
	}
}

// javaScript renders the description as an ES module.
func javaScript() []byte {
	var b bytes.Buffer
	b.WriteString("// Code generated from internal/resource; DO NOT EDIT.\n")
	b.WriteString("// Regenerate with: go test ./internal/resource/... -run TestGenerated -update\n\n")
	b.WriteString("// The limits every string member follows, in characters.\n")
	fmt.Fprintf(&b, "export const limits = { maxIdLength: %d, maxUrlLength: %d, maxStringLength: %d };\n\n", MaxIDLen, MaxURLLen, MaxStringLen)
	b.WriteString("// The collections of a user's insights, with every member of their items (depth first in the\n")
	b.WriteString("// description's order; an object is listed before its members; an array member has `of`, the\n")
	b.WriteString("// members of one element, with paths relative to it), their orders (the first is the default,\n")
	b.WriteString("// descending) and filters.\n")
	b.WriteString("export const collections = [\n")
	for _, c := range Collections {
		b.WriteString("  {\n")
		fmt.Fprintf(&b, "    name: %s, type: %s, typeName: %s, noun: %s,\n", js(c.Name), js(c.Type.FullName()), js(c.Type.Name), js(c.Noun))
		fmt.Fprintf(&b, "    doc: %s,\n", js(c.Type.Doc))
		b.WriteString("    fields: [\n")
		writeFields(&b, c.Type, "", "      ")
		b.WriteString("    ],\n    orders: [\n")
		for _, o := range c.Orders {
			fmt.Fprintf(&b, "      { name: %s, path: %s, kind: %s },\n", js(o.Name), js(o.Path), js(o.Kind.String()))
		}
		b.WriteString("    ],\n    filters: [\n")
		for _, f := range c.Filters {
			fmt.Fprintf(&b, "      { name: %s, path: %s },\n", js(f.Name), js(f.Path))
		}
		b.WriteString("    ],\n  },\n")
	}
	b.WriteString("];\n")
	return b.Bytes()
}

// writeFields writes one line per member of t, at path prefix, and of its objects.
func writeFields(b *bytes.Buffer, t *Type, prefix, indent string) {
	for _, m := range t.Members {
		fmt.Fprintf(b, "%s{ path: %s, kind: %s", indent, js(prefix+m.Name), js(m.Kind.String()))
		if m.Type != nil {
			fmt.Fprintf(b, ", type: %s", js(m.Type.Name))
		}
		fmt.Fprintf(b, ", required: %t", m.Required)
		if m.NotNull {
			b.WriteString(", notNull: true")
		}
		if m.MaxItems > 0 {
			fmt.Fprintf(b, ", maxItems: %d", m.MaxItems)
		}
		if len(m.NeedsOneOf) > 0 {
			fmt.Fprintf(b, ", needsOneOf: %s", jsList(m.NeedsOneOf))
		}
		switch m.Check {
		case OneOf:
			fmt.Fprintf(b, ", values: %s, warnCode: %s", jsList(m.Values), js(m.WarnCode))
		case MediaType:
			fmt.Fprintf(b, ", check: 'mediaType', warnCode: %s", js(m.WarnCode))
		}
		fmt.Fprintf(b, ", doc: %s", js(m.Doc))
		switch m.Kind {
		case Array:
			b.WriteString(", of: [\n")
			writeFields(b, m.Type, "", indent+"  ")
			b.WriteString(indent + "] },\n")
		case Object:
			b.WriteString(" },\n")
			writeFields(b, m.Type, prefix+m.Name+".", indent)
		default:
			b.WriteString(" },\n")
		}
	}
}

// js renders s as a single-quoted JavaScript string.
func js(s string) string {
	q := strconv.Quote(s) // its escapes read the same in JavaScript, but for \U (not in the description)
	q = strings.ReplaceAll(q[1:len(q)-1], `\"`, `"`)
	return "'" + strings.ReplaceAll(q, "'", `\'`) + "'"
}

func jsList(list []string) string {
	parts := make([]string, len(list))
	for i, s := range list {
		parts[i] = js(s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
