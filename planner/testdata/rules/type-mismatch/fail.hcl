object "companies" {
  mapping "is_partner" { # ERROR: "is_partner" is a checkbox property but Account.Health_Score__c is a Salesforce double
    salesforce_field = "Health_Score__c"
    rule             = "two_way"
  }

  property "region_name" {
    label = "Region name"
    type  = "text"
  }
  mapping "region_name" { # ERROR: it maps to a dropdown or radio property
    salesforce_field = "Region__c"
    rule             = "always_use_salesforce"
  }

  mapping "notes" { # ERROR: Account.Products__c is a Salesforce multipicklist
    salesforce_field = "Products__c"
    rule             = "two_way"
  }
}
