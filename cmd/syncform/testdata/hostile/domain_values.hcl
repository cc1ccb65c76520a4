connection {
  provider = "hubspott" # ERROR: Did you mean "hubspot"
  sandbox  = "" # ERROR: Empty sandbox path
}

rules {
  no-backfill     = "fatal" # ERROR: Unknown severity
  owner-unmatched = 3 # ERROR: Unknown severity
}

object "companies" {
  property "tier" {
    label = "Tier"
    type  = "picklist" # ERROR: Unknown field type
  }
  mapping "Region" { # ERROR: Invalid property name
    salesforce_field = "Region__c"
    rule             = "two_way"
    options          = "hubspot" # ERROR: Unknown options source
  }
  resync { # ERROR: Missing records
    to_salesforce = "records"
    to_hubspot    = "export" # ERROR: Unknown import method
  }
}
