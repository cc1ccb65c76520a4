object "deals" {
  mapping "discount" { # ERROR: deals sync is off
    salesforce_field = "Discount__c"
    rule             = "two_way"
  }
}
