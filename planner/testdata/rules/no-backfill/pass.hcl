object "companies" {
  mapping "health_score" {
    salesforce_field = "Health_Score__c"
    rule             = "always_use_salesforce"
  }
  mapping "seats" {
    salesforce_field = "Seats__c"
    rule             = "two_way"
  }
  resync {
    to_salesforce = "segment"
    segment       = "All companies"
    to_hubspot    = "import"
  }
}

object "contacts" {
  mapping "utm_medium" { # no resync block: an import and an all-contacts resync by default
    salesforce_field = "utm_medium__c"
    rule             = "two_way"
  }
}
