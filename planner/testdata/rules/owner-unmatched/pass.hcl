# Owners without a Salesforce user are known and accepted here; their changes
# in HubSpot will revert to the Salesforce owner.
object "companies" {
  mapping "hubspot_owner_id" {
    salesforce_field = "OwnerId"
    rule             = "two_way"
  }
}

rules {
  owner-unmatched = "off"
}
