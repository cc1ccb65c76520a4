package apiwire

// AccountDetailsPath is HubSpot's account information route: what portal a
// token reaches.
const AccountDetailsPath = "/account-info/v3/details"

// AccountDetails is the answer of GET /account-info/v3/details
// (PortalInformationResponse in HubSpot's published specification,
// HubSpot/HubSpot-public-api-spec-collection,
// PublicApiSpecs/Account/Account Info/Rollouts/144923/v3/accountInfo.json),
// every property of which is required.
type AccountDetails struct {
	PortalID              int64    `json:"portalId"`
	AccountType           string   `json:"accountType"` // STANDARD | DEVELOPER_TEST | SANDBOX | APP_DEVELOPER
	TimeZone              string   `json:"timeZone"`
	CompanyCurrency       string   `json:"companyCurrency"`
	AdditionalCurrencies  []string `json:"additionalCurrencies"`
	UTCOffset             string   `json:"utcOffset"`
	UTCOffsetMilliseconds int64    `json:"utcOffsetMilliseconds"`
	UIDomain              string   `json:"uiDomain"`
	DataHostingLocation   string   `json:"dataHostingLocation"`
}

// OrganizationSOQL reads the ID of the org a Salesforce token reaches: the
// Organization object holds one record, the org itself ("Organization",
// Salesforce Object Reference:
// https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_organization.htm).
// It needs only the api scope the rest of the provider uses, where the
// OAuth UserInfo endpoint's organization_id needs a token granted the id or
// openid scope (Salesforce Help, "Query for User Information").
const OrganizationSOQL = "SELECT Id FROM Organization"
