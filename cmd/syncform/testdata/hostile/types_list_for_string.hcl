object "contacts" {
  property "tier" {
    label = ["Tier"] # ERROR: string is required
    type  = "dropdown"
  }
  mapping "fax" {
    salesforce_field = ["Fax"]    # ERROR: string is required
    rule             = ["two_way"] # ERROR: string is required
  }
}

object "companies" {
  resync {
    to_salesforce = "segment"
    segment       = [] # ERROR: string is required
  }
}
