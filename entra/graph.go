package entra

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
)

// permissionState is what Graph says about the app's Exchange permission.
type permissionState int

const (
	permissionUnknown  permissionState = iota // Graph could not tell
	permissionMissing                         // not in requiredResourceAccess
	permissionListedOK                        // listed: only consent is missing
)

// exchangePermissionState reads the app's requiredResourceAccess through
// Microsoft Graph, to tell "permission not added" from "consent not
// granted" — the token alone cannot. Reading applications needs a directory
// role such as Global Reader; without one the answer is permissionUnknown.
func (v *Verifier) exchangePermissionState(ctx context.Context, client confidential.Client, appID string) permissionState {
	res, err := client.AcquireTokenByCredential(ctx, []string{v.graphScope()})
	if err != nil {
		return permissionUnknown
	}
	id := url.PathEscape(strings.TrimSpace(appID))
	tries := []string{
		v.Endpoints.Graph + "/v1.0/applications(appId='" + id + "')?$select=requiredResourceAccess",
		v.Endpoints.Graph + "/v1.0/applications?$filter=" + url.QueryEscape("appId eq '"+strings.TrimSpace(appID)+"'") + "&$select=requiredResourceAccess",
	}
	for _, u := range tries {
		if st, ok := v.readRequiredAccess(ctx, u, res.AccessToken); ok {
			return st
		}
	}
	return permissionUnknown
}

// requiredAccess is the slice of a Graph application object we read.
type requiredAccess struct {
	RequiredResourceAccess []struct {
		ResourceAppID  string `json:"resourceAppId"`
		ResourceAccess []struct {
			ID   string `json:"id"`
			Type string `json:"type"`
		} `json:"resourceAccess"`
	} `json:"requiredResourceAccess"`
}

// listsManageAsApp reports whether Exchange.ManageAsApp is required.
func (a requiredAccess) listsManageAsApp() bool {
	for _, r := range a.RequiredResourceAccess {
		if !strings.EqualFold(r.ResourceAppID, ExchangeResourceAppID) {
			continue
		}
		for _, ra := range r.ResourceAccess {
			if strings.EqualFold(ra.ID, ExchangeManageAsAppID) && strings.EqualFold(ra.Type, "Role") {
				return true
			}
		}
	}
	return false
}

// readRequiredAccess GETs one Graph URL; ok is false when it did not answer usefully.
func (v *Verifier) readRequiredAccess(ctx context.Context, u, token string) (permissionState, bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return permissionUnknown, false
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	resp, err := v.client().Do(req)
	if err != nil {
		return permissionUnknown, false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		return permissionUnknown, false
	}
	var one requiredAccess
	var list struct {
		Value []requiredAccess `json:"value"`
	}
	if strings.Contains(u, "$filter=") {
		if json.Unmarshal(body, &list) != nil || len(list.Value) != 1 {
			return permissionUnknown, false
		}
		one = list.Value[0]
	} else if json.Unmarshal(body, &one) != nil {
		return permissionUnknown, false
	}
	if one.listsManageAsApp() {
		return permissionListedOK, true
	}
	return permissionMissing, true
}
