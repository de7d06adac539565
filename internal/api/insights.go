package api

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"
	"github.com/usedinsight/usedinsight/internal/auth"
	"github.com/usedinsight/usedinsight/internal/insight"
	"github.com/usedinsight/usedinsight/internal/odata"
	"github.com/usedinsight/usedinsight/internal/resource"
	"github.com/usedinsight/usedinsight/internal/store"
)

// space is the store's space of the request: the route's collection of the request's user.
func (q *request) space() store.Space { return store.Space{Collection: q.route.coll, User: q.user} }

// validBody reads the body of a create or an update, which takes no query options, and checks
// it with validate against the route's collection. It answers the request itself when the
// body is missing, unreadable or invalid.
func (h *Handler) validBody(q *request, validate func(*resource.Collection, []byte) insight.Report) ([]byte, bool) {
	if !h.noQuery(q) {
		return nil, false
	}
	body, ok := h.readBody(q)
	if !ok {
		return nil, false
	}
	if rep := validate(q.route.coll, body); !rep.Valid() {
		h.invalid(q, rep)
		return nil, false
	}
	return body, true
}

// create stores a new item: POST .../insights/{collection} (or .../$ref).
func (h *Handler) create(q *request) {
	body, ok := h.validBody(q, insight.ValidateFor)
	if !ok {
		return
	}
	c := q.route.coll
	id := gjson.GetBytes(body, "id").Str
	if id == "" {
		id = h.c.NewID()
	}
	rec := store.Record{ID: id, JSON: insight.RecordFor(c, body, id)}
	rec.Keys = keysOf(c, rec.JSON)
	switch err := h.c.Store.Create(q.r.Context(), q.space(), rec); {
	case errors.Is(err, store.ErrExists):
		h.fail(q, &odata.Error{Status: 409, Code: "nameAlreadyExists", Message: "A " + c.Noun + " with id '" + id + "' already exists.", Target: "id"})
		return
	case err != nil:
		h.storeFailed(q, err)
		return
	}
	q.w.Header().Set("Location", q.root+q.route.base+"/"+id)
	h.write(q, http.StatusCreated, JSONContentType, rec.JSON)
}

// list answers GET .../insights/{collection} with one page.
func (h *Handler) list(q *request) {
	c := q.route.coll
	opts, err := odata.ParseQuery(c, q.r.URL.RawQuery, odata.ListOptions...)
	if err != nil {
		h.badQuery(q, err)
		return
	}
	sq := store.Query{Order: store.Order(opts.OrderBy), Asc: opts.Asc, Filter: filterOf(opts.Filter), Top: opts.Top, Token: opts.SkipToken}
	ctx := q.r.Context()
	page, err := h.c.Store.List(ctx, q.space(), sq)
	if errors.Is(err, store.ErrBadToken) {
		h.fail(q, &odata.Error{Status: 400, Code: "invalidRequest", Message: "Invalid $skiptoken: it does not come from a nextLink of this query.", Target: "$skiptoken"})
		return
	}
	if err != nil {
		h.storeFailed(q, err)
		return
	}
	out := make([]byte, 0, 512*len(page.Records)+256)
	out = append(out, `{"@odata.context":`...)
	out = gjson.AppendJSONString(out, odata.ContextURL(q.root, q.display, c.Name, opts.Select, ""))
	if opts.Count {
		n, err := h.c.Store.Count(ctx, q.space(), sq.Filter)
		if err != nil {
			h.storeFailed(q, err)
			return
		}
		out = append(out, `,"@odata.count":`...)
		out = strconv.AppendInt(out, int64(n), 10)
	}
	out = append(out, `,"value":[`...)
	for i, rec := range page.Records {
		if i > 0 {
			out = append(out, ',')
		}
		out = appendSelected(out, rec.JSON, opts.Select)
	}
	out = append(out, ']')
	if page.Next != "" {
		out = append(out, `,"@odata.nextLink":`...)
		out = gjson.AppendJSONString(out, q.root+q.route.base+"?"+nextQuery(q.r.URL.RawQuery, page.Next))
	}
	out = append(out, '}')
	h.write(q, http.StatusOK, JSONContentType, out)
}

// count answers GET .../insights/{collection}/$count.
func (h *Handler) count(q *request) {
	opts, err := odata.ParseQuery(q.route.coll, q.r.URL.RawQuery, "$filter")
	if err != nil {
		h.badQuery(q, err)
		return
	}
	n, err := h.c.Store.Count(q.r.Context(), q.space(), filterOf(opts.Filter))
	if err != nil {
		h.storeFailed(q, err)
		return
	}
	h.write(q, http.StatusOK, "text/plain;charset=utf-8", strconv.AppendInt(nil, int64(n), 10))
}

// get answers GET .../insights/{collection}/{id}.
func (h *Handler) get(q *request) {
	opts, err := odata.ParseQuery(q.route.coll, q.r.URL.RawQuery, "$select")
	if err != nil {
		h.badQuery(q, err)
		return
	}
	rec, ok := h.load(q)
	if !ok {
		return
	}
	out := append([]byte(`{"@odata.context":`), gjson.AppendJSONString(nil, odata.ContextURL(q.root, q.display, q.route.coll.Name, opts.Select, "/$entity"))...)
	sel := appendSelected(nil, rec.JSON, opts.Select)
	if len(sel) > 2 {
		out = append(out, ',')
	}
	out = append(out, sel[1:]...)
	h.write(q, http.StatusOK, JSONContentType, out)
}

// patch merges a PATCH body into a record: PATCH .../insights/{collection}/{id}. The store
// reads the record once; the merge and its validation run between that read and the write.
func (h *Handler) patch(q *request) {
	body, ok := h.validBody(q, insight.ValidatePatchFor)
	if !ok {
		return
	}
	c := q.route.coll
	if id := gjson.GetBytes(body, "id"); id.Exists() && id.Str != q.route.id {
		h.fail(q, &odata.Error{Status: 400, Code: "invalidRequest", Message: "The id of a " + c.Noun + " cannot be changed.", Target: "id"})
		return
	}
	var merged []byte
	var rep insight.Report
	err := h.c.Store.Update(q.r.Context(), q.space(), q.route.id, func(old store.Record) (store.Record, error) {
		merged = insight.MergeFor(c, old.JSON, body)
		if rep = insight.ValidateFor(c, merged); !rep.Valid() {
			return store.Record{}, errInvalid
		}
		return store.Record{ID: q.route.id, JSON: merged, Keys: keysOf(c, merged)}, nil
	})
	switch {
	case errors.Is(err, errInvalid):
		h.invalid(q, rep)
		return
	case errors.Is(err, store.ErrNotFound):
		h.notFound(q)
		return
	case err != nil:
		h.storeFailed(q, err)
		return
	}
	if strings.Contains(strings.ToLower(strings.Join(q.r.Header.Values("Prefer"), ",")), "return=representation") {
		q.w.Header().Set("Preference-Applied", "return=representation")
		h.write(q, http.StatusOK, JSONContentType, merged)
		return
	}
	h.write(q, http.StatusNoContent, "", nil)
}

// errInvalid is what patch's change returns when the merged record is not valid; the
// report says why.
var errInvalid = errors.New("api: the merged record is not valid")

// delete removes a record: DELETE .../insights/{collection}/{id}.
func (h *Handler) delete(q *request) {
	if !h.noQuery(q) {
		return
	}
	switch err := h.c.Store.Delete(q.r.Context(), q.space(), q.route.id); {
	case errors.Is(err, store.ErrNotFound):
		h.notFound(q)
	case err != nil:
		h.storeFailed(q, err)
	default:
		h.write(q, http.StatusNoContent, "", nil)
	}
}

// load reads the record the route names, answering 404 or 503 itself.
func (h *Handler) load(q *request) (store.Record, bool) {
	rec, err := h.c.Store.Get(q.r.Context(), q.space(), q.route.id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.notFound(q)
		return rec, false
	case err != nil:
		h.storeFailed(q, err)
		return rec, false
	}
	return rec, true
}

func (h *Handler) notFound(q *request) {
	h.fail(q, &odata.Error{Status: 404, Code: "itemNotFound", Message: "The " + q.route.coll.Noun + " '" + q.route.id + "' was not found."})
}

// noQuery rejects $-options on requests that take none.
func (h *Handler) noQuery(q *request) bool {
	if _, err := odata.ParseQuery(q.route.coll, q.r.URL.RawQuery); err != nil {
		h.badQuery(q, err)
		return false
	}
	return true
}

func (h *Handler) badQuery(q *request, err error) {
	e := &odata.Error{Status: 400, Code: "invalidRequest", Message: err.Error()}
	var qe *odata.QueryError
	if errors.As(err, &qe) {
		e.Target = qe.Option
	}
	h.fail(q, e)
}

// invalid answers a payload that failed validation: one detail per error.
func (h *Handler) invalid(q *request, rep insight.Report) {
	e := &odata.Error{Status: 400, Code: "invalidRequest"}
	for _, p := range rep.Problems {
		if p.Severity != insight.Error {
			continue
		}
		if e.Message == "" {
			e.Message, e.Target = p.Message, p.Path
			if isSyntax(p.Code) {
				e.Message = "Unable to read JSON request payload: " + p.Message + " (line " + strconv.Itoa(p.Line) + ", column " + strconv.Itoa(p.Column) + ")."
			}
		}
		e.Details = append(e.Details, odata.Detail{Code: p.Code, Message: p.Message, Target: p.Path})
	}
	if len(e.Details) > 1 {
		e.Message = "The " + q.route.coll.Noun + " is not valid: " + strconv.Itoa(len(e.Details)) + " problems; see details."
		e.Target = ""
	}
	h.fail(q, e)
}

func isSyntax(code string) bool {
	switch code {
	case insight.CodeInvalidJSON, insight.CodeTruncatedJSON, insight.CodeEmptyBody, insight.CodeInvalidUTF8,
		insight.CodeControlCharacter, insight.CodeNestingTooDeep, insight.CodeTrailingData, insight.CodeByteOrderMark:
		return true
	}
	return false
}

// devToken issues a development token: POST /dev/token, only when configured.
func (h *Handler) devToken(q *request) {
	// Only on a loopback host: were DEV_TOKENS=1 ever deployed, the public host still gets a 404.
	host := q.r.Host
	if q.r.URL.IsAbs() {
		host = q.r.URL.Host
	}
	if h.c.DevSecret == "" || !auth.IsLoopback(host) {
		h.fail(q, &odata.Error{Status: 404, Code: "itemNotFound", Message: "Resource not found for the segment 'token'."})
		return
	}
	var body []byte
	if q.r.ContentLength != 0 && q.r.Body != nil {
		var ok bool
		if body, ok = h.readBody(q); !ok {
			return
		}
	}
	tok, err := auth.IssueDevToken(h.c.DevSecret, body, h.c.Now())
	if err != nil {
		h.fail(q, &odata.Error{Status: 400, Code: "invalidRequest", Message: err.Error()})
		return
	}
	out := append([]byte(`{"access_token":`), gjson.AppendJSONString(nil, tok.AccessToken)...)
	out = append(out, `,"token_type":"Bearer","expires_in":`...)
	out = strconv.AppendInt(out, int64(tok.ExpiresIn), 10)
	h.write(q, http.StatusOK, JSONContentType, append(out, '}'))
}

// keysOf derives the order and filter keys of a valid record of collection c: date-times
// as ticks (store.MinTicks when absent or null), numbers as store.NumberKey (store.MinNumber
// when absent), filtered strings as they are ("" when absent or null).
func keysOf(c *resource.Collection, rec []byte) store.Keys {
	var values [maxKeyPaths]gjson.Result
	r := values[:len(c.Orders)+len(c.Filters)]
	keyPaths[c].fill(gjson.ParseBytes(rec), r)
	var k store.Keys
	for i, o := range c.Orders {
		k.Orders[i] = orderKey(o.Kind, r[i])
	}
	for i := len(c.Orders); i < store.MaxOrders; i++ {
		k.Orders[i] = store.MinTicks
	}
	for i := range c.Filters {
		k.Fields[i] = r[len(c.Orders)+i].Str
	}
	return k
}

// orderKey is the key of one order value.
func orderKey(kind resource.Kind, v gjson.Result) int64 {
	if kind == resource.Number {
		switch v.Type {
		case gjson.Number:
			return store.NumberKey(v.Num)
		case gjson.String: // stored records hold numbers; kept for records written otherwise
			if f, ok := insight.ParseNumber(v.Str); ok {
				return store.NumberKey(f)
			}
		}
		return store.MinNumber
	}
	if t, ok := insight.ParseDateTime(v.Str); ok {
		return ticks(t)
	}
	return store.MinTicks
}

// keyPaths are the JSON paths of each collection's orders, then its filters, numbered in that
// order.
var keyPaths = map[*resource.Collection]*pathTree{}

// maxKeyPaths is the most orders and filters a collection has.
const maxKeyPaths = 8

func init() {
	for _, c := range resource.Collections {
		t := &pathTree{index: -1}
		for _, o := range c.Orders {
			t.add(strings.Split(o.Path, "."), len(t.under))
		}
		for _, f := range c.Filters {
			t.add(strings.Split(f.Path, "."), len(t.under))
		}
		if len(t.under) > maxKeyPaths {
			panic("api: collection " + c.Name + " has more than maxKeyPaths orders and filters")
		}
		keyPaths[c] = t
	}
}

// pathTree holds member paths (names separated by dots, as in resource.Order) as a tree, so
// that fill reads them all in one walk of a record instead of one walk each.
type pathTree struct {
	name     string
	index    int   // of the path that ends here, or -1
	under    []int // the indexes of the paths below
	children []*pathTree
}

// add adds path, the member names below t, as the path numbered index.
func (t *pathTree) add(path []string, index int) {
	if len(path) == 0 {
		t.index = index
		return
	}
	t.under = append(t.under, index)
	for _, c := range t.children {
		if c.name == path[0] {
			c.add(path[1:], index)
			return
		}
	}
	c := &pathTree{name: path[0], index: -1}
	t.children = append(t.children, c)
	c.add(path[1:], index)
}

// fill sets out[i] to the value of path i in obj, the one gjson.Get finds: the first member of
// the name at the end of the path, in the first member of each name on the way that has it.
// Paths out already holds, or obj does not have, are left as they are.
func (t *pathTree) fill(obj gjson.Result, out []gjson.Result) {
	obj.ForEach(func(key, val gjson.Result) bool {
		for _, c := range t.children {
			if c.name != key.Str {
				continue
			}
			if c.index >= 0 && !out[c.index].Exists() {
				out[c.index] = val
			}
			if len(c.children) > 0 && val.IsObject() {
				c.fill(val, out)
			}
			for _, i := range t.under {
				if !out[i].Exists() {
					return true
				}
			}
			return false // all found
		}
		return true
	})
}

// ticks counts 100 ns intervals since 0001-01-01T00:00:00Z, as .NET's DateTime does.
func ticks(t time.Time) int64 {
	const unixToZero = 62135596800 // seconds from 0001-01-01 to 1970-01-01
	return (t.Unix()+unixToZero)*10_000_000 + int64(t.Nanosecond()/100)
}

func filterOf(clauses []odata.Eq) store.Filter {
	var f store.Filter
	for _, c := range clauses {
		v := c.Value
		f[c.Filter] = &v
	}
	return f
}

// appendSelected appends the record with only the selected top-level members (all when sel is nil).
func appendSelected(out, rec []byte, sel []string) []byte {
	if sel == nil {
		return append(out, rec...)
	}
	out = append(out, '{')
	first := true
	gjson.ParseBytes(rec).ForEach(func(key, val gjson.Result) bool {
		for _, s := range sel {
			if key.Str == s {
				if !first {
					out = append(out, ',')
				}
				first = false
				out = append(out, key.Raw...)
				out = append(out, ':')
				out = append(out, val.Raw...)
			}
		}
		return true
	})
	return append(out, '}')
}

// nextQuery is the query of a nextLink: the request's own options with $skiptoken set to token.
func nextQuery(raw, token string) string {
	var parts []string
	for _, p := range strings.Split(raw, "&") {
		name, _, _ := strings.Cut(p, "=")
		if n, err := url.QueryUnescape(name); p == "" || err == nil && strings.EqualFold(n, "$skiptoken") {
			continue
		}
		parts = append(parts, p)
	}
	return strings.Join(append(parts, "$skiptoken="+url.QueryEscape(token)), "&")
}
