object "contacts" {
  mapping "utm_source" {
    salesforce_field = "${lower("UTM_SOURCE")__c" # ERROR: Extra characters after interpolation expression
    rule             = "two_way"
  }
}
