object "companies" {
  property "region_name" {
    label = "Region"
    type  = "text"
  }
  mapping "region_name" { # ERROR: Account.Region__c is a reference field but "region_name" is a text property
    salesforce_field = "Region__c"
    rule             = "always_use_salesforce"
  }
}
