package entra

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"unicode"

	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"
)

// clean reports whether s is safe to print: no control character, no escape.
func clean(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == '\u009b' })
}

// FuzzDecodeClaims: any token decodes or fails without panicking, and a
// well-formed token built from the fuzzed claims gives them back.
func FuzzDecodeClaims(f *testing.F) {
	f.Add("a.b.c", "8f3c2a51-6d0e-4b7a-9c1f-2e4d5a6b7c80", "Exchange.ManageAsApp")
	f.Add("eyJhbGciOiJub25lIn0.eyJyb2xlcyI6WyJ4Il19.", "", "x")
	f.Add("..", "t", "")
	f.Add("x.eyJhdWQiOlsiYSIsMV0sImV4cCI6LTF9.y", "\x1b]0;t\x07", "r\u009b")
	f.Fuzz(func(t *testing.T, token, tid, role string) {
		c, err := DecodeClaims(token)
		if err == nil && strings.Count(token, ".") != 2 {
			t.Fatalf("%q is not a JWT but decoded to %+v", token, c)
		}
		payload, err := json.Marshal(map[string]any{"tid": tid, "roles": []string{role}, "wids": []string{role}, "aud": []string{tid}})
		if err != nil {
			t.Skip() // invalid UTF-8 is replaced by json; nothing to learn
		}
		jwt := "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString(payload) + ".sig"
		got, err := DecodeClaims(jwt)
		if err != nil {
			t.Fatalf("a well-formed token does not decode: %v", err)
		}
		var want struct {
			Tid string `json:"tid"`
		}
		_ = json.Unmarshal(payload, &want)
		if got.TenantID != want.Tid || got.Audience != want.Tid {
			t.Fatalf("tid %q aud %q, want %q", got.TenantID, got.Audience, want.Tid)
		}
		if !got.HasRole(got.Roles[0]) || !got.HasDirectoryRole(got.Wids[0]) {
			t.Fatalf("roles %q / wids %q not found in themselves", got.Roles, got.Wids)
		}
	})
}

// FuzzReadRefusal: whatever body and error text Entra (or something posing
// as it) sends, reading the refusal never panics, keeps the codes the body
// lists, and its description is printable.
func FuzzReadRefusal(f *testing.F) {
	f.Add([]byte(`{"error":"invalid_client","error_description":"AADSTS700027: Client assertion failed. Trace ID: x","error_codes":[700027]}`), "AADSTS700027")
	f.Add([]byte(`{"error_codes":[90002,7000112]}`), "")
	f.Add([]byte(`not json`), "AADSTS53003: blocked AADSTS123")
	f.Add([]byte(`{"error_description":"\u001b]52;c;ZXZpbA==\u0007 Trace ID:"}`), "AADSTS99999999999")
	f.Add([]byte{}, "")
	f.Fuzz(func(t *testing.T, body []byte, text string) {
		err := msalerrors.CallErr{
			Req:  &http.Request{},
			Resp: &http.Response{StatusCode: 400, Body: io.NopCloser(bytes.NewReader(body))},
			Err:  errors.New(text),
		}
		r, ok := readRefusal(err)
		if !ok {
			t.Fatal("an HTTP answer was not read")
		}
		if r.status != 400 {
			t.Fatalf("status %d", r.status)
		}
		var e aadErrorBody
		if json.Unmarshal(body, &e) == nil && len(e.ErrorCodes) > 0 && !slices.Equal(r.codes, e.ErrorCodes) {
			t.Fatalf("codes %v, the body lists %v", r.codes, e.ErrorCodes)
		}
		for _, c := range r.codes {
			if !r.has(c) {
				t.Fatalf("has(%d) is false for its own code", c)
			}
		}
		if d := r.shortDesc(); !clean(d) || strings.Contains(d, "\n") {
			t.Fatalf("the description is not printable: %q", d)
		}
	})
}

// FuzzExchangeResponse: Exchange's error and success bodies (empty, not
// JSON, hostile) never panic and never bring a control character or escape
// into a check's message.
func FuzzExchangeResponse(f *testing.F) {
	f.Add([]byte(`{"error":{"code":"Forbidden","message":"no","details":[{"message":"The role assigned to application isn't supported"}]}}`))
	f.Add([]byte(`{"value":[{"DisplayName":"Contoso","Name":"contoso.onmicrosoft.com"}]}`))
	f.Add([]byte(`{"value":[{"Name":"\u001b[2Jx\u0007"}]}`))
	f.Add([]byte(`<html>403</html>`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, body []byte) {
		d := exchangeDetail(body)
		if d != "" && !strings.HasPrefix(d, ": Exchange said ") {
			t.Fatalf("detail %q", d)
		}
		if !clean(d) {
			t.Fatalf("the detail is not printable: %q", d)
		}
		n := orgName(body)
		if !clean(n) || (n != "" && !strings.HasPrefix(n, " (organization ")) {
			t.Fatalf("the organisation name is not printable: %q", n)
		}
	})
}
