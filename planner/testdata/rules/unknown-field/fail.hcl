object "companies" {
  mapping "health_score" {
    salesforce_field = "Health_Scor__c" # ERROR: Did you mean "Health_Score__c"?
    rule             = "two_way"
  }
}

object "contacts" {
  mapping "lead_score" {
    salesforce_field = "Nonexistent__c" # ERROR: Lead or Contact has no field "Nonexistent__c"
    rule             = "two_way"
  }
}
