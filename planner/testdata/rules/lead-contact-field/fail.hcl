object "contacts" {
  mapping "lead_score" {
    salesforce_field = "Lead_Score__c" # WARNING: Lead_Score__c exists on Lead but not on Contact
    rule             = "always_use_salesforce"
  }
  mapping "preferred_language" {
    salesforce_field = "Preferred_Language__c" # WARNING: exists on Contact but not on Lead
    rule             = "two_way"
  }
}
