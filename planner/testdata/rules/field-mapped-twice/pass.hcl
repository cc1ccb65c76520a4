object "companies" {
  prune = true # deletes legacy_segment first, which frees its field

  mapping "health_score" {
    salesforce_field = "Health_Score__c"
    rule             = "two_way"
  }
  mapping "website_notes" {
    salesforce_field = "Notes__c"
    rule             = "two_way"
  }
  mapping "legacy_text" {
    salesforce_field = "Legacy_Segment__c"
    rule             = "two_way"
  }
  property "legacy_text" {
    label = "Legacy segment (text)"
    type  = "text"
  }
}
