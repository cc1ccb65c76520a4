object "companies" {
  mapping "legacy_segment" {
    salesforce_field = "Health_Grade__c" # WARNING: Account.Health_Grade__c is a formula field
    rule             = "always_use_salesforce"
  }
}
