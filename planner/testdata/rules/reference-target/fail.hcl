object "companies" {
  property "region" {
    label = "Region"
    type  = "dropdown"
  }
  mapping "region" {
    salesforce_field = "Region__c"
    rule             = "always_use_salesforce"
    labels = {
      "0015e00000AbCdE" = "An account" # ERROR: is the ID of a record of Account (prefix 001); Account.Region__c references Sales_Region__c
      "zzz5e00000AbCdE" = "Nothing"    # ERROR: a record of an unknown object (prefix zzz)
    }
  }
}
