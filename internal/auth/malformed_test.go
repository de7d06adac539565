package auth

import (
	"strings"
	"testing"
	"time"
)

func TestMalformedTokens(t *testing.T) {
	v := newTestVerifier(t, Config{})
	hs := `{"alg":"HS256"}`
	good := rawHS256(testSecret, hs, claimsJSON(""))
	gh, gp, gs := splitToken(t, good)
	signed := func(payload string) string { return rawHS256(testSecret, hs, payload) }
	withHeader := func(hdr string) string { return enc(hdr) + "." + gp + "." + gs }
	exp := itoa(testNow.Add(time.Hour).Unix())

	tests := []struct {
		name  string
		token string
		msg   string
	}{
		// Shape.
		{"only a dot", ".", msgMalformed},
		{"two dots", "..", msgNoAlg + "|" + msgMalformed},
		{"three dots", "...", msgMalformed},
		{"one segment", gh, msgMalformed},
		{"two segments", gh + "." + gp, msgMalformed},
		{"four segments", good + "." + gs, msgMalformed},
		{"five segments (JWE shape)", gh + "." + gp + "." + gs + "." + gs + "." + gs, msgMalformed},
		{"trailing dot", good + ".", msgMalformed},
		{"leading dot", "." + good, msgMalformed},
		{"garbage word", "garbage", msgMalformed},
		{"too long", strings.Repeat("a", MaxTokenLen+1), msgTooLong},
		{"too long with dots", gh + "." + strings.Repeat("A", MaxTokenLen) + "." + gs, msgTooLong},
		// Characters and base64url.
		{"padding in header", gh + "==." + gp + "." + gs, msgMalformed},
		{"padding in signature", gh + "." + gp + "." + gs + "=", msgMalformed},
		{"standard alphabet plus", gh + "." + gp + "." + strings.ReplaceAll(strings.ReplaceAll(gs, "-", "+"), "_", "/") + "+/", msgMalformed},
		{"segment length 1 mod 4", "e." + gp + "." + gs, msgMalformed},
		{"signature length 1 mod 4", gh + "." + gp + ".AAAAA", msgMalformed},
		{"non-canonical last character", "e31." + gp + "." + gs, msgMalformed},
		{"newline inside segment", gh[:5] + "\n" + gh[5:] + "." + gp + "." + gs, msgMalformed},
		{"carriage return inside segment", gh + "." + gp[:5] + "\r" + gp[5:] + "." + gs, msgMalformed},
		{"space inside", gh + ". " + gp + "." + gs, msgMalformed},
		{"NUL byte", gh + "." + gp + "\x00." + gs, msgMalformed},
		{"unicode check marks", "✓.✓.✓", msgMalformed},
		{"ideographic full stops", gh + "。" + gp + "。" + gs, msgMalformed},
		{"fullwidth letters", "ｅｙＪ." + gp + "." + gs, msgMalformed},
		{"invalid UTF-8", gh + "." + gp + "\xff\xfe." + gs, msgMalformed},
		{"percent-encoded", gh + "%2E" + gp + "." + gs, msgMalformed},
		{"quoted token", `"` + good + `"`, msgMalformed},
		// Header.
		{"header not JSON", withHeader("xyz"), msgMalformed},
		{"header empty", "." + gp + "." + gs, msgMalformed},
		{"header JSON array", withHeader(`["HS256"]`), msgMalformed},
		{"header JSON string", withHeader(`"HS256"`), msgMalformed},
		{"header JSON number", withHeader(`256`), msgMalformed},
		{"header JSON null", withHeader(`null`), msgMalformed},
		{"header JSON true", withHeader(`true`), msgMalformed},
		{"header with byte order mark", withHeader("\ufeff" + hs), msgMalformed},
		{"header truncated", withHeader(`{"alg":"HS256"`), msgMalformed},
		{"header trailing data", withHeader(hs + `x`), msgMalformed},
		{"header two objects", withHeader(hs + hs), msgMalformed},
		{"header without alg", withHeader(`{"typ":"JWT"}`), msgNoAlg},
		{"header empty object", withHeader(`{}`), msgNoAlg},
		{"header alg number", withHeader(`{"alg":256}`), msgMalformed},
		{"header alg array", withHeader(`{"alg":["HS256"]}`), msgMalformed},
		{"header alg object", withHeader(`{"alg":{"v":"HS256"}}`), msgMalformed},
		{"header kid number", withHeader(`{"alg":"HS256","kid":1}`), msgMalformed},
		{"header unbalanced nesting", withHeader(`{"alg":"HS256","x":` + strings.Repeat("[", 3000)), msgMalformed},
		{"header nesting beyond depth limit", withHeader(`{"alg":"HS256","x":` + strings.Repeat("[", 11000) + `}`), msgMalformed},
		{"header invalid UTF-8 in alg", withHeader("{\"alg\":\"HS256\xff\"}"), msgMalformed}, // not JSON (RFC 8259 wants UTF-8)
		{"header control character", withHeader("{\"alg\":\"HS\x01256\"}"), msgMalformed},
		// Payload, validly signed so that only the claims can be at fault.
		{"payload empty", signed(""), msgClaims},
		{"payload not JSON", signed("hello"), msgClaims},
		{"payload JSON array", signed(`[{"sub":"a","exp":` + exp + `}]`), msgClaims},
		{"payload JSON null", signed(`null`), msgClaims},
		{"payload JSON string", signed(`"{}"`), msgClaims},
		{"payload truncated", signed(`{"sub":"a","exp":` + exp), msgClaims},
		{"payload trailing data", signed(claimsJSON("") + `{}`), msgClaims},
		{"payload unbalanced nesting", signed(`{"sub":"a","exp":` + exp + `,"x":` + strings.Repeat(`{"a":`, 2000)), msgClaims},
		{"payload nesting beyond depth limit", signed(`{"sub":"a","exp":` + exp + `,"x":` + strings.Repeat("[", 10500) + `}`), msgClaims},
		{"payload nesting beyond the cap", signed(`{"sub":"a","exp":` + exp + `,"x":` + strings.Repeat("[", 11000) + strings.Repeat("]", 11000) + `}`), msgTooLong},
		{"payload deep nesting within the cap", signed(`{"sub":"a","exp":` + exp + `,"x":` + strings.Repeat("[", 5500) + `}`), msgClaims},
		{"exp as string", signed(`{"sub":"a","exp":"` + exp + `"}`), msgClaims},
		{"exp as object", signed(`{"sub":"a","exp":{"v":` + exp + `}}`), msgClaims},
		{"sub as number", signed(`{"sub":12345,"exp":` + exp + `}`), msgClaims},
		{"oid as bool", signed(`{"oid":true,"exp":` + exp + `}`), msgClaims},
		{"upn as array", signed(`{"sub":"a","upn":["a@b"],"exp":` + exp + `}`), msgClaims},
		{"scp as array", signed(`{"sub":"a","scp":["Sites.Read.All"],"exp":` + exp + `}`), msgClaims},
		{"scp as number", signed(`{"sub":"a","scp":1,"exp":` + exp + `}`), msgClaims},
		{"roles as string", signed(`{"sub":"a","roles":"Sites.Read.All","exp":` + exp + `}`), msgClaims},
		{"roles of numbers", signed(`{"sub":"a","roles":[1,2],"exp":` + exp + `}`), msgClaims},
		{"roles nested arrays", signed(`{"sub":"a","roles":[["Sites.Read.All"]],"exp":` + exp + `}`), msgClaims},
		{"no subject", signed(`{"exp":` + exp + `,"scp":"Sites.Read.All"}`), msgNoSubject},
		{"empty subject", signed(`{"sub":"","oid":"","exp":` + exp + `}`), msgNoSubject},
		// Signature.
		{"signature not base64", gh + "." + gp + ".!!!!", msgMalformed},
		{"signature empty", gh + "." + gp + ".", msgSignature},
		{"signature of other token", gh + "." + gp + "." + splitLast(signed(claimsJSON(`"x":1`))), msgSignature},
	}
	if len(tests) < 25 {
		t.Fatalf("only %d cases", len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := v.Verify("Bearer " + tt.token)
			if err == nil {
				t.Fatalf("Verify accepted %q as %#v", tt.token, p)
			}
			// A "|"-separated message lists the acceptable messages.
			for _, msg := range strings.Split(tt.msg, "|") {
				if err.Error() == msg {
					wantError(t, err, msg)
					return
				}
			}
			t.Fatalf("error = %q, want %q", err, tt.msg)
		})
	}
}

// TestTokenLengthCap checks the cap at its edge: a valid token of exactly MaxTokenLen bytes passes
// and one byte more is refused before decoding.
func TestTokenLengthCap(t *testing.T) {
	v := newTestVerifier(t, Config{})
	base := rawHS256(testSecret, `{"alg":"HS256"}`, claimsJSON(`"pad":""`))
	// Each 3 bytes of padding add 4 base64 characters.
	pad := (MaxTokenLen - len(base)) / 4 * 3
	var tok string
	for ; ; pad++ {
		tok = rawHS256(testSecret, `{"alg":"HS256"}`, claimsJSON(`"pad":"`+strings.Repeat("p", pad)+`"`))
		if len(tok) >= MaxTokenLen {
			break
		}
	}
	if len(tok) != MaxTokenLen {
		// Step the header instead to hit the length exactly.
		for extra := 1; len(tok) != MaxTokenLen && extra < 8; extra++ {
			tok = rawHS256(testSecret, `{"alg":"HS256"`+strings.Repeat(" ", extra)+`}`, claimsJSON(`"pad":"`+strings.Repeat("p", pad-3)+`"`))
		}
	}
	if len(tok) != MaxTokenLen {
		t.Fatalf("could not build a token of exactly %d bytes (got %d)", MaxTokenLen, len(tok))
	}
	if _, err := v.Verify("Bearer " + tok); err != nil {
		t.Fatalf("token of %d bytes: %v", len(tok), err)
	}
	_, err := v.Verify("Bearer " + tok + "A")
	wantError(t, err, msgTooLong)
}

func splitLast(tok string) string { return tok[strings.LastIndexByte(tok, '.')+1:] }
