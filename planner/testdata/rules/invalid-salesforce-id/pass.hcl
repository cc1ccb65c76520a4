object "companies" {
  property "region" {
    label = "Region"
    type  = "dropdown"
  }
  mapping "region" {
    salesforce_field = "Region__c"
    rule             = "always_use_salesforce"
    labels = {
      "a0B8d00000Reg01"    = "EMEA"          # 15 characters: upgraded to 18
      "a0B8d00000Reg03EAB" = "Asia Pacific"  # 18 characters
    }
  }
}
