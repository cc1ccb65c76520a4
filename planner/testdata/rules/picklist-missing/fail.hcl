object "companies" {
  mapping "tier" { # WARNING: "tier" has options that Account.Tier__c does not accept: "Platinum"
    salesforce_field = "Tier__c"
    rule             = "two_way"
  }
}
