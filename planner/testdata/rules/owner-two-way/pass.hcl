object "companies" {
  mapping "hubspot_owner_id" {
    salesforce_field = "OwnerId"
    rule             = "two_way"
  }
}
