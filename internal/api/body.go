package api

import (
	"compress/gzip"
	"errors"
	"io"
	"mime"
	"strconv"
	"strings"

	"github.com/usedinsight/usedinsight/internal/insight"
	"github.com/usedinsight/usedinsight/internal/odata"
)

// readBody reads a JSON request body of at most insight.MaxBodyBytes, decompressing gzip
// (Graph SDKs compress request bodies; the limit applies to the decompressed bytes).
// It answers 413, 415 or 400 itself and then returns false.
func (h *Handler) readBody(q *request) ([]byte, bool) {
	r := q.r
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		h.fail(q, &odata.Error{Status: 415, Code: "invalidRequest", Message: "The request body must be JSON with Content-Type: application/json."})
		return nil, false
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		h.fail(q, &odata.Error{Status: 415, Code: "invalidRequest", Message: "The request body must be UTF-8; charset " + clipText(cs) + " is not supported."})
		return nil, false
	}
	tooLarge := &odata.Error{Status: 413, Code: "invalidRequest", Message: "The request body is larger than " + strconv.Itoa(insight.MaxBodyBytes) + " bytes."}
	if r.ContentLength > insight.MaxBodyBytes && r.Header.Get("Content-Encoding") == "" {
		h.fail(q, tooLarge)
		return nil, false
	}
	if r.Body == nil {
		return nil, true
	}
	var src io.Reader = r.Body
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		// A compressed body may be larger than its content; bound what is read before inflating too.
		zr, err := gzip.NewReader(io.LimitReader(r.Body, 4*insight.MaxBodyBytes))
		if err != nil {
			h.fail(q, corruptGzip(err))
			return nil, false
		}
		src = zr
	default:
		h.fail(q, &odata.Error{Status: 415, Code: "invalidRequest", Message: "Content-Encoding '" + clipText(enc) + "' is not supported; send gzip or no encoding."})
		return nil, false
	}
	body, err := io.ReadAll(io.LimitReader(src, insight.MaxBodyBytes+1))
	if err != nil {
		if _, gz := src.(*gzip.Reader); gz {
			h.fail(q, corruptGzip(err))
		} else {
			h.fail(q, &odata.Error{Status: 400, Code: "invalidRequest", Message: "The request body could not be read."})
		}
		return nil, false
	}
	if len(body) > insight.MaxBodyBytes {
		h.fail(q, tooLarge)
		return nil, false
	}
	return body, true
}

func corruptGzip(err error) *odata.Error {
	msg := "The gzip-compressed request body is corrupt."
	if errors.Is(err, io.ErrUnexpectedEOF) {
		msg = "The gzip-compressed request body is truncated."
	}
	return &odata.Error{Status: 400, Code: "invalidRequest", Message: msg}
}
