package odata

import (
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tidwall/gjson"
	"github.com/usedinsight/usedinsight/internal/resource"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		raw     string
		want    string // fmt of the Query, or the option at fault prefixed with "error "
		allowed []string
	}{
		{"", "top=100 token= filter=[] order=0 asc=false select=[] count=false", nil},
		{"$top=25", "top=25 token= filter=[] order=0 asc=false select=[] count=false", nil},
		{"$top=1&$top=2", "error $top", nil},
		{"$top=1&$TOP=2", "error $top", nil},
		{"$TOP=7", "top=7 token= filter=[] order=0 asc=false select=[] count=false", nil},
		{"$top=999", "top=999 token= filter=[] order=0 asc=false select=[] count=false", nil},
		{"$top=1000", "error $top", nil},
		{"$top=0", "error $top", nil},
		{"$top=-5", "error $top", nil},
		{"$top=99999999999999999999999", "error $top", nil},
		{"$top=ten", "error $top", nil},
		{"$top=", "error $top", nil},
		{"$skiptoken=abc", "top=100 token=abc filter=[] order=0 asc=false select=[] count=false", nil},
		{"$skiptoken=", "error $skiptoken", nil},
		{"$count=true", "top=100 token= filter=[] order=0 asc=false select=[] count=true", nil},
		{"$count=TRUE", "top=100 token= filter=[] order=0 asc=false select=[] count=true", nil},
		{"$count=false", "top=100 token= filter=[] order=0 asc=false select=[] count=false", nil},
		{"$count=yes", "error $count", nil},
		{"$orderby=LastUsed/LastAccessedDateTime%20desc", "top=100 token= filter=[] order=0 asc=false select=[] count=false", nil},
		{"$orderby=lastused/lastaccesseddatetime+ASC", "top=100 token= filter=[] order=0 asc=true select=[] count=false", nil},
		{"$orderby=LastUsed/LastModifiedDateTime", "top=100 token= filter=[] order=1 asc=true select=[] count=false", nil},
		{"$orderby=LastUsed/LastModifiedDateTime desc", "top=100 token= filter=[] order=1 asc=false select=[] count=false", nil},
		{"$orderby=id", "error $orderby", nil},
		{"$orderby=ResourceVisualization/Type", "error $orderby", nil},
		{"$orderby=LastUsed/LastAccessedDateTime sideways", "error $orderby", nil},
		{"$orderby=", "error $orderby", nil},
		{"$select=lastUsed", "top=100 token= filter=[] order=0 asc=false select=[id lastUsed] count=false", nil},
		{"$select=resourceReference,ID, lastused", "top=100 token= filter=[] order=0 asc=false select=[id lastUsed resourceReference] count=false", nil},
		{"$select=resource", "error $select", nil},
		{"$select=", "error $select", nil},
		{"$select=lastUsed,", "error $select", nil},
		{"$filter=ResourceVisualization/Type eq 'Word'", "top=100 token= filter=[{0 Word}] order=0 asc=false select=[] count=false", nil},
		{"$filter=resourcevisualization/type%20EQ%20'Word'", "top=100 token= filter=[{0 Word}] order=0 asc=false select=[] count=false", nil},
		{"$filter=ResourceVisualization/containerType eq 'Site' and resourceReference/type eq 'microsoft.graph.driveItem'", "top=100 token= filter=[{1 Site} {2 microsoft.graph.driveItem}] order=0 asc=false select=[] count=false", nil},
		{"$filter=ResourceVisualization/Type eq 'O''Brien''s'", "top=100 token= filter=[{0 O'Brien's}] order=0 asc=false select=[] count=false", nil},
		{"$filter=ResourceVisualization/Type eq ''", "top=100 token= filter=[{0 }] order=0 asc=false select=[] count=false", nil},
		{"$filter=ResourceVisualization/Type eq 'a and b'", "top=100 token= filter=[{0 a and b}] order=0 asc=false select=[] count=false", nil},
		{"$filter=ResourceVisualization/Type eq 'Word", "error $filter", nil},
		{"$filter=ResourceVisualization/Type ne 'Word'", "error $filter", nil},
		{"$filter=ResourceVisualization/Title eq 'x'", "error $filter", nil},
		{"$filter=ResourceVisualization/Type eq Word", "error $filter", nil},
		{"$filter=ResourceVisualization/Type eq 'a' or ResourceVisualization/containerType eq 'b'", "error $filter", nil},
		{"$filter=ResourceVisualization/Type eq 'a' and ResourceVisualization/type eq 'b'", "error $filter", nil},
		{"$filter=(ResourceVisualization/Type eq 'a'", "error $filter", nil},
		{"$filter=ResourceVisualization/Type eq 'a' and", "error $filter", nil},
		{"$filter=", "error $filter", nil},
		{"$skip=5", "error $skip", nil},
		{"$expand=resource", "error $expand", nil},
		{"$search=x", "error $search", nil},
		{"$format=json", "error $format", nil},
		{"top=5&foo=bar", "top=100 token= filter=[] order=0 asc=false select=[] count=false", nil},
		{"%zz", "error ", nil},
		{"$top=5", "error $top", []string{"$filter"}},
		{"$filter=ResourceVisualization/Type eq 'Word'", "top=100 token= filter=[{0 Word}] order=0 asc=false select=[] count=false", []string{"$filter"}},
	}
	for _, tt := range tests {
		allowed := tt.allowed
		if allowed == nil {
			allowed = ListOptions
		}
		q, err := ParseQuery(resource.Used, tt.raw, allowed...)
		var got string
		if err != nil {
			qe := err.(*QueryError)
			got = "error " + qe.Option
			if qe.Message == "" {
				t.Errorf("%q: empty message", tt.raw)
			}
		} else {
			got = fmt.Sprintf("top=%d token=%s filter=%v order=%d asc=%v select=%v count=%v", q.Top, q.SkipToken, q.Filter, q.OrderBy, q.Asc, q.Select, q.Count)
			got = strings.Replace(got, "filter=[]", "filter=[]", 1)
		}
		if got != tt.want {
			t.Errorf("ParseQuery(%q)\n got %s\nwant %s", tt.raw, got, tt.want)
		}
	}
}

func TestQueryErrorsNameTheOption(t *testing.T) {
	for raw, want := range map[string]string{
		"$skip=1":                  "'$skip'",
		"$top=0":                   "$top",
		"$select=nope":             "'nope'",
		"$filter=Title eq 'x'":     "'Title'",
		"$orderby=Title":           "'Title'",
		"$top=1&$top=2":            "more than once",
		"$filter=x%20eq%20%27\xff": "$filter",
	} {
		_, err := ParseQuery(resource.Used, raw, ListOptions...)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseQuery(%q) = %v, want a message with %q", raw, err, want)
		}
	}
}

// TestQueryErrorMessagesAreClipped: what a client sent is quoted in a message only through
// clip.Message, valid UTF-8 and short. (FuzzParseQuery found "$\xeb" quoted as it came.)
func TestQueryErrorMessagesAreClipped(t *testing.T) {
	long := strings.Repeat("x", 5000)
	for _, raw := range []string{
		"$\xeb",
		"$" + long + "=1",
		"$" + long + "=1&$" + strings.ToUpper(long) + "=2",
		"$count=\xff",
		"$count=" + long,
		"$top=" + long,
		"$select=" + long,
		"$orderby=" + long,
		"$orderby=LastUsed/LastAccessedDateTime " + long,
		"$filter=" + long + " eq 'x'",
		"$filter=ResourceVisualization/Type eq '" + long,
	} {
		_, err := ParseQuery(resource.Used, raw, ListOptions...)
		qe, ok := err.(*QueryError)
		if !ok || !utf8.ValidString(qe.Message) || len(qe.Message) > 400 {
			t.Errorf("ParseQuery(%.40q) = %.200q, want a QueryError with a short, valid UTF-8 message", raw, err)
		}
	}
}

func TestErrorBody(t *testing.T) {
	e := &Error{Status: 400, Code: "invalidRequest", Message: `bad "x" </script>`, Target: "lastUsed",
		Details: []Detail{{"invalidDateTime", "expected a date", "lastUsed.lastAccessedDateTime"}, {"unknownMember", "no", "x"}}}
	b := e.Body(time.Date(2026, 11, 29, 8, 21, 34, 5, time.UTC), "req-1", "client-1")
	if !gjson.ValidBytes(b) {
		t.Fatalf("invalid JSON: %s", b)
	}
	for path, want := range map[string]string{
		"error.code":                         "invalidRequest",
		"error.message":                      `bad "x" </script>`,
		"error.target":                       "lastUsed",
		"error.details.#":                    "2",
		"error.details.0.target":             "lastUsed.lastAccessedDateTime",
		"error.details.1.code":               "unknownMember",
		"error.innerError.date":              "2026-11-29T08:21:34",
		"error.innerError.request-id":        "req-1",
		"error.innerError.client-request-id": "client-1",
	} {
		if got := gjson.GetBytes(b, path).String(); got != want {
			t.Errorf("%s = %q, want %q in %s", path, got, want, b)
		}
	}
	plain := (&Error{Status: 404, Code: "itemNotFound", Message: "gone"}).Body(time.Now(), "r", "c")
	if gjson.GetBytes(plain, "error.target").Exists() || gjson.GetBytes(plain, "error.details").Exists() {
		t.Errorf("empty target and details should be left out: %s", plain)
	}
}

func TestContextURL(t *testing.T) {
	tests := []struct {
		root, user string
		sel        []string
		suffix     string
		want       string
	}{
		{"https://h/v1.0", "c74dcd16-d8af-4df8-9621-d123b58de3e6", nil, "", "https://h/v1.0/$metadata#users('c74dcd16-d8af-4df8-9621-d123b58de3e6')/insights/used"},
		{"http://127.0.0.1:8787", "alice", []string{"id", "lastUsed"}, "", "http://127.0.0.1:8787/$metadata#users('alice')/insights/used(id,lastUsed)"},
		{"https://h/beta", "o'neil@x.com", nil, "/$entity", "https://h/beta/$metadata#users('o''neil@x.com')/insights/used/$entity"},
		{"https://h", "a b#cé", nil, "", "https://h/$metadata#users('a%20b%23c%C3%A9')/insights/used"},
	}
	for _, tt := range tests {
		if got := ContextURL(tt.root, tt.user, "used", tt.sel, tt.suffix); got != tt.want {
			t.Errorf("ContextURL = %s, want %s", got, tt.want)
		}
	}
}

// FuzzParseQuery checks ParseQuery on arbitrary query strings: an error is a *QueryError with
// a short, valid UTF-8 message that names an option the query carries (or none, for a query
// string that does not parse); a query it accepts is in range, and written back out as a
// query string (encodeQuery) it parses to the same Query.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"$top=5", "$filter=ResourceVisualization/Type eq 'O''B' and resourceReference/type eq 'x'", "$select=id,lastUsed", "$orderby=LastUsed/LastModifiedDateTime desc", "%", "$filter='"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := ParseQuery(resource.Used, raw, ListOptions...)
		if err != nil {
			qe, ok := err.(*QueryError)
			if !ok {
				t.Fatalf("ParseQuery(%q) = %v (%T), not a *QueryError", raw, err, err)
			}
			if qe.Message == "" || !utf8.ValidString(qe.Message) || len(qe.Message) > 400 {
				t.Fatalf("ParseQuery(%q): message %q", raw, qe.Message)
			}
			values, perr := url.ParseQuery(raw)
			if (qe.Option == "") != (perr != nil) {
				t.Fatalf("ParseQuery(%q): option %q, url.ParseQuery: %v", raw, qe.Option, perr)
			}
			named := false
			for name := range values {
				named = named || strings.HasPrefix(name, "$") && strings.ToLower(name) == qe.Option
			}
			if qe.Option != "" && !named {
				t.Fatalf("ParseQuery(%q): option %q is not in the query", raw, qe.Option)
			}
			return
		}
		if q.Top < 1 || q.Top > MaxTop || len(q.Filter) > 3 || len(q.Select) > len(Selectable(resource.Used)) ||
			q.OrderBy != 0 && q.OrderBy != 1 || q.Select != nil && (len(q.Select) == 0 || q.Select[0] != "id") {
			t.Fatalf("ParseQuery(%q) = %+v", raw, q)
		}
		for i, c := range q.Filter {
			if c.Filter < 0 || c.Filter > 2 || slices.ContainsFunc(q.Filter[:i], func(d Eq) bool { return d.Filter == c.Filter }) {
				t.Fatalf("ParseQuery(%q): filter %+v", raw, q.Filter)
			}
		}
		again := encodeQuery(q)
		q2, err := ParseQuery(resource.Used, again, ListOptions...)
		if err != nil || !reflect.DeepEqual(q, q2) {
			t.Fatalf("ParseQuery(%q) = %+v, written back as %q, which parses to %+v, %v", raw, q, again, q2, err)
		}
	})
}

// encodeQuery writes q as a query string, each option in its canonical spelling.
func encodeQuery(q Query) string {
	opts := []string{"$top=" + strconv.Itoa(q.Top)}
	if q.SkipToken != "" {
		opts = append(opts, "$skiptoken="+url.QueryEscape(q.SkipToken))
	}
	if q.Filter != nil {
		var clauses []string
		for _, c := range q.Filter {
			clauses = append(clauses, resource.Used.Filters[c.Filter].Name+" eq '"+strings.ReplaceAll(c.Value, "'", "''")+"'")
		}
		opts = append(opts, "$filter="+url.QueryEscape(strings.Join(clauses, " and ")))
	}
	dir := " desc"
	if q.Asc {
		dir = " asc"
	}
	opts = append(opts, "$orderby="+url.QueryEscape(resource.Used.Orders[q.OrderBy].Name+dir))
	if q.Select != nil {
		opts = append(opts, "$select="+url.QueryEscape(strings.Join(q.Select, ",")))
	}
	if q.Count {
		opts = append(opts, "$count=true")
	}
	return strings.Join(opts, "&")
}

// TestParseQueryPerCollection: each collection's $orderby and $filter take its own
// properties, in any letter case, and errors list its own choices.
func TestParseQueryPerCollection(t *testing.T) {
	tests := []struct {
		c    *resource.Collection
		raw  string
		want string // fmt of order, direction, filter and select; or "error <option>: <part of the message>"
	}{
		{resource.TrendingItems, "", "order=0 asc=false filter=[] select=[]"},
		{resource.TrendingItems, "$orderby=weight", "order=0 asc=true filter=[] select=[]"},
		{resource.TrendingItems, "$orderby=WEIGHT desc", "order=0 asc=false filter=[] select=[]"},
		{resource.TrendingItems, "$orderby=lastModifiedDateTime asc", "order=1 asc=true filter=[] select=[]"},
		{resource.TrendingItems, "$orderby=lastmodifieddatetime desc", "order=1 asc=false filter=[] select=[]"},
		{resource.TrendingItems, "$orderby=LastUsed/LastAccessedDateTime", "error $orderby: use weight or lastModifiedDateTime."},
		{resource.TrendingItems, "$orderby=", "error $orderby: expected weight or lastModifiedDateTime, then asc or desc."},
		{resource.TrendingItems, "$filter=resourceVisualization/type eq 'Word' and resourceReference/type eq 'x'", "order=0 asc=false filter=[{0 Word} {2 x}] select=[]"},
		{resource.TrendingItems, "$filter=lastShared/sharedBy/address eq 'a@b'", "error $filter: use ResourceVisualization/Type, ResourceVisualization/containerType or resourceReference/type."},
		{resource.TrendingItems, "$select=weight,lastModifiedDateTime", "order=0 asc=false filter=[] select=[id weight lastModifiedDateTime]"},
		{resource.TrendingItems, "$select=lastUsed", "error $select: on type 'microsoft.graph.trending'"},
		{resource.Shared, "", "order=0 asc=false filter=[] select=[]"},
		{resource.Shared, "$orderby=lastShared/sharedDateTime asc", "order=0 asc=true filter=[] select=[]"},
		{resource.Shared, "$orderby=LASTSHARED/SHAREDDATETIME", "order=0 asc=true filter=[] select=[]"},
		{resource.Shared, "$orderby=weight", "error $orderby: use lastShared/sharedDateTime."},
		{resource.Shared, "$filter=lastshared/sharedby/address eq 'Megan@Contoso.com'", "order=0 asc=false filter=[{2 Megan@Contoso.com}] select=[]"},
		{resource.Shared, "$filter=ResourceVisualization/containerType eq 'Site' and lastShared/sharedBy/address eq 'x'", "order=0 asc=false filter=[{1 Site} {2 x}] select=[]"},
		{resource.Shared, "$filter=resourceReference/type eq 'x'", "error $filter: use ResourceVisualization/Type, ResourceVisualization/containerType or lastShared/sharedBy/address."},
		{resource.Shared, "$select=sharingHistory", "order=0 asc=false filter=[] select=[id sharingHistory]"},
		{resource.Shared, "$select=weight", "error $select: on type 'microsoft.graph.sharedInsight'"},
		{resource.Used, "$orderby=weight", "error $orderby: use LastUsed/LastAccessedDateTime or LastUsed/LastModifiedDateTime."},
		{resource.Used, "$filter=lastShared/sharedBy/address eq 'x'", "error $filter: or resourceReference/type."},
	}
	for _, tt := range tests {
		q, err := ParseQuery(tt.c, tt.raw, ListOptions...)
		if err != nil {
			qe := err.(*QueryError)
			if want, ok := strings.CutPrefix(tt.want, "error "+qe.Option+": "); !ok || !strings.Contains(qe.Message, want) {
				t.Errorf("%s %q: error %s %q, want %s", tt.c.Name, tt.raw, qe.Option, qe.Message, tt.want)
			}
			continue
		}
		if got := fmt.Sprintf("order=%d asc=%v filter=%v select=%v", q.OrderBy, q.Asc, q.Filter, q.Select); got != tt.want {
			t.Errorf("%s %q = %s, want %s", tt.c.Name, tt.raw, got, tt.want)
		}
	}
}
