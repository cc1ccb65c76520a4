object "companies" {
  property "region" {
    label = "Region"
    type  = "dropdown"
  }
  mapping "region" {
    salesforce_field = "Region__c"
    rule             = "always_use_salesforce"
    labels = {
      "a0B8d00000Reg01"          = "EMEA"
      "a0B9z00000ZZZZZ" = "Atlantis" # WARNING: No Sales_Region__c record has the ID a0B9z00000ZZZZZ
    }
  }
}
