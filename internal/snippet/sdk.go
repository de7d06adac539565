package snippet

import (
	"errors"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/usedinsight/usedinsight/internal/insight"
)

// ErrNotAvailable is what Generate's error wraps when the language cannot express the request:
// Microsoft's Graph SDKs reach the insights collections and their items, not every URL.
var ErrNotAvailable = errors.New("not available for this request")

type notAvailable struct{ language, reason string }

func (e *notAvailable) Error() string {
	return "snippet: " + e.language + " is " + ErrNotAvailable.Error() + ": " + e.reason
}

func (e *notAvailable) Unwrap() error { return ErrNotAvailable }

// tokenEnv names the environment variable the SDK snippets read the bearer token from.
const tokenEnv = "USEDINSIGHT_TOKEN"

// sdkCollection is an insights collection as the SDKs name it.
type sdkCollection struct {
	segment string // URL segment and the Go builder's method: "used" → Used()
	item    string // the Go item builder's infix and By…Id: "UsedInsight"
	model   string // the Go model type: "UsedInsight"
}

var sdkCollections = []sdkCollection{
	{"used", "UsedInsight", "UsedInsight"},
	{"trending", "Trending", "Trending"},
	{"shared", "SharedInsight", "SharedInsight"},
}

// sdkRequest is a request to an insights collection, split as the SDKs build it.
type sdkRequest struct {
	method  string
	origin  string // scheme://host[:port]
	host    string // host name, without port or brackets
	version string // "v1.0"
	path    string // the path after the version, escaped as in the URL: "/me/insights/used"
	user    string // the user's id; "" for /me
	coll    *sdkCollection
	id      string // the item's id; "" for the collection
	count   bool   // the collection's /$count
	query   [][2]string
	headers [][2]string // besides those the SDKs set themselves
	body    gjson.Result
}

// sdkQuery tells where the SDKs set a query option by name: in a list, an item's GET, $count.
func sdkQuery(name string) (list, item, count, known bool) {
	switch name {
	case "$filter", "$search":
		return true, false, true, true
	case "$orderby", "$top", "$skip", "$count":
		return true, false, false, true
	case "$select", "$expand":
		return true, true, false, true
	}
	return false, false, false, false
}

// named reports whether the SDKs set query option n of s by name.
func (s *sdkRequest) named(n string) bool {
	list, item, count, known := sdkQuery(n)
	return known && s.method == "GET" && (s.count && count || s.id != "" && item || !s.count && s.id == "" && list)
}

// upper turns ASCII letters into capitals.
func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// lower turns ASCII capitals into small letters.
func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c - 'A' + 'a'
		}
	}
	return string(b)
}

// digits reports whether s is a whole number of 1 to 9 digits.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != "" && len(s) <= 9
}

// parseSDK splits r into an sdkRequest, or says why the SDKs cannot send it. genericQuery
// allows query options the SDK has no name for (JavaScript's .query()).
func parseSDK(language string, r Request, genericQuery bool) (*sdkRequest, error) {
	no := func(reason string) (*sdkRequest, error) { return nil, &notAvailable{language, reason} }
	s := &sdkRequest{method: upper(r.Method)}
	u := r.URL
	if i := strings.IndexByte(u, '#'); i >= 0 {
		u = u[:i]
	}
	var scheme string
	switch {
	case strings.HasPrefix(lower(u), "https://"):
		scheme, u = "https://", u[len("https://"):]
	case strings.HasPrefix(lower(u), "http://"):
		scheme, u = "http://", u[len("http://"):]
	default:
		return no("the URL is not http or https")
	}
	hostEnd := strings.IndexAny(u, "/?")
	if hostEnd < 0 {
		hostEnd = len(u)
	}
	authority := u[:hostEnd]
	if authority == "" || strings.ContainsAny(authority, "@\\ ") {
		return no("the URL has no plain host")
	}
	s.origin = scheme + authority
	s.host = authority
	if strings.HasPrefix(s.host, "[") {
		if i := strings.IndexByte(s.host, ']'); i > 0 {
			s.host = s.host[1:i]
		}
	} else if i := strings.LastIndexByte(s.host, ':'); i >= 0 {
		s.host = s.host[:i]
	}
	rest := u[hostEnd:]
	rawQuery := ""
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, rawQuery = rest[:i], rest[i+1:]
	}
	segs := strings.Split(strings.TrimPrefix(rest, "/"), "/")
	decoded := make([]string, len(segs))
	for i, seg := range segs {
		d, ok := unescape(seg, false)
		if !ok {
			return no("the path has an invalid %-escape")
		}
		decoded[i] = d
	}
	if len(segs) < 1 || decoded[0] == "" || decoded[0] == "me" || decoded[0] == "users" {
		return no("the SDKs put a version such as v1.0 before the path")
	}
	s.version = decoded[0]
	s.path = strings.TrimPrefix(rest, "/"+segs[0])
	p := decoded[1:]
	switch {
	case len(p) >= 1 && p[0] == "me":
		p = p[1:]
	case len(p) >= 2 && p[0] == "users" && p[1] != "":
		s.user, p = p[1], p[2:]
	default:
		return no("the SDK snippets cover /me/insights and /users/{id}/insights")
	}
	if len(p) < 2 || p[0] != "insights" {
		return no("the SDK snippets cover the insights collections: used, trending and shared")
	}
	for i := range sdkCollections {
		if p[1] == sdkCollections[i].segment {
			s.coll = &sdkCollections[i]
		}
	}
	if s.coll == nil {
		return no("the SDK snippets cover the insights collections: used, trending and shared")
	}
	switch p = p[2:]; {
	case len(p) == 0:
	case len(p) == 1 && p[0] == "$count":
		s.count = true
	case len(p) == 1 && p[0] != "" && !strings.HasPrefix(p[0], "$"):
		s.id = p[0]
	default:
		return no("the SDK snippets cover a collection, its $count and its items")
	}

	var allowed []string
	switch {
	case s.count:
		allowed = []string{"GET"}
	case s.id != "":
		allowed = []string{"GET", "PATCH", "DELETE"}
	default:
		allowed = []string{"GET", "POST"}
	}
	ok := false
	for _, m := range allowed {
		ok = ok || s.method == m
	}
	if !ok {
		return no("the SDK sends " + strings.Join(allowed, ", ") + " here, not " + strconv.Quote(r.Method))
	}

	if rawQuery != "" {
		for _, kv := range strings.Split(rawQuery, "&") {
			if kv == "" {
				continue
			}
			name, value, _ := strings.Cut(kv, "=")
			n, ok1 := unescape(name, true)
			v, ok2 := unescape(value, true)
			if !ok1 || !ok2 {
				return no("the query has an invalid %-escape")
			}
			for _, q := range s.query {
				if q[0] == n {
					return no("the query repeats " + n)
				}
			}
			known := s.named(n)
			if !known && !genericQuery {
				return no("the SDK has no query parameter " + strconv.Quote(n) + " for this request (it follows @odata.nextLink by itself)")
			}
			switch n {
			case "$top", "$skip":
				if known && !digits(v) {
					return no(n + " is not a whole number")
				}
			case "$count":
				if known && v != "true" && v != "false" {
					return no("$count is neither true nor false")
				}
			}
			s.query = append(s.query, [2]string{n, v})
		}
	}

	for _, h := range r.Headers {
		switch lower(h[0]) {
		case "authorization", "content-type", "content-length", "accept", "host":
			// the SDK sets these itself: the token from its provider, JSON for a body
		default:
			s.headers = append(s.headers, h)
		}
	}

	switch {
	case s.method == "POST" || s.method == "PATCH":
		if !gjson.Valid(r.Body) {
			return no("the body is not JSON")
		}
		s.body = gjson.Parse(r.Body)
		if !s.body.IsObject() {
			return no("the body is not a JSON object")
		}
	case strings.TrimSpace(r.Body) != "":
		return no("the SDK sends no body with " + s.method)
	}
	return s, nil
}

// unescape decodes %XX escapes, and in a query "+" as a space.
func unescape(s string, query bool) (string, bool) {
	if !strings.ContainsAny(s, "%+") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '%':
			if i+2 >= len(s) {
				return "", false
			}
			hi, lo := unhex(s[i+1]), unhex(s[i+2])
			if hi < 0 || lo < 0 {
				return "", false
			}
			b.WriteByte(byte(hi<<4 | lo))
			i += 2
		case c == '+' && query:
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}

// ---- Go: msgraph-sdk-go ----

// goMember is a member the SDK's model serializes, and how its setter takes it.
type goMember struct {
	json, setter string
	kind         byte   // 's' string, 't' date-time, 'f' Edm.Double, 'o' object, 'a' array of objects
	model        string // the model of an object or of an array's elements
}

// goModel lists what each model of the insights serializes; any other member of the body
// goes in the model's additional data. Graph's metadata marks resourceVisualization,
// resourceReference and sharingReference as computed, so the SDK never writes them.
// The members of each model (static data: a literal in a function would be code).
var (
	usedInsightMembers     = []goMember{{"id", "SetId", 's', ""}, {"@odata.type", "SetOdataType", 's', ""}, {"lastUsed", "SetLastUsed", 'o', "UsageDetails"}}
	usageDetailsMembers    = []goMember{{"@odata.type", "SetOdataType", 's', ""}, {"lastAccessedDateTime", "SetLastAccessedDateTime", 't', ""}, {"lastModifiedDateTime", "SetLastModifiedDateTime", 't', ""}}
	trendingMembers        = []goMember{{"id", "SetId", 's', ""}, {"@odata.type", "SetOdataType", 's', ""}, {"weight", "SetWeight", 'f', ""}, {"lastModifiedDateTime", "SetLastModifiedDateTime", 't', ""}}
	sharedInsightMembers   = []goMember{{"id", "SetId", 's', ""}, {"@odata.type", "SetOdataType", 's', ""}, {"lastShared", "SetLastShared", 'o', "SharingDetail"}, {"sharingHistory", "SetSharingHistory", 'a', "SharingDetail"}}
	sharingDetailMembers   = []goMember{{"@odata.type", "SetOdataType", 's', ""}, {"sharedBy", "SetSharedBy", 'o', "InsightIdentity"}, {"sharedDateTime", "SetSharedDateTime", 't', ""}, {"sharingSubject", "SetSharingSubject", 's', ""}, {"sharingType", "SetSharingType", 's', ""}}
	insightIdentityMembers = []goMember{{"@odata.type", "SetOdataType", 's', ""}, {"address", "SetAddress", 's', ""}, {"displayName", "SetDisplayName", 's', ""}, {"id", "SetId", 's', ""}}
)

func goModel(name string) []goMember {
	switch name {
	case "UsedInsight":
		return usedInsightMembers
	case "UsageDetails":
		return usageDetailsMembers
	case "Trending":
		return trendingMembers
	case "SharedInsight":
		return sharedInsightMembers
	case "SharingDetail":
		return sharingDetailMembers
	case "InsightIdentity":
		return insightIdentityMembers
	}
	return nil
}

// goGen writes the statements of a Go SDK program and notes what they need.
type goGen struct {
	b     strings.Builder
	names map[string]int
	ptr   bool // uses ptr
	at    bool // uses at
	json  bool // uses encoding/json
}

// name returns a new variable name based on base.
func (g *goGen) name(base string) string {
	if g.names == nil {
		g.names = map[string]int{"ctx": 1, "client": 1, "err": 1, "config": 1, "query": 1, "headers": 1}
	}
	g.names[base]++
	if n := g.names[base]; n > 1 {
		return base + strconv.Itoa(n)
	}
	return base
}

// typed reports whether v can go through the member's setter as the SDK writes it.
func (m goMember) typed(v gjson.Result) bool {
	switch m.kind {
	case 's':
		return v.Type == gjson.String
	case 't':
		return v.Type == gjson.String && rfc3339(v.Str)
	case 'f':
		if v.Type == gjson.Number {
			_, ok := insight.ParseNumber(v.Raw)
			return ok
		}
		_, ok := insight.ParseNumber(v.Str)
		return v.Type == gjson.String && ok
	case 'o':
		return v.IsObject()
	case 'a':
		if !v.IsArray() {
			return false
		}
		ok := true
		v.ForEach(func(_, e gjson.Result) bool {
			ok = e.IsObject()
			return ok
		})
		return ok
	}
	return false
}

// rfc3339 reports whether s is a date-time that both this service and Go's time.Parse with
// time.RFC3339Nano (the snippet's at) read: the service's form, with seconds, "T" and "Z" or an
// offset. (time.Parse itself would make the WebAssembly module much larger.)
func rfc3339(s string) bool {
	_, ok := insight.ParseDateTime(s)
	n := len(s)
	return ok && n >= 20 && s[10] == 'T' && s[16] == ':' && (s[n-1] == 'Z' || s[n-6] == '+' || s[n-6] == '-')
}

// model writes statements that build the named model from obj into a new variable, and returns
// the variable's name.
func (g *goGen) model(model, varName string, obj gjson.Result) string {
	v := g.name(varName)
	b := &g.b
	b.WriteString("\t" + v + " := models.New" + model + "()\n")
	members := goModel(model)
	var extra [][2]string // JSON name, raw value
	obj.ForEach(func(k, val gjson.Result) bool {
		for _, m := range members {
			if m.json != k.Str || !m.typed(val) {
				continue
			}
			switch m.kind {
			case 's':
				g.ptr = true
				b.WriteString("\t" + v + "." + m.setter + "(ptr(")
				writeGo(b, val.Str)
				b.WriteString("))\n")
			case 't':
				g.at = true
				b.WriteString("\t" + v + "." + m.setter + "(at(")
				writeGo(b, val.Str)
				b.WriteString("))\n")
			case 'f':
				g.ptr = true
				text := val.Raw
				if val.Type == gjson.String {
					text = val.Str
				}
				f, _ := insight.ParseNumber(text)
				b.WriteString("\t" + v + "." + m.setter + "(ptr(" + goFloat(f) + "))\n")
			case 'o':
				child := g.model(m.model, m.json, val)
				b.WriteString("\t" + v + "." + m.setter + "(" + child + ")\n")
			case 'a':
				list := g.name(m.json)
				b.WriteString("\t" + list + " := []models." + m.model + "able{}\n")
				val.ForEach(func(_, e gjson.Result) bool {
					child := g.model(m.model, "detail", e)
					b.WriteString("\t" + list + " = append(" + list + ", " + child + ")\n")
					return true
				})
				b.WriteString("\t" + v + "." + m.setter + "(" + list + ")\n")
			}
			return true
		}
		extra = append(extra, [2]string{k.Str, val.Raw})
		return true
	})
	if len(extra) > 0 {
		data := g.name(v + "Data")
		b.WriteString("\t" + data + " := map[string]any{}\n")
		for _, e := range extra {
			b.WriteString("\t" + data + "[")
			writeGo(b, e[0])
			b.WriteString("] = ")
			g.value(gjson.Parse(e[1]))
			b.WriteByte('\n')
		}
		b.WriteString("\t" + v + ".SetAdditionalData(" + data + ")\n")
	}
	return v
}

// value writes a JSON value as a Go literal that encoding/json writes back the same.
func (g *goGen) value(v gjson.Result) {
	b := &g.b
	switch {
	case v.IsObject():
		b.WriteString("map[string]any{")
		first := true
		v.ForEach(func(k, e gjson.Result) bool {
			if !first {
				b.WriteString(", ")
			}
			first = false
			writeGo(b, k.Str)
			b.WriteString(": ")
			g.value(e)
			return true
		})
		b.WriteByte('}')
	case v.IsArray():
		b.WriteString("[]any{")
		first := true
		v.ForEach(func(_, e gjson.Result) bool {
			if !first {
				b.WriteString(", ")
			}
			first = false
			g.value(e)
			return true
		})
		b.WriteByte('}')
	case v.Type == gjson.String:
		writeGo(b, v.Str)
	case v.Type == gjson.True:
		b.WriteString("true")
	case v.Type == gjson.False:
		b.WriteString("false")
	case v.Type == gjson.Number:
		if f, ok := insight.ParseNumber(v.Raw); ok {
			b.WriteString(goFloat(f))
		} else {
			g.json = true // beyond float64: keep the digits
			b.WriteString("json.Number(")
			writeGo(b, v.Raw)
			b.WriteByte(')')
		}
	default:
		b.WriteString("nil")
	}
}

// goFloat writes f as an untyped Go constant that defaults to float64.
func goFloat(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

// goSDK writes a complete Go program that sends r with Microsoft's Graph SDK for Go.
func goSDK(b *strings.Builder, r Request) error {
	s, err := parseSDK("go-sdk", r, false)
	if err != nil {
		return err
	}
	g := &goGen{}
	g.name("ctx")
	c := s.coll
	title := upper(c.segment[:1]) + c.segment[1:]
	prefix := "ItemInsights" + title // the users package's names for this collection
	var op string
	switch {
	case s.count:
		prefix += "Count"
		op = "Get"
	case s.id != "":
		prefix += c.item + "Item"
		op = upper(s.method[:1]) + lower(s.method[1:])
	default:
		op = upper(s.method[:1]) + lower(s.method[1:])
	}

	// The body.
	item := ""
	if s.method == "POST" || s.method == "PATCH" {
		item = g.model(c.model, "item", s.body)
	}

	// Query options and headers.
	config := "nil"
	if len(s.query) > 0 || len(s.headers) > 0 {
		config = "config"
		if len(s.query) > 0 {
			g.b.WriteString("\tquery := &users." + prefix + "RequestBuilder" + op + "QueryParameters{}\n")
			for _, q := range s.query {
				g.b.WriteString("\tquery.")
				switch q[0] {
				case "$filter", "$search":
					g.ptr = true
					g.b.WriteString(upper(q[0][1:2]) + q[0][2:] + " = ptr(")
					writeGo(&g.b, q[1])
					g.b.WriteByte(')')
				case "$orderby", "$select", "$expand":
					g.b.WriteString(upper(q[0][1:2]) + q[0][2:] + " = []string{")
					for i, part := range strings.Split(q[1], ",") {
						if i > 0 {
							g.b.WriteString(", ")
						}
						writeGo(&g.b, strings.TrimSpace(part))
					}
					g.b.WriteByte('}')
				case "$top", "$skip":
					g.ptr = true
					g.b.WriteString(upper(q[0][1:2]) + q[0][2:] + " = ptr(int32(" + q[1] + "))")
				case "$count":
					g.ptr = true
					g.b.WriteString("Count = ptr(" + q[1] + ")")
				}
				g.b.WriteByte('\n')
			}
		}
		if len(s.headers) > 0 {
			g.b.WriteString("\theaders := abstractions.NewRequestHeaders()\n")
			for _, h := range s.headers {
				g.b.WriteString("\theaders.Add(")
				writeGo(&g.b, h[0])
				g.b.WriteString(", ")
				writeGo(&g.b, h[1])
				g.b.WriteString(")\n")
			}
		}
		g.b.WriteString("\tconfig := &users." + prefix + "RequestBuilder" + op + "RequestConfiguration{}\n")
		if len(s.query) > 0 {
			g.b.WriteString("\tconfig.QueryParameters = query\n")
		}
		if len(s.headers) > 0 {
			g.b.WriteString("\tconfig.Headers = headers\n")
		}
	}

	// The call.
	var call strings.Builder
	if s.user == "" {
		call.WriteString("client.Me()")
	} else {
		call.WriteString("client.Users().ByUserId(")
		writeGo(&call, s.user)
		call.WriteByte(')')
	}
	call.WriteString(".Insights()." + title + "()")
	switch {
	case s.count:
		call.WriteString(".Count()")
	case s.id != "":
		call.WriteString(".By" + c.item + "Id(")
		writeGo(&call, s.id)
		call.WriteByte(')')
	}
	call.WriteString("." + op + "(ctx, ")
	if item != "" {
		call.WriteString(item + ", ")
	}
	call.WriteString(config + ")")
	switch {
	case s.count:
		g.b.WriteString("\tcount, err := " + call.String() + "\n\tcheck(err)\n\tfmt.Println(*count)\n")
	case s.method == "DELETE":
		g.b.WriteString("\tcheck(" + call.String() + ")\n\tfmt.Println(\"deleted\")\n")
	case s.method == "GET" && s.id == "":
		g.b.WriteString("\tpage, err := " + call.String() + `
	check(err)
	for _, item := range page.GetValue() {
		fmt.Println(*item.GetId())
	}
	if count := page.GetOdataCount(); count != nil {
		fmt.Println("count:", *count)
	}
	if next := page.GetOdataNextLink(); next != nil {
		fmt.Println("next page:", *next)
	}
`)
	case s.method == "GET":
		g.b.WriteString("\tgot, err := " + call.String() + "\n\tcheck(err)\n\tfmt.Println(*got.GetId())\n")
	case s.method == "POST":
		g.b.WriteString("\tcreated, err := " + call.String() + "\n\tcheck(err)\n\tfmt.Println(\"created\", *created.GetId())\n")
	case s.method == "PATCH":
		g.b.WriteString("\tupdated, err := " + call.String() + `
	check(err)
	if updated != nil {
		fmt.Println("updated", *updated.GetId())
	} else {
		fmt.Println("updated")
	}
`)
	}

	b.WriteString(`// Microsoft's Graph SDK for Go (msgraph-sdk-go) against this service. The bearer token is read
// from the ` + tokenEnv + ` environment variable.
//
// msgraphsdk.NewGraphServiceClient(adapter) gives the same Me() and Users(); this program builds
// them from the SDK's users package (newClient, below), which compiles in a few minutes where the
// whole SDK takes tens of minutes.
package main

import (
	"context"
`)
	if g.json {
		b.WriteString("\t\"encoding/json\"\n")
	}
	b.WriteString("\t\"errors\"\n\t\"fmt\"\n\t\"log\"\n\t\"net/url\"\n\t\"os\"\n")
	if g.at {
		b.WriteString("\t\"time\"\n")
	}
	b.WriteString(`
	abstractions "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoft/kiota-abstractions-go/authentication"
	"github.com/microsoft/kiota-abstractions-go/serialization"
	"github.com/microsoft/kiota-abstractions-go/store"
	jsonserialization "github.com/microsoft/kiota-serialization-json-go"
	textserialization "github.com/microsoft/kiota-serialization-text-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
`)
	if item != "" {
		b.WriteString("\t\"github.com/microsoftgraph/msgraph-sdk-go/models\"\n")
	}
	b.WriteString(`	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

func main() {
	ctx := context.Background()
	client := newClient(`)
	writeGo(b, s.origin+"/"+s.version)
	b.WriteString(", ")
	writeGo(b, s.host)
	b.WriteString(")\n\n")
	b.WriteString(g.b.String())
	b.WriteString(`}

// token gives the SDK the bearer token from the environment, for the service's host only.
type token struct{ host string }

func (t token) GetAuthorizationToken(context.Context, *url.URL, map[string]any) (string, error) {
	return os.Getenv("` + tokenEnv + `"), nil
}

func (t token) GetAllowedHostsValidator() *authentication.AllowedHostsValidator {
	v := authentication.NewAllowedHostsValidator([]string{t.host})
	return &v
}

// graphClient is the part of msgraphsdk.GraphServiceClient this program uses.
type graphClient struct{ adapter abstractions.RequestAdapter }

// newClient sets up the SDK as msgraphsdk.NewGraphServiceClient does: the Graph middleware (retry,
// redirects, /me), the JSON and text serializers, the backing store, and the base URL.
func newClient(baseURL, host string) graphClient {
	abstractions.RegisterDefaultSerializer(func() serialization.SerializationWriterFactory {
		return jsonserialization.NewJsonSerializationWriterFactory()
	})
	abstractions.RegisterDefaultSerializer(func() serialization.SerializationWriterFactory {
		return textserialization.NewTextSerializationWriterFactory()
	})
	abstractions.RegisterDefaultDeserializer(func() serialization.ParseNodeFactory {
		return jsonserialization.NewJsonParseNodeFactory()
	})
	abstractions.RegisterDefaultDeserializer(func() serialization.ParseNodeFactory {
		return textserialization.NewTextParseNodeFactory()
	})
	auth := authentication.NewBaseBearerTokenAuthenticationProvider(token{host})
	adapter, err := msgraphcore.NewGraphRequestAdapterBase(auth, msgraphcore.GraphClientOptions{GraphServiceLibraryVersion: "1.89.0"})
	check(err)
	adapter.SetBaseUrl(baseURL)
	adapter.EnableBackingStore(store.BackingStoreFactoryInstance)
	return graphClient{adapter}
}
`)
	if s.user == "" {
		b.WriteString(`
// Me is client.Me(): the Graph middleware sends /users/me-token-to-replace as /me.
func (c graphClient) Me() *users.UserItemRequestBuilder {
	return users.NewUserItemRequestBuilderInternal(map[string]string{"baseurl": c.adapter.GetBaseUrl(), "user%2Did": "me-token-to-replace"}, c.adapter)
}
`)
	} else {
		b.WriteString(`
// Users is client.Users().
func (c graphClient) Users() *users.UsersRequestBuilder {
	return users.NewUsersRequestBuilderInternal(map[string]string{"baseurl": c.adapter.GetBaseUrl()}, c.adapter)
}
`)
	}
	if g.ptr {
		b.WriteString("\nfunc ptr[T any](v T) *T { return &v }\n")
	}
	if g.at {
		b.WriteString(`
// at parses a date-time as the SDK's models take it.
func at(s string) *time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	check(err)
	return &t
}
`)
	}
	b.WriteString(`
// check stops the program at an error, with the service's status and error code if it sent one.
func check(err error) {
	if err == nil {
		return
	}
	var odataErr *odataerrors.ODataError
	if errors.As(err, &odataErr) {
		if e := odataErr.GetErrorEscaped(); e != nil && e.GetCode() != nil && e.GetMessage() != nil {
			log.Fatalf("%d %s: %s", odataErr.ResponseStatusCode, *e.GetCode(), *e.GetMessage())
		}
	}
	log.Fatal(err)
}
`)
	return nil
}

// ---- JavaScript: @microsoft/microsoft-graph-client ----

// jsClient writes an ES module for Node.js 18+ that sends r with Microsoft's JavaScript Graph
// client.
func jsClient(b *strings.Builder, r Request) error {
	s, err := parseSDK("javascript-sdk", r, true)
	if err != nil {
		return err
	}
	b.WriteString(`// Microsoft's JavaScript Graph client (npm install @microsoft/microsoft-graph-client) against
// this service, as an ES module for Node.js 18 or later. The bearer token is read from the
// ` + tokenEnv + ` environment variable.
// The client sends the token only to https URLs whose host is Graph's or in customHosts: the
// service must be served over https.
`)
	if strings.HasPrefix(s.origin, "http://") {
		b.WriteString("// This URL is http: the client will not send the token (locally, serve it with HTTPS=1 make dev).\n")
	}
	b.WriteString(`import graph from '@microsoft/microsoft-graph-client';

const { Client } = graph;

const client = Client.init({
  baseUrl: `)
	writeJS(b, s.origin)
	b.WriteString(",\n  defaultVersion: ")
	writeJS(b, s.version)
	b.WriteString(",\n  customHosts: new Set([")
	writeJS(b, s.host)
	b.WriteString("]),\n  authProvider: (done) => done(null, process.env." + tokenEnv + "),\n});\n\n")
	if s.method == "DELETE" {
		b.WriteString("await client.api(")
	} else {
		b.WriteString("const result = await client.api(")
	}
	writeJS(b, s.path)
	b.WriteByte(')')
	var generic [][2]string
	for _, q := range s.query {
		if !s.named(q[0]) {
			generic = append(generic, q)
			continue
		}
		b.WriteString("\n  ." + lower(q[0][1:]) + "(")
		switch q[0] {
		case "$top", "$skip", "$count":
			b.WriteString(q[1])
		default:
			writeJS(b, q[1])
		}
		b.WriteByte(')')
	}
	if len(generic) > 0 {
		b.WriteString("\n  .query({ ")
		for i, q := range generic {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJS(b, q[0])
			b.WriteString(": ")
			writeJS(b, q[1])
		}
		b.WriteString(" })")
	}
	for _, h := range s.headers {
		b.WriteString("\n  .header(")
		writeJS(b, h[0])
		b.WriteString(", ")
		writeJS(b, h[1])
		b.WriteByte(')')
	}
	switch s.method {
	case "GET":
		b.WriteString("\n  .get();\n")
	case "DELETE":
		b.WriteString("\n  .delete();\nconsole.log('deleted');\n")
	default:
		b.WriteString("\n  ." + lower(s.method) + "(")
		writeJSValue(b, s.body, "  ")
		b.WriteString(");\n")
	}
	if s.method != "DELETE" {
		b.WriteString("console.log(result === undefined ? 'done' : JSON.stringify(result, null, 2));\n")
	}
	return nil
}

// writeJSValue writes a JSON value as a JavaScript literal, objects and arrays one member a line.
func writeJSValue(b *strings.Builder, v gjson.Result, indent string) {
	switch {
	case v.IsObject() || v.IsArray():
		open, close := "{", "}"
		if v.IsArray() {
			open, close = "[", "]"
		}
		n := 0
		v.ForEach(func(k, e gjson.Result) bool {
			if n == 0 {
				b.WriteString(open + "\n")
			}
			n++
			b.WriteString(indent + "  ")
			if v.IsObject() {
				writeJS(b, k.Str)
				b.WriteString(": ")
			}
			writeJSValue(b, e, indent+"  ")
			b.WriteString(",\n")
			return true
		})
		if n == 0 {
			b.WriteString(open + close)
			return
		}
		b.WriteString(indent + close)
	case v.Type == gjson.String:
		writeJS(b, v.Str)
	default:
		b.WriteString(v.Raw) // numbers, true, false, null: JSON writes them as JavaScript does
	}
}
