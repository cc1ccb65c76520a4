object "companies" {
  mapping "region" {
    salesforce_field = "Region__c"
    rule             = "always_use_salesforce"
    labels           = ["EMEA"] # ERROR: map of string is required
  }
  mapping "industry" {
    salesforce_field = "Industry"
    rule             = "two_way"
    labels = {
      "a0B5e000001AbCdEAK" = ["EMEA"] # ERROR: string is required
      (["key"]) = "North America" # ERROR: string is required
    }
  }
  mapping "type" {
    salesforce_field = "Type"
    rule             = "two_way"
    labels           = "EMEA" # ERROR: map of string is required
  }
}
