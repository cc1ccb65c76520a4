object "companies" {
  property "tier" {
    label = "Tier"
    type  = "dropdown"
  }
  property "tier" { # ERROR: Duplicate property "tier"
    label = "Tier again"
    type  = "dropdown"
  }
  resync {
    to_hubspot = "import"
  }
  resync { # ERROR: Duplicate block "resync"
    to_hubspot = "none"
  }
}
