object "companies" {
  mapping "hubspot_owner_id" {
    salesforce_field = "OwnerId"
    rule             = "always_use_salesforce" # ERROR: The owner mapping is declared with always_use_salesforce
  }
}
