package entra

// Directory role template ids the automatic setup cares about: the roles a
// signed-in admin needs for its writes (see DESIGN.md's Microsoft facts for
// Global Reader, which the app itself gets).
const (
	RoleGlobalAdministrator           = "62e90394-69f5-4237-9190-012177145e10"
	RoleApplicationAdministrator      = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
	RoleCloudApplicationAdministrator = "158c047a-c907-4556-b7ef-446551a6b5f7"
	RolePrivilegedRoleAdministrator   = "e8611ab8-c189-46e8-94e1-60213ab1f814"
)

// Microsoft Graph delegated permissions the automatic setup asks for, by
// name; SetupScopes qualifies them with the cloud's Graph host.
const (
	ScopeApplicationReadWriteAll       = "Application.ReadWrite.All"
	ScopeAppRoleAssignmentReadWriteAll = "AppRoleAssignment.ReadWrite.All"
	ScopeRoleManagementReadWriteDir    = "RoleManagement.ReadWrite.Directory"
	ScopeOrganizationReadAll           = "Organization.Read.All"
)

// SetupPermissions are the delegated permissions of the automatic setup.
var SetupPermissions = []string{
	ScopeApplicationReadWriteAll, ScopeAppRoleAssignmentReadWriteAll,
	ScopeRoleManagementReadWriteDir, ScopeOrganizationReadAll,
}

// SetupScopes returns SetupPermissions as scopes on the Graph endpoint graph
// (https://graph.microsoft.com/Application.ReadWrite.All, ...): a national
// cloud's Graph has its own host, and the token must be for that one.
func SetupScopes(graph string) []string {
	out := make([]string, len(SetupPermissions))
	for i, p := range SetupPermissions {
		out[i] = graph + "/" + p
	}
	return out
}

// DefaultPublicClientID is the public client the device-code sign-in uses
// unless --client-id names another: Microsoft Graph Command Line Tools,
// which every tenant knows and which may ask for the setup's scopes.
const DefaultPublicClientID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"
