object "contacts" {
  mapping "fax" {
    salesforce_field = "Fax"
    rule             = "twо_way" # ERROR: Did you mean "two_way"
  }
  mapping "regiоn" { # ERROR: Invalid property name
    salesforce_field = "Region__c"
    rule             = "two_way"
  }
}
