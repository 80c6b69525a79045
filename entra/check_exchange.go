package entra

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// anchorMailbox routes an app-only admin API call to the organisation.
const anchorMailbox = "APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@"

// invokeCommandBody is the read-only cmdlet the exchange check runs.
const invokeCommandBody = `{"CmdletInput":{"CmdletName":"Get-OrganizationConfig","Parameters":{}}}`

// checkExchange runs Get-OrganizationConfig through Exchange Online's
// InvokeCommand with the app's token.
func (v *Verifier) checkExchange(ctx context.Context, t Target, token string) CheckResult {
	const id = CheckExchange
	host := hostOf(v.Endpoints.Exchange)
	u := v.Endpoints.Exchange + "/adminapi/beta/" + url.PathEscape(strings.TrimSpace(t.TenantID)) + "/InvokeCommand"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader([]byte(invokeCommandBody)))
	if err != nil {
		return failed(id, "", "cannot build the Exchange request: "+serverText(err.Error()), "check --exchange-url")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-ResponseFormat", "json")
	req.Header.Set("X-AnchorMailbox", anchorMailbox+strings.TrimSpace(t.Organization))
	resp, err := v.client().Do(req)
	if err != nil {
		tr, ok := networkTrouble(err, host)
		if !ok {
			tr = trouble{"the Exchange request to " + serverText(host) + " failed: " + serverText(err.Error()), "try again"}
		}
		return failed(id, "", tr.message, tr.hint)
	}
	defer resp.Body.Close()
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if readErr != nil && resp.StatusCode == http.StatusOK {
		tr, ok := networkTrouble(readErr, host)
		if !ok {
			tr = trouble{"reading Exchange's answer failed", "try again"}
		}
		return failed(id, "", tr.message, tr.hint)
	}
	if tr, ok := statusTrouble(resp.StatusCode, host); ok {
		return failed(id, "", tr.message, tr.hint)
	}
	detail := exchangeDetail(body)
	switch resp.StatusCode {
	case http.StatusOK:
		var obj map[string]json.RawMessage
		if json.Unmarshal(body, &obj) != nil {
			return failed(id, "", serverText(host)+" answered HTTP 200 but not with Exchange Online's JSON (a proxy or captive portal in between?)",
				v.Endpoints.endpointAdvice("--exchange-url", "Exchange Online"))
		}
		return passed(id, "Exchange Online ran Get-OrganizationConfig for the app"+orgName(body))
	case http.StatusUnauthorized:
		return failed(id, StepGrantAdminConsent,
			"Exchange Online refused the token (HTTP 401) although it holds Exchange.ManageAsApp"+detail,
			"consent can take several minutes to reach Exchange: retry in a few minutes"+waitAdvice("5m")+"; if it persists, check API permissions shows Office 365 Exchange Online → Exchange.ManageAsApp (Application) with Status Granted")
	case http.StatusForbidden:
		return failed(id, StepAssignGlobalReader,
			"Exchange Online refused the call (HTTP 403): the app has no directory role Exchange accepts"+detail,
			"assign Global Reader to the app (Entra ID → Roles and administrators → Global Reader → Add assignments); it can take a few minutes to apply: retry then"+waitAdvice("5m"))
	case http.StatusNotFound:
		return failed(id, "", "Exchange Online has no organization for tenant "+serverText(t.TenantID)+" at "+serverText(host)+" (HTTP 404)"+detail,
			v.exchangeMissingAdvice())
	}
	return failed(id, "", fmt.Sprintf("Exchange Online answered HTTP %d%s", resp.StatusCode, detail),
		"check the Organization ID (the tenant's initial domain) and try again")
}

// exchangeDetail extracts error.details[0].message (or error.message) from
// an Exchange error body, which may be empty or not JSON at all.
func exchangeDetail(body []byte) string {
	var e struct {
		Error struct {
			Message string `json:"message"`
			Details []struct {
				Message string `json:"message"`
			} `json:"details"`
		} `json:"error"`
	}
	if len(bytes.TrimSpace(body)) == 0 || json.Unmarshal(body, &e) != nil {
		return ""
	}
	msg := e.Error.Message
	if len(e.Error.Details) > 0 && e.Error.Details[0].Message != "" {
		msg = e.Error.Details[0].Message
	}
	if msg = serverText(strings.TrimSpace(msg)); msg == "" {
		return ""
	}
	return ": Exchange said " + fmt.Sprintf("%q", msg)
}

// orgName names the organisation Get-OrganizationConfig returned, if any.
func orgName(body []byte) string {
	var r struct {
		Value []struct {
			DisplayName string `json:"DisplayName"`
			Name        string `json:"Name"`
		} `json:"value"`
	}
	if json.Unmarshal(body, &r) != nil || len(r.Value) == 0 {
		return ""
	}
	n := r.Value[0].DisplayName
	if n == "" {
		n = r.Value[0].Name
	}
	if n = serverText(n); n == "" {
		return ""
	}
	return " (organization " + n + ")"
}

// exchangeMissingAdvice is the hint when Exchange Online knows no such
// organization: a subscription is missing, or an override points elsewhere.
func (v *Verifier) exchangeMissingAdvice() string {
	h := "the tenant needs an Exchange Online subscription (Microsoft 365 admin center → Billing → Your products)"
	if v.Endpoints.overridden("--exchange-url") {
		h += "; check --exchange-url too"
	}
	return h
}
