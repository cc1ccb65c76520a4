# The configuration the workflow plans and applies: the quickstart's companies
# part. In a real repository it lives in syncform/ with a hubspot connection.

connection {
  provider = "sandbox"
}

object "companies" {
  property "customer_tier" {
    label = "Customer tier"
    type  = "dropdown"
  }

  mapping "customer_tier" {
    salesforce_field = "Tier__c"
    rule             = "two_way"
    options          = "salesforce"
  }
}

rules {
  owner-unmatched = "off"
}
