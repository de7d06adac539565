package api

// JSON batching, as Microsoft Graph does it (POST /$batch): up to 20 requests in one JSON body.
// The whole batch is checked before anything runs; a malformed batch is one 400. Then each
// request runs through ServeHTTP, the very path a direct request takes, with the batch's
// Authorization header: the same routing, authorization, isolation, rate limit and answers.
// Requests run one after another (a Worker serves one request at a time anyway), each after
// the requests it dependsOn; one whose dependency failed is not run and gets a 424.

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
	"github.com/usedinsight/usedinsight/internal/clip"
	"github.com/usedinsight/usedinsight/internal/httprec"
	"github.com/usedinsight/usedinsight/internal/jsoncheck"
	"github.com/usedinsight/usedinsight/internal/odata"
)

// Batch limits.
const (
	// MaxBatchRequests is the most requests one batch may carry, as in Graph.
	MaxBatchRequests = 20
	// MaxBatchBytes bounds a batch body (after gzip decompression): enough for 20 requests
	// that each carry a body at the 64 KiB limit of a single request.
	MaxBatchBytes = 2 << 20
	// maxBatchDepth bounds the nesting of a batch body: the batch's own three levels
	// ({"requests":[{"body":...}]}) leave room for bodies deeper than a record may be, so the
	// inner request, not the batch, reports a body nested too deep.
	maxBatchDepth = 32
)

// batchItem is one checked request of a batch.
type batchItem struct {
	id        string
	method    string
	url       string // path and query below the service root, starting with '/'
	header    http.Header
	body      []byte // nil when the request has none
	dependsOn []int  // indexes of the requests it waits for
}

// batchResponse is what one request of a batch answered.
type batchResponse struct {
	status int
	header http.Header
	body   []byte
}

// inBatch marks the context of a request that a batch runs, so that it can never be a batch.
type inBatch struct{}

// batch answers POST /$batch.
func (h *Handler) batch(q *request) {
	if q.r.Context().Value(inBatch{}) != nil {
		h.fail(q, badBatch("", "A batch cannot contain another batch."))
		return
	}
	if !h.noQuery(q) {
		return
	}
	body, ok := h.readJSON(q, MaxBatchBytes, "A JSON batch")
	if !ok {
		return
	}
	items, order, e := parseBatch(body)
	if e != nil {
		h.fail(q, e)
		return
	}
	responses := make([]batchResponse, len(items))
	for _, i := range order {
		it := &items[i]
		failed := -1
		for _, d := range it.dependsOn {
			if responses[d].status >= 400 {
				failed = d
				break
			}
		}
		if failed >= 0 {
			responses[i] = h.failedDependency(it, &items[failed], responses[failed].status)
		} else {
			responses[i] = h.runInner(q, it)
		}
	}
	out := make([]byte, 0, 1024)
	out = append(out, `{"responses":[`...)
	for i := range items {
		if i > 0 {
			out = append(out, ',')
		}
		out = appendBatchResponse(out, items[i].id, responses[i])
	}
	out = append(out, "]}"...)
	h.write(q, http.StatusOK, JSONContentType, out)
}

// runInner serves one request of the batch through the handler and records the answer.
func (h *Handler) runInner(q *request, it *batchItem) batchResponse {
	var body io.Reader
	if it.body != nil {
		body = bytes.NewReader(it.body)
	}
	ctx := context.WithValue(q.r.Context(), inBatch{}, true)
	r, err := http.NewRequestWithContext(ctx, it.method, q.root+it.url, body)
	if err != nil { // parseBatch checked method and url; this is a bug
		h.c.Logf("api: batch request %q: %v", it.id, err)
		return h.innerError(it, &odata.Error{Status: 500, Code: "generalException", Message: "An internal server error occurred."})
	}
	r.Header = it.header.Clone()
	if it.body != nil && r.Header.Get("Content-Type") == "" {
		r.Header.Set("Content-Type", "application/json")
	}
	// The batch's token and nothing else: an inner request is authorised like a direct one.
	r.Header.Del("Authorization")
	if a := q.r.Header.Get("Authorization"); a != "" {
		r.Header.Set("Authorization", a)
	}
	r.TLS, r.RemoteAddr = q.r.TLS, q.r.RemoteAddr
	var w httprec.Recorder
	h.ServeHTTP(&w, r)
	return recorded(&w)
}

// failedDependency is the answer of a request that did not run because dep failed.
func (h *Handler) failedDependency(it, dep *batchItem, status int) batchResponse {
	return h.innerError(it, &odata.Error{Status: http.StatusFailedDependency, Code: "failedDependency",
		Message: "The request was not run: it depends on request '" + clip.Message(dep.id) + "', which failed with status " + strconv.Itoa(status) + "."})
}

// innerError is the answer of a request of the batch that the handler did not serve, written
// as the handler writes its errors.
func (h *Handler) innerError(it *batchItem, e *odata.Error) batchResponse {
	var w httprec.Recorder
	odata.WriteError(&w, it.method, odata.NewIDs(it.header.Get("client-request-id")), e, h.c.Now())
	return recorded(&w)
}

// recorded is what w recorded, as one response of the batch.
func recorded(w *httprec.Recorder) batchResponse {
	return batchResponse{status: w.Status(), header: w.Header(), body: w.Body()}
}

// graphHeaderNames spells response headers as Graph does where Go's canonical form differs.
var graphHeaderNames = map[string]string{
	"Odata-Version":     "OData-Version",
	"Request-Id":        "request-id",
	"Client-Request-Id": "client-request-id",
	"Www-Authenticate":  "WWW-Authenticate",
}

// appendBatchResponse appends one entry of the batch's responses: id, status, headers (string
// values) and body. A JSON body is embedded as JSON; any other body is a base64 string, as
// Graph sends it; a response without a body has none.
func appendBatchResponse(out []byte, id string, resp batchResponse) []byte {
	out = append(out, `{"id":`...)
	out = gjson.AppendJSONString(out, id)
	out = append(out, `,"status":`...)
	out = strconv.AppendInt(out, int64(resp.status), 10)
	out = append(out, `,"headers":{`...)
	names := make([]string, 0, len(resp.header))
	for name := range resp.header {
		switch {
		case name == "Content-Length", name == "Vary", strings.HasPrefix(name, "Access-Control-"):
			continue // about the HTTP exchange, which the batch's own response carries
		}
		names = append(names, name)
	}
	slices.Sort(names)
	for i, name := range names {
		if i > 0 {
			out = append(out, ',')
		}
		spelled := name
		if g, ok := graphHeaderNames[name]; ok {
			spelled = g
		}
		out = gjson.AppendJSONString(out, spelled)
		out = append(out, ':')
		out = gjson.AppendJSONString(out, strings.Join(resp.header[name], ", "))
	}
	out = append(out, '}')
	if len(resp.body) > 0 {
		out = append(out, `,"body":`...)
		if isJSON(resp.header.Get("Content-Type")) && gjson.ValidBytes(resp.body) {
			out = append(out, resp.body...)
		} else {
			out = gjson.AppendJSONString(out, base64.StdEncoding.EncodeToString(resp.body))
		}
	}
	return append(out, '}')
}

// isJSON reports whether a Content-Type is JSON: application/json or a +json type.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

func badBatch(target, message string) *odata.Error {
	return &odata.Error{Status: 400, Code: "invalidRequest", Message: message, Target: target}
}

// parseBatch checks a batch body and returns its requests and the order to run them in:
// request order, except that a request runs after every request it depends on.
func parseBatch(body []byte) ([]batchItem, []int, *odata.Error) {
	if err := jsoncheck.Check(body, maxBatchDepth); err != nil {
		return nil, nil, badBatch("", "Unable to read the JSON batch: "+err.Error()+".")
	}
	root := gjson.ParseBytes(body)
	reqs := root.Get("requests")
	if !root.IsObject() || !reqs.IsArray() {
		return nil, nil, badBatch("requests", `A JSON batch is an object with a "requests" array.`)
	}
	list := reqs.Array()
	switch {
	case len(list) == 0:
		return nil, nil, badBatch("requests", "The batch has no requests.")
	case len(list) > MaxBatchRequests:
		return nil, nil, badBatch("requests", "The batch has "+strconv.Itoa(len(list))+" requests; at most "+strconv.Itoa(MaxBatchRequests)+" are allowed.")
	}
	items := make([]batchItem, len(list))
	index := make(map[string]int, len(list))
	deps := make([][]string, len(list))
	for i, rq := range list {
		at := "requests[" + strconv.Itoa(i) + "]"
		if !rq.IsObject() {
			return nil, nil, badBatch(at, "Each request of a batch is a JSON object.")
		}
		it := &items[i]
		id := rq.Get("id")
		if id.Type != gjson.String || id.Str == "" {
			return nil, nil, badBatch(at+".id", "Request "+strconv.Itoa(i+1)+" of the batch needs an id: a non-empty string.")
		}
		it.id = id.Str
		if _, dup := index[it.id]; dup {
			return nil, nil, badBatch(at+".id", "The id '"+clip.Message(it.id)+"' is used by more than one request of the batch.")
		}
		index[it.id] = i
		named := "Request '" + clip.Message(it.id) + "'"
		m := rq.Get("method")
		if m.Type != gjson.String || !isToken(m.Str) {
			return nil, nil, badBatch(at+".method", named+" needs a method, such as GET or POST.")
		}
		it.method = strings.ToUpper(m.Str)
		u := rq.Get("url")
		if u.Type != gjson.String {
			return nil, nil, badBatch(at+".url", named+" needs a url, such as /me/insights/used.")
		}
		var msg string
		if it.url, msg = batchURL(u.Str); msg != "" {
			return nil, nil, badBatch(at+".url", named+": "+msg)
		}
		if it.header, msg = batchHeaders(rq.Get("headers")); msg != "" {
			return nil, nil, badBatch(at+".headers", named+": "+msg)
		}
		if it.body, msg = batchBody(rq.Get("body"), it.header.Get("Content-Type")); msg != "" {
			return nil, nil, badBatch(at+".body", named+": "+msg)
		}
		switch d := rq.Get("dependsOn"); {
		case !d.Exists() || d.Type == gjson.Null:
		case !d.IsArray():
			return nil, nil, badBatch(at+".dependsOn", named+": dependsOn is an array of request ids.")
		default:
			for _, v := range d.Array() {
				if v.Type != gjson.String {
					return nil, nil, badBatch(at+".dependsOn", named+": dependsOn is an array of request ids.")
				}
				deps[i] = append(deps[i], v.Str)
			}
		}
	}
	for i, ids := range deps {
		for _, id := range ids {
			d, ok := index[id]
			if !ok {
				return nil, nil, badBatch("requests["+strconv.Itoa(i)+"].dependsOn", "Request '"+clip.Message(items[i].id)+"' depends on '"+clip.Message(id)+"', which is not a request of the batch.")
			}
			if !slices.Contains(items[i].dependsOn, d) {
				items[i].dependsOn = append(items[i].dependsOn, d)
			}
		}
	}
	order, cycle := runOrder(items)
	if cycle >= 0 {
		return nil, nil, badBatch("requests["+strconv.Itoa(cycle)+"].dependsOn", "Request '"+clip.Message(items[cycle].id)+"' depends on itself through dependsOn: the batch has a cycle.")
	}
	return items, order, nil
}

// runOrder orders the requests so that each comes after its dependencies, keeping request
// order otherwise. When the dependencies have a cycle it returns the first request on or
// behind one.
func runOrder(items []batchItem) ([]int, int) {
	order := make([]int, 0, len(items))
	placed := make([]bool, len(items))
	for len(order) < len(items) {
		next := -1
		for i := range items {
			if placed[i] {
				continue
			}
			ready := true
			for _, d := range items[i].dependsOn {
				ready = ready && placed[d]
			}
			if ready {
				next = i
				break
			}
		}
		if next < 0 {
			for i := range items {
				if !placed[i] {
					return nil, i
				}
			}
		}
		placed[next] = true
		order = append(order, next)
	}
	return order, -1
}

// batchURL checks the url of a request of a batch and returns it as a path and query below
// the service root, or why it cannot be one. URLs are relative to the version the batch was
// posted to, with or without a leading '/', as Graph takes them; they must name this API's
// resources (/me/... or /users/...), not another host, another version, a batch or a file.
func batchURL(raw string) (string, string) {
	if raw == "" {
		return "", "the url is empty."
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c < 0x20 || c == 0x7f || c == '#' {
			return "", "the url has a character a request URL cannot carry."
		}
	}
	path, _, _ := strings.Cut(raw, "?")
	u, err := url.Parse(escapeLoose(raw))
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.User != nil || strings.HasPrefix(path, "//") || strings.Contains(path, `\`) {
		return "", "the url must be relative to the service root, such as /me/insights/used, not an absolute URL."
	}
	path = strings.TrimPrefix(u.EscapedPath(), "/")
	segs := strings.Split(path, "/")
	for _, s := range segs {
		if d, err := url.PathUnescape(s); err == nil && (d == "." || d == "..") {
			return "", "the url must not have . or .. segments."
		}
	}
	first, _ := url.PathUnescape(segs[0])
	switch {
	case first == "me" || first == "users":
	case strings.EqualFold(first, "$batch"):
		return "", "a batch cannot contain another batch."
	case slices.Contains(versions, "/"+first):
		return "", "the url is relative to the version the batch was posted to: leave out " + first + "."
	default:
		return "", "'" + clip.Message(raw) + "' is not a resource of this API: urls start with /me or /users."
	}
	out := "/" + path
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	return out, ""
}

// escapeLoose percent-encodes the bytes a URL cannot carry as they are (spaces, quotes, non-ASCII),
// which people write in batch urls ("$filter=ResourceVisualization/Type eq 'Word'") as browsers
// let them; everything else, percent escapes included, stays as written.
func escapeLoose(s string) string {
	const hex = "0123456789ABCDEF"
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c > ' ' && c < 0x7f && !strings.ContainsRune(`"<>^`+"`"+`{|}`, rune(c)) {
			if b != nil {
				b = append(b, c)
			}
			continue
		}
		if b == nil {
			b = append(make([]byte, 0, len(s)+16), s[:i]...)
		}
		b = append(b, '%', hex[c>>4], hex[c&15])
	}
	if b == nil {
		return s
	}
	return string(b)
}

// batchHeaders reads a request's headers: an object of string values.
func batchHeaders(v gjson.Result) (http.Header, string) {
	hd := http.Header{}
	if !v.Exists() || v.Type == gjson.Null {
		return hd, ""
	}
	if !v.IsObject() {
		return nil, "headers is an object of header names and string values."
	}
	msg := ""
	v.ForEach(func(name, value gjson.Result) bool {
		switch {
		case !isToken(name.Str):
			msg = "'" + clip.Message(name.Str) + "' is not a header name."
		case value.Type != gjson.String || strings.ContainsAny(value.Str, "\r\n\x00"):
			msg = "the value of header '" + clip.Message(name.Str) + "' must be a string on one line."
		default:
			hd.Add(name.Str, value.Str)
			return true
		}
		return false
	})
	if msg != "" {
		return nil, msg
	}
	return hd, ""
}

// batchBody reads a request's body: JSON, passed on as written; or, for a Content-Type that is
// not JSON, a base64 string of the bytes, as Graph takes it.
func batchBody(v gjson.Result, contentType string) ([]byte, string) {
	switch {
	case !v.Exists() || v.Type == gjson.Null:
		return nil, ""
	case v.Type != gjson.String || contentType == "" || isJSON(contentType):
		return []byte(v.Raw), ""
	}
	s := strings.TrimRight(v.Str, "=")
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, ""
		}
	}
	return nil, "a body that is not JSON must be a base64 string."
}

// isToken reports whether s is an HTTP token (RFC 9110), as method and header names are.
func isToken(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}
