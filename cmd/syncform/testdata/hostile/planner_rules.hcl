# Valid to the loader; the planner's rules refuse it against the live schema.
object "contacts" {
  sync = false # ERROR: Contact sync cannot be turned off
  mapping "emial" { # ERROR: Did you mean "email"
    salesforce_field = "Email"
    rule             = "two_way"
  }
}

object "companies" {
  property "region" {
    label = "Sales region"
    type  = "dropdown"
  }
  mapping "region" {
    salesforce_field = "Region__c"
    rule             = "always_use_salesforce"
    labels = {
      "a0B8d00000Reg01XXX" = "EMEA" # ERROR: Invalid Salesforce ID
      "not-an-id"          = "Nowhere" # ERROR: Invalid Salesforce ID
    }
  }
  resync {
    to_hubspot = "import"
    batch_size = 200001 # ERROR: 200,000
  }
}
