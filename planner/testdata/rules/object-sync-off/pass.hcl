object "deals" {
  sync = true # turned on before the mapping is created

  mapping "discount" {
    salesforce_field = "Discount__c"
    rule             = "two_way"
  }
}
