object "companies" {
  mapping "legacy_segment" {
    salesforce_field = "Legacy_Segment__c"
    rule             = "always_use_salesforce"
  }
}
