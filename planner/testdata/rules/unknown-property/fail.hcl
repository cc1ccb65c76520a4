object "companies" {
  mapping "helth_score" { # ERROR: Did you mean "health_score"?
    salesforce_field = "Health_Score__c"
    rule             = "two_way"
  }
}
