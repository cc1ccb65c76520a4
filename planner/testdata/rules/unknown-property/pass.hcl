object "companies" {
  property "health_index" { # declared here, so the plan creates it first
    label = "Health index"
    type  = "number"
  }
  mapping "health_index" {
    salesforce_field = "Health_Score__c"
    rule             = "two_way"
  }
}
