object "companies" {
  mapping "tier" {
    salesforce_field = "Tier__c"
    rule             = "two_way"
    options          = "salesforce" # the dropdown follows the picklist's active values
  }
}

object "deals" {
  sync = true
  mapping "competitor" {
    salesforce_field = "Competitor__c"
    rule             = "two_way" # every option is a picklist value
  }
}
