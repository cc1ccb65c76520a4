object "companies" {
  mapping "health_score" {
    salesforce_field = "Health_Score__c"
    rule             = "two_way"
  }
  mapping "health_score" { # ERROR: "health_score" is already mapped at
    salesforce_field = "Seats__c"
    rule             = "two_way"
  }
}
