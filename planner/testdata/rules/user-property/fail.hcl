object "contacts" {
  mapping "account_manager" { # ERROR: "account_manager" is a HubSpot-user property
    salesforce_field = "OwnerId"
    rule             = "two_way"
  }
}
