package api

import (
	"compress/gzip"
	"errors"
	"io"
	"mime"
	"strconv"
	"strings"

	"github.com/usedinsight/usedinsight/internal/clip"
	"github.com/usedinsight/usedinsight/internal/insight"
	"github.com/usedinsight/usedinsight/internal/odata"
)

// readBody reads a JSON request body of at most insight.MaxBodyBytes, decompressing gzip
// (Graph SDKs compress request bodies; the limit applies to the decompressed bytes).
// It answers 413, 415 or 400 itself and then returns false.
func (h *Handler) readBody(q *request) ([]byte, bool) {
	return h.readJSON(q, insight.MaxBodyBytes, "The request body")
}

// readJSON reads a JSON body of at most limit bytes after gzip decompression; what names the
// body in messages. It answers 413, 415 or 400 itself and then returns false.
func (h *Handler) readJSON(q *request, limit int, what string) ([]byte, bool) {
	r := q.r
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		h.fail(q, &odata.Error{Status: 415, Code: "invalidRequest", Message: what + " must be JSON with Content-Type: application/json."})
		return nil, false
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		h.fail(q, &odata.Error{Status: 415, Code: "invalidRequest", Message: what + " must be UTF-8; charset " + clip.Message(cs) + " is not supported."})
		return nil, false
	}
	tooLarge := &odata.Error{Status: 413, Code: "invalidRequest", Message: what + " is larger than " + strconv.Itoa(limit) + " bytes."}
	if r.Body == nil {
		return nil, true
	}
	var src io.Reader = r.Body
	size := 512 // what io.ReadAll starts with
	// A compressed body may be a little larger than its content: bound what is read before
	// inflating too, and call a stream cut off by that bound too large, not corrupt.
	compressed := &io.LimitedReader{R: r.Body, N: 2 * int64(limit)}
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		if r.ContentLength > int64(limit) {
			h.fail(q, tooLarge)
			return nil, false
		}
		if r.ContentLength >= 0 {
			size = int(r.ContentLength) + 1 // room to see the end without growing
		}
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(compressed)
		if err != nil {
			h.fail(q, corruptGzip(err))
			return nil, false
		}
		src = zr
	default:
		h.fail(q, &odata.Error{Status: 415, Code: "invalidRequest", Message: "Content-Encoding '" + clip.Message(enc) + "' is not supported; send gzip or no encoding."})
		return nil, false
	}
	body, err := readAll(io.LimitReader(src, int64(limit)+1), size)
	if err != nil {
		_, gz := src.(*gzip.Reader)
		switch {
		case gz && compressed.N == 0:
			h.fail(q, tooLarge)
		case gz:
			h.fail(q, corruptGzip(err))
		default:
			h.fail(q, &odata.Error{Status: 400, Code: "invalidRequest", Message: what + " could not be read."})
		}
		return nil, false
	}
	if len(body) > limit {
		h.fail(q, tooLarge)
		return nil, false
	}
	return body, true
}

// readAll is io.ReadAll into a buffer that starts with room for size bytes: a body whose
// length was announced is read with one allocation.
func readAll(r io.Reader, size int) ([]byte, error) {
	b := make([]byte, 0, size)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

func corruptGzip(err error) *odata.Error {
	msg := "The gzip-compressed request body is corrupt."
	if errors.Is(err, io.ErrUnexpectedEOF) {
		msg = "The gzip-compressed request body is truncated."
	}
	return &odata.Error{Status: 400, Code: "invalidRequest", Message: msg}
}
