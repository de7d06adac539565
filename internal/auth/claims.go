package auth

// The JOSE header and the claims are read with a strict reader, not encoding/json: member names
// match exactly (encoding/json matches them regardless of case) and a member that appears twice
// in any object, at any depth, makes the token invalid (encoding/json keeps the last one). Two
// readers of one token, this one and whatever the issuer or a proxy used, then cannot disagree
// about who it names: {"OID":"a","oid":"me","Oid":"victim"} is refused, not read as "victim".

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/usedinsight/usedinsight/internal/jsoncheck"
)

// maxJSONDepth bounds the nesting of a header or claims object.
const maxJSONDepth = 32

// member is one top-level member of a JSON object: its name and its value's text.
type member struct {
	name  []byte // unescaped
	kind  jsoncheck.TokenKind
	value []byte // the raw JSON text of the value
}

// objectReader reads a JSON object into its top-level members, refusing duplicate names at
// every depth. Its buffers are reused between calls.
type objectReader struct {
	r       jsoncheck.Reader
	members []member
	names   [][]byte // names of the objects open at the moment, outermost first
	starts  []int    // where each open object's names begin in names
}

// read parses b, which must be exactly one JSON object, and returns its members. The returned
// slice and the names in it are valid until the next read.
func (o *objectReader) read(b []byte) ([]member, bool) {
	o.r.Reset(b, maxJSONDepth)
	o.members, o.names, o.starts = o.members[:0], o.names[:0], o.starts[:0]
	t, err := o.r.Next()
	if err != nil || t.Kind != jsoncheck.ObjectStart {
		return nil, false
	}
	o.starts = append(o.starts, 0)
	valueStart := -1 // offset of the top-level value being read
	for {
		t, err := o.r.Next()
		if err != nil {
			return nil, false
		}
		depth := o.r.Depth()
		switch t.Kind {
		case jsoncheck.EOF:
			return o.members, true
		case jsoncheck.Name:
			name, ok := unquote(o.r.Raw(t), t.Escaped)
			if !ok {
				return nil, false
			}
			start := o.starts[len(o.starts)-1]
			for _, seen := range o.names[start:] {
				if bytes.Equal(seen, name) {
					return nil, false
				}
			}
			o.names = append(o.names, name)
			if depth == 1 {
				o.members = append(o.members, member{name: name})
			}
			continue
		case jsoncheck.ObjectStart:
			o.starts = append(o.starts, len(o.names))
		case jsoncheck.ObjectEnd:
			o.names = o.names[:o.starts[len(o.starts)-1]]
			o.starts = o.starts[:len(o.starts)-1]
		}
		// A value, or the start or end of one. depth counts the containers open after t.
		switch {
		case depth == 1 && (t.Kind == jsoncheck.ObjectEnd || t.Kind == jsoncheck.ArrayEnd):
			m := &o.members[len(o.members)-1]
			m.value = o.r.Raw(jsoncheck.Token{Offset: valueStart, End: t.End})
		case depth == 1:
			m := &o.members[len(o.members)-1]
			m.kind, m.value = t.Kind, o.r.Raw(t)
		case depth == 2 && (t.Kind == jsoncheck.ObjectStart || t.Kind == jsoncheck.ArrayStart):
			o.members[len(o.members)-1].kind = t.Kind
			valueStart = t.Offset
		}
	}
}

// unquote returns the value of a JSON string token, raw with its quotes.
func unquote(raw []byte, escaped bool) ([]byte, bool) {
	if !escaped {
		return raw[1 : len(raw)-1], true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return nil, false
	}
	return []byte(s), true
}

// header is the JOSE header of a token.
type header struct {
	alg, kid, typ string
	crit          bool
}

// readHeader reads the members of a JOSE header that matter: alg, kid and typ must be strings
// (null is absence); crit is noted whatever its value.
func (o *objectReader) readHeader(b []byte, h *header) bool {
	ms, ok := o.read(b)
	if !ok {
		return false
	}
	for _, m := range ms {
		var dst *string
		switch string(m.name) {
		case "alg":
			dst = &h.alg
		case "kid":
			dst = &h.kid
		case "typ":
			dst = &h.typ
		case "crit":
			h.crit = true
			continue
		default:
			continue
		}
		if m.kind == jsoncheck.Null {
			continue // absent
		}
		if m.kind != jsoncheck.String {
			return false
		}
		s, ok := unquote(m.value, bytes.IndexByte(m.value, '\\') >= 0)
		if !ok {
			return false
		}
		*dst = string(s)
	}
	return true
}

// claims are the claims of a token that Verify reads. Their JSON types are checked: a number
// where a string belongs, or the reverse, makes the token invalid. null is the same as absence,
// except for aud, which must be a string or an array of strings when present.
type claims struct {
	exp, nbf       numericDate
	aud            []string
	iss            string
	oid, sub, tid  string
	upn, preferred string
	scp            optString
	roles          []string
	hasRoles       bool
	idtyp          string
	idToken        bool // nonce or at_hash present: an OpenID Connect ID token
}

// numericDate is an RFC 7519 NumericDate: a JSON number of seconds since the epoch.
type numericDate struct {
	sec float64
	set bool
}

// optString is a string member that may be absent.
type optString struct {
	s   string
	set bool
}

// readClaims reads the claims that matter from the claims object b.
func (o *objectReader) readClaims(b []byte, c *claims) bool {
	ms, ok := o.read(b)
	if !ok {
		return false
	}
	for _, m := range ms {
		name := claimName(m.name)
		if name == claimNonce {
			c.idToken = true // present at all, even as null
			continue
		}
		if name == claimAud && m.kind == jsoncheck.Null {
			return false // go-jose, and so perhaps the issuer's own checks, refuse it
		}
		if name == claimOther || m.kind == jsoncheck.Null {
			continue
		}
		switch name {
		case claimExp, claimNbf:
			if m.kind != jsoncheck.Number {
				return false
			}
			f, err := strconv.ParseFloat(string(m.value), 64)
			if err != nil {
				return false
			}
			if name == claimExp {
				c.exp = numericDate{f, true}
			} else {
				c.nbf = numericDate{f, true}
			}
		case claimAud:
			if m.kind == jsoncheck.String {
				s, ok := stringValue(m)
				if !ok {
					return false
				}
				c.aud = []string{s}
			} else if c.aud, ok = stringArray(m); !ok {
				return false
			}
		case claimRoles:
			if c.roles, ok = stringArray(m); !ok {
				return false
			}
			c.hasRoles = true
		default:
			s, ok := stringValue(m)
			if !ok {
				return false
			}
			switch name {
			case claimIss:
				c.iss = s
			case claimOid:
				c.oid = s
			case claimSub:
				c.sub = s
			case claimTid:
				c.tid = s
			case claimUpn:
				c.upn = s
			case claimPreferred:
				c.preferred = s
			case claimScp:
				c.scp = optString{s, true}
			case claimIdtyp:
				c.idtyp = s
			}
		}
	}
	return true
}

// The claims readClaims knows.
const (
	claimOther = iota
	claimExp
	claimNbf
	claimAud
	claimRoles
	claimNonce // nonce or at_hash
	claimIss
	claimOid
	claimSub
	claimTid
	claimUpn
	claimPreferred
	claimScp
	claimIdtyp
)

// claimName classifies a claim name; a switch on string(b) does not allocate.
func claimName(b []byte) int {
	switch string(b) {
	case "exp":
		return claimExp
	case "nbf":
		return claimNbf
	case "aud":
		return claimAud
	case "roles":
		return claimRoles
	case "nonce", "at_hash":
		return claimNonce
	case "iss":
		return claimIss
	case "oid":
		return claimOid
	case "sub":
		return claimSub
	case "tid":
		return claimTid
	case "upn":
		return claimUpn
	case "preferred_username":
		return claimPreferred
	case "scp":
		return claimScp
	case "idtyp":
		return claimIdtyp
	}
	return claimOther
}

// stringValue returns the string a member holds; false when it is not a string.
func stringValue(m member) (string, bool) {
	if m.kind != jsoncheck.String {
		return "", false
	}
	s, ok := unquote(m.value, bytes.IndexByte(m.value, '\\') >= 0)
	return string(s), ok
}

// stringArray returns the strings of a member that is an array of strings.
func stringArray(m member) ([]string, bool) {
	if m.kind != jsoncheck.ArrayStart {
		return nil, false
	}
	var r jsoncheck.Reader
	r.Reset(m.value, 2)
	if t, err := r.Next(); err != nil || t.Kind != jsoncheck.ArrayStart {
		return nil, false
	}
	list := []string{}
	for {
		t, err := r.Next()
		if err != nil {
			return nil, false
		}
		switch t.Kind {
		case jsoncheck.ArrayEnd:
			return list, true
		case jsoncheck.String:
			s, ok := unquote(r.Raw(t), t.Escaped)
			if !ok {
				return nil, false
			}
			list = append(list, string(s))
		default:
			return nil, false
		}
	}
}
