object "companies" {
  mapping "is_partner" { # ERROR: "is_partner" is a checkbox property but Account.Health_Score__c is a Salesforce double
    salesforce_field = "Health_Score__c"
    rule             = "two_way"
  }

  mapping "customer_since" { # ERROR: it maps to a number property
    salesforce_field = "Seats__c"
    rule             = "always_use_salesforce"
  }

  mapping "notes" { # ERROR: Account.Products__c is a Salesforce multipicklist
    salesforce_field = "Products__c"
    rule             = "two_way"
  }
}
