# Manual steps are expected here: a rules block can hide their notes.
object "companies" {
  mapping "health_score" {
    salesforce_field = "Health_Score__c"
    rule             = "two_way"
  }
}

rules {
  manual-step = "off"
}
