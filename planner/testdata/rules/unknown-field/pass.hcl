object "companies" {
  mapping "health_score" {
    salesforce_field = "Health_Score__c"
    rule             = "two_way"
  }
}
