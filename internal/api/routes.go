package api

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/usedinsight/usedinsight/internal/clip"
	"github.com/usedinsight/usedinsight/internal/insight"
	"github.com/usedinsight/usedinsight/internal/odata"
	"github.com/usedinsight/usedinsight/internal/resource"
)

type routeKind uint8

const (
	routeCollection routeKind = iota + 1 // .../insights/{collection}
	routeRef                             // .../insights/{collection}/$ref (the seed's create request line)
	routeCount                           // .../insights/{collection}/$count
	routeItem                            // .../insights/{collection}/{id}
	routeDevToken                        // /dev/token
	routeBatch                           // /$batch: JSON batching
	routeMetadata                        // /$metadata: the CSDL of the served types
)

// route is what a request path names.
type route struct {
	kind routeKind
	me   bool   // /me rather than /users/{user}
	user string // the {user} segment, decoded
	id   string // the {id} segment, decoded
	base string // the collection's path below the service root, as the client wrote it
	// coll is the collection the path names: used, trending or shared; nil for the routes
	// outside /insights.
	coll *resource.Collection
}

// versions are the path prefixes that all mean the same API.
var versions = []string{"/v1.0", "/beta", "/localtest"}

// MaxUserLen bounds the {user} segment: longer is a 400, as no user name is that long.
const MaxUserLen = 1024

// parsePath reads an escaped request path into a route and its version prefix.
func parsePath(escaped string) (route, string, *odata.Error) {
	version := ""
	for _, v := range versions {
		if escaped == v || strings.HasPrefix(escaped, v+"/") {
			version, escaped = v, escaped[len(v):]
			break
		}
	}
	notFound := &odata.Error{Status: 404, Code: "itemNotFound", Message: "Resource not found for the segment '" + clip.Message(lastSegment(escaped)) + "'."}
	if escaped == "/dev/token" {
		return route{kind: routeDevToken}, version, nil
	}
	switch p, _ := url.PathUnescape(escaped); p {
	case "/$batch":
		return route{kind: routeBatch}, version, nil
	case "/$metadata":
		return route{kind: routeMetadata}, version, nil
	}
	raw := strings.Split(strings.TrimPrefix(escaped, "/"), "/")
	segs := make([]string, len(raw))
	for i, s := range raw {
		d, err := url.PathUnescape(s)
		if err != nil || d == "" || strings.IndexByte(d, 0) >= 0 {
			return route{}, version, notFound
		}
		segs[i] = d
	}
	var rt route
	switch {
	case len(segs) >= 3 && segs[0] == "me":
		rt.me, segs = true, segs[1:]
		rt.base = "/me"
	case len(segs) >= 4 && segs[0] == "users":
		rt.user, segs = segs[1], segs[2:]
		rt.base = "/users/" + raw[1]
		if len(rt.user) > MaxUserLen {
			return route{}, version, &odata.Error{Status: 400, Code: "invalidRequest", Message: "The user in the path is longer than any user name."}
		}
	default:
		return route{}, version, notFound
	}
	rt.coll = resource.Lookup(segs[1])
	if segs[0] != "insights" || rt.coll == nil || len(segs) > 3 {
		return route{}, version, notFound
	}
	rt.base += "/insights/" + rt.coll.Name
	rt.kind = routeCollection
	if len(segs) == 3 {
		switch segs[2] {
		case "$ref":
			rt.kind = routeRef
		case "$count":
			rt.kind = routeCount
		default:
			rt.kind, rt.id = routeItem, segs[2]
			if !insight.ValidID(rt.id) {
				return route{}, version, &odata.Error{Status: 400, Code: "invalidRequest", Message: "Invalid id '" + clip.Message(rt.id) + "': an id is 1 to 512 of A-Z a-z 0-9 - _ . ~."}
			}
		}
	}
	return rt, version, nil
}

func lastSegment(p string) string {
	p = strings.TrimRight(p, "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[i+1:]
	}
	if d, err := url.PathUnescape(p); err == nil {
		return d
	}
	return p
}

// methods lists the methods each route serves.
func (rt route) methods() []string {
	switch rt.kind {
	case routeCollection:
		return []string{http.MethodGet, http.MethodPost}
	case routeRef, routeDevToken, routeBatch:
		return []string{http.MethodPost}
	case routeCount, routeMetadata:
		return []string{http.MethodGet}
	case routeItem:
		return []string{http.MethodGet, http.MethodPatch, http.MethodDelete}
	}
	return nil
}

func (rt route) allows(method string) bool {
	for _, m := range rt.methods() {
		if m == method {
			return true
		}
	}
	return false
}

// allow is the Allow header of the route.
func (rt route) allow() string { return strings.Join(append(rt.methods(), http.MethodOptions), ", ") }

func (rt route) describe() string {
	switch rt.kind {
	case routeItem:
		return "a " + rt.coll.Noun
	case routeCount:
		return "$count"
	case routeDevToken:
		return "/dev/token"
	case routeBatch:
		return "$batch"
	case routeMetadata:
		return "$metadata"
	}
	return "the " + rt.coll.Noun + "s collection"
}
