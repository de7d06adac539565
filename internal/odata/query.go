// Package odata holds the pieces of the OData protocol this service speaks: the list query
// options, the error envelope, the headers and error response every answer shares, and the
// context URLs.
package odata

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/usedinsight/usedinsight/internal/clip"
	"github.com/usedinsight/usedinsight/internal/resource"
)

// Eq is one `property eq 'value'` clause of a $filter.
type Eq struct {
	Filter int // the index of the property in the collection's Filters
	Value  string
}

// Query holds the query options of a list request.
type Query struct {
	Top       int      // $top: 1 to 999; DefaultTop when absent
	SkipToken string   // $skiptoken, opaque
	Filter    []Eq     // $filter clauses, joined by and; each property at most once
	OrderBy   int      // $orderby: the index in the collection's Orders; 0, the default, when absent
	Asc       bool     // $orderby direction; highest (newest) first by default
	Select    []string // $select: canonical member names in Selectable order; nil for all
	Count     bool     // $count=true
}

// Selectable lists the members of c's items that $select may name, in the order responses
// carry them.
func Selectable(c *resource.Collection) []string {
	names := make([]string, len(c.Type.Members))
	for i, m := range c.Type.Members {
		names[i] = m.Name
	}
	return names
}

// Page size limits.
const (
	DefaultTop = 100
	MaxTop     = 999
)

// QueryError is a query option the service cannot honour; the API answers 400.
type QueryError struct {
	Option  string // the option at fault, such as "$top"
	Message string
}

func (e *QueryError) Error() string { return e.Message }

func bad(option, format string) *QueryError { return &QueryError{option, format} }

// ParseQuery reads the OData options of a raw query string of a request to collection c.
// Option names, and the property paths of $filter and $orderby, are matched without regard to
// case, as Graph does; parameters that do not start with '$' are ignored. allowed names the
// options the request may carry (for example only "$filter" on $count).
func ParseQuery(c *resource.Collection, rawQuery string, allowed ...string) (Query, error) {
	q := Query{Top: DefaultTop}
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return q, bad("", "The query string is malformed: "+err.Error())
	}
	// Go through the options in a fixed order so the same query always gives the same error.
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	slices.Sort(names)
	seen := map[string]bool{}
	for _, name := range names {
		if !strings.HasPrefix(name, "$") {
			continue
		}
		opt := strings.ToLower(name)
		vals := values[name]
		if len(vals) > 1 || seen[opt] {
			return q, bad(opt, "Query option '"+clip.Message(opt)+"' was specified more than once, but it must be specified at most once.")
		}
		seen[opt] = true
		if !slices.Contains(allowed, opt) {
			if slices.Contains(ListOptions, opt) {
				return q, bad(opt, "Query option '"+opt+"' is not allowed on this request.")
			}
			return q, bad(opt, "Query option '"+clip.Message(name)+"' is not supported.")
		}
		v := vals[0]
		var qe *QueryError
		switch opt {
		case "$top":
			qe = q.parseTop(v)
		case "$skiptoken":
			if v == "" {
				qe = bad(opt, "Invalid $skiptoken: it is empty.")
			}
			q.SkipToken = v
		case "$filter":
			qe = q.parseFilter(c, v)
		case "$orderby":
			qe = q.parseOrderBy(c, v)
		case "$select":
			qe = q.parseSelect(c, v)
		case "$count":
			switch strings.ToLower(v) {
			case "true":
				q.Count = true
			case "false":
			default:
				qe = bad(opt, "Invalid value '"+clip.Message(v)+"' for $count: expected true or false.")
			}
		}
		if qe != nil {
			return q, qe
		}
	}
	return q, nil
}

// ListOptions are the options a list request may carry.
var ListOptions = []string{"$top", "$skiptoken", "$filter", "$orderby", "$select", "$count"}

func (q *Query) parseTop(v string) *QueryError {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 || n > MaxTop {
		return bad("$top", "Invalid value '"+clip.Message(v)+"' for $top: expected a whole number from 1 to "+strconv.Itoa(MaxTop)+".")
	}
	q.Top = n
	return nil
}

// choices lists names as a message does: "a", "a or b", "a, b or c".
func choices(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

func orderNames(c *resource.Collection) []string {
	names := make([]string, len(c.Orders))
	for i, o := range c.Orders {
		names[i] = o.Name
	}
	return names
}

func filterNames(c *resource.Collection) []string {
	names := make([]string, len(c.Filters))
	for i, f := range c.Filters {
		names[i] = f.Name
	}
	return names
}

// index returns the index of the name in names, compared case-insensitively, or -1.
func index(names []string, name string) int {
	for i, n := range names {
		if strings.EqualFold(n, name) {
			return i
		}
	}
	return -1
}

func (q *Query) parseOrderBy(c *resource.Collection, v string) *QueryError {
	fields := strings.Fields(v)
	names := orderNames(c)
	if len(fields) == 0 || len(fields) > 2 {
		return bad("$orderby", "Invalid $orderby '"+clip.Message(v)+"': expected "+choices(names)+", then asc or desc.")
	}
	i := index(names, fields[0])
	if i < 0 {
		return bad("$orderby", "Ordering by '"+clip.Message(fields[0])+"' is not supported: use "+choices(names)+".")
	}
	q.OrderBy, q.Asc = i, true // OData's default direction is ascending
	if len(fields) == 2 {
		switch strings.ToLower(fields[1]) {
		case "asc":
		case "desc":
			q.Asc = false
		default:
			return bad("$orderby", "Invalid $orderby direction '"+clip.Message(fields[1])+"': expected asc or desc.")
		}
	}
	return nil
}

func (q *Query) parseSelect(c *resource.Collection, v string) *QueryError {
	selectable := Selectable(c)
	want := map[string]bool{"id": true}
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		i := index(selectable, item)
		if i < 0 {
			return bad("$select", "Could not find a property named '"+clip.Message(item)+"' on type '"+c.Type.FullName()+"'.")
		}
		want[selectable[i]] = true
	}
	q.Select = q.Select[:0]
	for _, name := range selectable {
		if want[name] {
			q.Select = append(q.Select, name)
		}
	}
	return nil
}

// parseFilter reads `path eq 'value' [and path eq 'value']...`.
func (q *Query) parseFilter(c *resource.Collection, v string) *QueryError {
	invalid := func(why string) *QueryError {
		return bad("$filter", "Invalid $filter '"+clip.Message(v)+"': "+why)
	}
	names := filterNames(c)
	s := v
	for {
		s = strings.TrimLeft(s, " ")
		end := strings.IndexByte(s, ' ')
		if end < 0 {
			return invalid("expected property eq 'value'.")
		}
		path := s[:end]
		p := index(names, path)
		if p < 0 {
			return invalid("filtering on '" + clip.Message(path) + "' is not supported: use " + choices(names) + ".")
		}
		s = strings.TrimLeft(s[end:], " ")
		if len(s) < 3 || !strings.EqualFold(s[:3], "eq ") {
			return invalid("only the eq operator is supported.")
		}
		s = strings.TrimLeft(s[3:], " ")
		if s == "" || s[0] != '\'' {
			return invalid("expected a string in single quotes after eq.")
		}
		value, rest, ok := literal(s)
		if !ok {
			return invalid("the string is not closed with a single quote.")
		}
		for _, c := range q.Filter {
			if c.Filter == p {
				return invalid("'" + clip.Message(path) + "' appears more than once.")
			}
		}
		q.Filter = append(q.Filter, Eq{p, value})
		s = strings.TrimLeft(rest, " ")
		if s == "" {
			return nil
		}
		if len(s) < 4 || !strings.EqualFold(s[:4], "and ") {
			return invalid("clauses must be joined with and.")
		}
		s = s[4:]
	}
}

// literal reads a single-quoted OData string at the start of s, where ” stands for '.
func literal(s string) (value, rest string, ok bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '\'' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			b.WriteByte('\'')
			i++
			continue
		}
		return b.String(), s[i+1:], true
	}
	return "", "", false
}
