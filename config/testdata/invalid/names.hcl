object "contacts" {
  mapping "Fax Number" { # ERROR: Invalid property name
    salesforce_field = "Fax"
    rule             = "dont_sync"
  }
  mapping "phone" { # ERROR: The argument "rule" is required
    salesforce_field = "Phone"
  }
  property "tier" { # ERROR: The argument "type" is required
    label = "Tier"
  }
  mapping "tier" {
    salesforce_field = "Tier__c"
    rule             = "two_way"
    options          = "hubspot" # ERROR: The only valid value is "salesforce"
  }
  resync {
    to_salesforce = "segmnt" # ERROR: Did you mean "segment"?
    to_hubspot    = "impot" # ERROR: Did you mean "import"?
  }
  resync { # ERROR: Duplicate block "resync"
    to_salesforce = "segment" 
  }
}

rules {
  no-backfill = "loud" # ERROR: Did you mean
}
