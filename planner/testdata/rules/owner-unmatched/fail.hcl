object "companies" {
  mapping "hubspot_owner_id" { # WARNING: 3 HubSpot owners have no matching Salesforce user
    salesforce_field = "OwnerId"
    rule             = "two_way"
  }
}
