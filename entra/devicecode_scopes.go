package entra

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// graphScopeEcho wraps the HTTP client of the device-code sign-in. MSAL Go
// fails a token whose "scope" lacks a requested scope ("declined scopes are
// present"), comparing the strings exactly; Entra may name Microsoft
// Graph's permissions by their short names (Application.ReadWrite.All) when
// asked for https://graph.microsoft.com/Application.ReadWrite.All. This
// adds the long form of every short name Entra granted, so a granted
// permission is not mistaken for a declined one. A permission Entra did not
// grant stays missing, and MSAL still refuses the token.
type graphScopeEcho struct {
	inner *http.Client
	graph string
}

// Do sends the request and mends the scope of a token answer.
func (c graphScopeEcho) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.inner.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK || !strings.HasSuffix(req.URL.Path, "/token") {
		return resp, err
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxGraphBody))
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	var body map[string]json.RawMessage
	if json.Unmarshal(raw, &body) != nil {
		return resp, nil
	}
	var scope string
	if json.Unmarshal(body["scope"], &scope) != nil || scope == "" {
		return resp, nil
	}
	mended := c.mend(scope)
	if mended == scope {
		return resp, nil
	}
	body["scope"], _ = json.Marshal(mended)
	out, err := json.Marshal(body)
	if err != nil {
		return resp, nil
	}
	resp.Body = io.NopCloser(bytes.NewReader(out))
	resp.ContentLength = int64(len(out))
	resp.Header.Set("Content-Length", strconv.Itoa(len(out)))
	return resp, nil
}

// mend adds graph+"/"+name for each setup permission granted by short name.
func (c graphScopeEcho) mend(scope string) string {
	granted := map[string]bool{}
	for _, s := range strings.Fields(scope) {
		granted[strings.ToLower(s)] = true
	}
	out := scope
	for _, p := range SetupPermissions {
		long := c.graph + "/" + p
		if granted[strings.ToLower(p)] && !granted[strings.ToLower(long)] {
			out += " " + long
		}
	}
	return out
}

// CloseIdleConnections lets MSAL release the inner client's connections.
func (c graphScopeEcho) CloseIdleConnections() { c.inner.CloseIdleConnections() }
