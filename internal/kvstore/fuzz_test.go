package kvstore

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/usedinsight/usedinsight/internal/store"
)

// FuzzCursor checks the resume point that the store's page tokens carry, and what List does
// with a token.
//
//   - payload read as a cursor: decodeCursor never panics, and a cursor it accepts has a limit
//     that KV takes and encodes to a payload that decodes to the same cursor;
//   - (kv, after, limit) as a cursor: encoded and decoded, it comes back the same;
//   - token as a $skiptoken: unless it is empty (the first page) or one that the store made
//     for the query (a seed can be), List answers ErrBadToken before any KV operation;
//   - payload as the resume point of a token under the store's key, when its KV cursor is one
//     that KV gave out or none: List answers a page of at most Top records, whatever the limit
//     and the key to resume after.
func FuzzCursor(f *testing.F) {
	kv := NewMemoryKV()
	s := New(kv, testKey)
	for i := range 40 {
		if err := s.Create(ctx, sp("alice"), record(fmt.Sprintf("r%02d", i), int64(i%7), int64(i), "Word")); err != nil {
			f.Fatal(err)
		}
	}
	q := store.Query{Top: 3}
	// Real tokens and cursors: the Next of pages of alice's list.
	tok := ""
	for range 3 {
		q.Token = tok
		p, err := s.List(ctx, sp("alice"), q)
		if err != nil || p.Next == "" {
			f.Fatalf("List = Next %q, %v", p.Next, err)
		}
		tok = p.Next
		payload, err := testKey.DecodeToken(tok, sp("alice"), q)
		if err != nil {
			f.Fatal(err)
		}
		c, _ := decodeCursor(payload)
		f.Add(tok, payload, c.kv, c.after, uint16(c.limit))
	}
	f.Add("", []byte{}, "", "", uint16(0))
	f.Add("!!!", []byte("\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01"), "cAA", "u/", uint16(1000))
	f.Add("AQAAAAAAAAAAZm9v", []byte("\x05\xff\xff\xff\xff\x0fabc"), "not a cursor", strings.Repeat("z", 600), uint16(65535))

	f.Fuzz(func(t *testing.T, token string, payload []byte, kvCursor, after string, limit uint16) {
		if c, ok := decodeCursor(payload); ok {
			if c.limit < 1 || c.limit > MaxListLimit {
				t.Fatalf("decodeCursor(%q) has limit %d", payload, c.limit)
			}
			if again, ok := decodeCursor(c.encode()); !ok || again != c {
				t.Fatalf("cursor %+v encodes to %q, which decodes to %+v, %v", c, c.encode(), again, ok)
			}
		}
		c := cursor{kv: kvCursor, limit: int(limit)%MaxListLimit + 1, after: after}
		if got, ok := decodeCursor(c.encode()); !ok || got != c {
			t.Fatalf("cursor %+v encodes to %q, which decodes to %+v, %v", c, c.encode(), got, ok)
		}

		q := store.Query{Top: 3, Token: token}
		before := kv.Ops()
		_, err := s.List(ctx, sp("alice"), q)
		if _, own := testKey.DecodeToken(token, sp("alice"), q); token != "" && own != nil {
			if !errors.Is(err, store.ErrBadToken) {
				t.Fatalf("List with $skiptoken %q = %v, want ErrBadToken", token, err)
			}
			if ops := kv.Ops().Sub(before); ops.Total() != 0 {
				t.Fatalf("List with $skiptoken %q made KV operations: %v", token, ops)
			}
		}

		c, ok := decodeCursor(payload)
		if !ok {
			return
		}
		if c.kv != "" { // only a cursor that KV could have given out
			if b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(c.kv, "c")); err != nil || !strings.HasPrefix(c.kv, "c") || base64.RawURLEncoding.EncodeToString(b) != c.kv[1:] {
				return
			}
		}
		q.Token = testKey.EncodeToken(sp("alice"), q, payload)
		p, err := s.List(ctx, sp("alice"), q)
		if err != nil || len(p.Records) > q.Top {
			t.Fatalf("List from cursor %+v = %d records, %v", c, len(p.Records), err)
		}
	})
}
