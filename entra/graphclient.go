package entra

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// GraphError is Microsoft Graph's refusal: its HTTP status and the
// {"error":{"code":…,"message":…}} it sent.
type GraphError struct {
	Method, Path string
	Status       int
	// Code is Graph's error code (Authorization_RequestDenied, …).
	Code    string
	Message string
	// RetryAfter is the pause Graph asked for (429/503), zero when none.
	RetryAfter time.Duration
}

func (e *GraphError) Error() string {
	msg := fmt.Sprintf("Microsoft Graph refused %s %s: HTTP %d", e.Method, e.Path, e.Status)
	if e.Code != "" {
		msg += " " + e.Code
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// Denied reports whether Graph said the caller lacks the privilege (403).
func (e *GraphError) Denied() bool {
	return e.Status == http.StatusForbidden || e.Code == "Authorization_RequestDenied"
}

// NotFound reports whether the object does not exist.
func (e *GraphError) NotFound() bool {
	return e.Status == http.StatusNotFound || e.Code == "Request_ResourceNotFound"
}

// graphClient makes Microsoft Graph v1.0 calls with a signed-in admin's
// delegated token. Plain net/http: the setup makes a handful of calls.
type graphClient struct {
	base  string // the Graph endpoint, without /v1.0
	http  *http.Client
	token string
}

// maxGraphBody bounds what is read of one Graph answer.
const maxGraphBody = 4 << 20

// call sends one request to base+"/v1.0/"+path. in (may be nil) is sent as
// JSON; a 2xx answer with a body is decoded into out (may be nil). It returns
// the status; a non-2xx answer is a *GraphError, a transport failure is the
// transport's error.
func (g *graphClient) call(ctx context.Context, method, path string, header map[string]string, in, out any) (int, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, fmt.Errorf("encode the %s %s request: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	target := g.base + "/v1.0/" + path
	if strings.HasPrefix(path, "https://") || strings.HasPrefix(path, "http://") {
		// An @odata.nextLink: followed only on Graph's own host, so the
		// token goes nowhere else.
		if !strings.HasPrefix(path, g.base+"/") {
			return 0, fmt.Errorf("refusing to follow Microsoft Graph's next page to another host: %s", serverText(hostOf(path)))
		}
		target = path
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return 0, fmt.Errorf("prepare %s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+g.token)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := g.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxGraphBody))
	if err != nil {
		return resp.StatusCode, fmt.Errorf("read the answer to %s %s: %w", method, path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, graphErrorOf(method, path, resp, raw)
	}
	if out != nil && len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.StatusCode, fmt.Errorf("the answer of Microsoft Graph to %s %s is not the JSON expected: %w", method, pathOnly(path), err)
		}
	}
	return resp.StatusCode, nil
}

// graphErrorOf reads Graph's error body; a body that is not Graph's shape
// (a proxy's page) still gives the status.
func graphErrorOf(method, path string, resp *http.Response, raw []byte) *GraphError {
	e := &GraphError{Method: method, Path: pathOnly(path), Status: resp.StatusCode}
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(raw, &body) == nil {
		e.Code, e.Message = serverText(body.Error.Code), serverText(body.Error.Message)
	}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		e.RetryAfter = time.Duration(s) * time.Second
	}
	return e
}

// pathOnly drops the query (and Graph's base) from a path, for messages.
func pathOnly(p string) string {
	before, _, _ := strings.Cut(p, "?")
	if i := strings.Index(before, "/v1.0/"); i >= 0 {
		before = before[i+len("/v1.0/"):]
	}
	return before
}

// maxPages bounds how many pages of one collection the setup reads.
const maxPages = 50

// list reads every page of a collection into each, following
// @odata.nextLink; each item is decoded by the caller.
func (g *graphClient) list(ctx context.Context, path string, each func(json.RawMessage) error) error {
	for page := 0; path != "" && page < maxPages; page++ {
		var out struct {
			Value    []json.RawMessage `json:"value"`
			NextLink string            `json:"@odata.nextLink"`
		}
		if _, err := g.call(ctx, http.MethodGet, path, nil, nil, &out); err != nil {
			return err
		}
		for _, v := range out.Value {
			if err := each(v); err != nil {
				return err
			}
		}
		path = out.NextLink
	}
	return nil
}

// odataQuote quotes a value for an OData key or $filter literal.
func odataQuote(v string) string { return "'" + strings.ReplaceAll(v, "'", "''") + "'" }
