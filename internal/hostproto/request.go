package hostproto

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"unsafe"
)

var (
	// errTruncated: the buffer does not hold the head and body JavaScript announced.
	errTruncated = errors.New("the request is shorter than announced")
	// errHead: the head is not "METHOD\nURL\n" and name and value lines.
	errHead = errors.New("the request head is malformed")
)

// decode makes the *http.Request of a head ("METHOD\nURL\nname\nvalue\n...", names in lower
// case as the Fetch API gives them) and a body (bodyLen -1: none), whose context carries req.
// When the URL is one that Go cannot parse (the Fetch API lets "%zz" through), it returns the
// error and a request with just the method and headers, for the answer's client-request-id.
func (h *Host) decode(req *request, buf []byte, headLen, bodyLen int32) (*http.Request, error) {
	if buf == nil || headLen <= 0 || int(headLen)+max(int(bodyLen), 0) > len(buf) {
		return nil, errTruncated
	}
	// The buffer is this request's alone and never written again: the head's strings alias it.
	head := unsafe.String(unsafe.SliceData(buf), headLen)
	method, rest, ok1 := strings.Cut(head, "\n")
	rawURL, rest, ok2 := strings.Cut(rest, "\n")
	lines := strings.Count(rest, "\n")
	if !ok1 || !ok2 || method == "" || lines%2 != 0 || rest != "" && rest[len(rest)-1] != '\n' {
		return nil, errHead
	}
	n := lines / 2
	hd := make(http.Header, n)
	values := make([]string, n)
	for i := 0; i < n; i++ {
		var name string
		name, rest, _ = strings.Cut(rest, "\n")
		values[i], rest, _ = strings.Cut(rest, "\n")
		key := h.canonicalName(name)
		if old, ok := hd[key]; ok {
			hd[key] = append(old, values[i])
		} else {
			hd[key] = values[i : i+1 : i+1]
		}
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL, which may be long
		}
		return &http.Request{Method: method, Header: hd}, err
	}
	r := &http.Request{
		Method: method, URL: u, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: hd, Host: u.Host, RequestURI: u.RequestURI(), RemoteAddr: hd.Get("Cf-Connecting-Ip"),
	}
	switch {
	case bodyLen >= 0:
		r.Body = body{bytes.NewReader(buf[headLen : headLen+bodyLen])}
		r.ContentLength = -1
		if cl := hd.Get("Content-Length"); cl != "" {
			if v, err := strconv.ParseInt(cl, 10, 64); err == nil {
				r.ContentLength = v
			}
		}
	default:
		r.Body = http.NoBody
	}
	return r.WithContext(context.WithValue(context.Background(), requestKey{}, req)), nil
}

// body is a request body in memory.
type body struct{ *bytes.Reader }

func (body) Close() error { return nil }

// canonicalName returns the canonical form of a header name, remembering the first 256 seen.
func (h *Host) canonicalName(name string) string {
	if k, ok := h.names[name]; ok {
		return k
	}
	k := textproto.CanonicalMIMEHeaderKey(name)
	if len(h.names) < 256 {
		h.names[strings.Clone(name)] = k
	}
	return k
}

// requestKey is the context key of a request's *request.
type requestKey struct{}

// requestOf returns the request in flight that ctx belongs to, or nil.
func requestOf(ctx context.Context) *request {
	req, _ := ctx.Value(requestKey{}).(*request)
	return req
}
