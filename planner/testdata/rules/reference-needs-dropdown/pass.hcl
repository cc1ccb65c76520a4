object "companies" {
  property "region" {
    label = "Region"
    type  = "dropdown" # or radio: each record ID becomes an option with a label
  }
  mapping "region" {
    salesforce_field = "Region__c"
    rule             = "always_use_salesforce"
  }
}
