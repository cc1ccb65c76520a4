object "contacts" "extra" { # ERROR: Extraneous label for object
  sync = true
}

connection "main" { # ERROR: Extraneous label for connection
  provider = "sandbox"
}

object "companies" {
  mapping "region" "again" { # ERROR: Extraneous label for mapping
    salesforce_field = "Region__c"
    rule             = "two_way"
  }
}
