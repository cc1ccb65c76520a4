connection {
}

connection { # ERROR: Duplicate block "connection"
}

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
  }
}

object "companies" { # ERROR: Duplicate object "companies"
}

locals {
  a = 1
}

locals {
  a = 2 # ERROR: Duplicate local value "a"
}
