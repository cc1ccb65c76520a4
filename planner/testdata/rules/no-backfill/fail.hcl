object "companies" {
  mapping "health_score" {
    salesforce_field = "Health_Score__c"
    rule             = "always_use_salesforce"
  }
  mapping "seats" {
    salesforce_field = "Seats__c"
    rule             = "two_way"
  }
  mapping "name" {
    salesforce_field = "Name"
    rule             = "two_way" # from prefer_salesforce_unless_blank: newer HubSpot values now reach Salesforce (resynced)
  }

  resync { # WARNING: "health_score" newly lets values flow from Salesforce to HubSpot # WARNING: "seats" newly lets values flow from Salesforce to HubSpot
    to_hubspot = "none"
  }
}

object "contacts" {
  mapping "fax" {
    salesforce_field = "Fax"
    rule             = "dont_sync" # stopping a mapping opens nothing
  }
  mapping "utm_medium" {
    salesforce_field = "utm_medium__c"
    rule             = "two_way"
  }
  resync { # WARNING: "utm_medium" newly lets values flow from HubSpot to Salesforce
    to_salesforce = "none"
  }
}
