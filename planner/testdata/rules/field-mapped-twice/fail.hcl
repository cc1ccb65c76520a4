object "companies" {
  mapping "health_score" {
    salesforce_field = "Health_Score__c"
    rule             = "two_way"
  }
  mapping "seats" {
    salesforce_field = "Health_Score__c" # ERROR: Health_Score__c is already mapped to "health_score"
    rule             = "two_way"
  }
  mapping "billing_email" {
    salesforce_field = "Legacy_Segment__c" # ERROR: already mapped to the live custom mapping "legacy_segment"
    rule             = "two_way"
  }
}

object "deals" {
  sync = true
  mapping "discount" {
    salesforce_field = "Amount" # ERROR: already mapped to the live standard mapping "amount"
    rule             = "two_way"
  }
}
