object "companies" {
  mapping "is_partner" {
    salesforce_field = "Is_Partner__c"
    rule             = "two_way"
  }
  mapping "billing_email" {
    salesforce_field = "Billing_Email__c" # an email field holds text
    rule             = "two_way"
  }
  property "region" {
    label = "Region"
    type  = "dropdown"
  }
  mapping "region" {
    salesforce_field = "Region__c"
    rule             = "always_use_salesforce"
  }
}
