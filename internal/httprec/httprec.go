// Package httprec provides Recorder, the http.ResponseWriter that keeps a response in memory
// for whoever sends it on: the Worker's host and each request of a JSON batch.
package httprec

import "net/http"

// Recorder is an http.ResponseWriter that keeps the status, headers and body written to it.
// The zero value is ready to use; Reset readies it for another response, keeping its buffers.
type Recorder struct {
	header http.Header
	status int
	body   []byte
}

// Header returns the response headers, which the handler may change until it writes.
func (r *Recorder) Header() http.Header {
	if r.header == nil {
		r.header = make(http.Header, 12)
	}
	return r.header
}

// WriteHeader records the status; only the first call counts.
func (r *Recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

// Write appends b to the body, with status 200 unless one was written.
func (r *Recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	r.body = append(r.body, b...)
	return len(b), nil
}

// Status returns the status written, http.StatusOK when none was.
func (r *Recorder) Status() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

// Body returns the body written; it is empty when the handler wrote none.
func (r *Recorder) Body() []byte { return r.body }

// Reset forgets the response, keeping the memory of its headers and body for the next one.
func (r *Recorder) Reset() {
	clear(r.header)
	r.status, r.body = 0, r.body[:0]
}
