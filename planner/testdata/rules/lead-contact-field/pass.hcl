object "contacts" {
  mapping "utm_medium" {
    salesforce_field = "utm_medium__c" # on both Lead and Contact
    rule             = "two_way"
  }
  mapping "address" {
    salesforce_field = "Street" # a standard mapping: Street on Lead, MailingStreet on Contact
    rule             = "two_way"
  }
}
