variable "rule" {
  default = "two_way"
}

variable "rule" { # ERROR: Duplicate variable "rule"
  default = "dont_sync"
}

locals {
  fields = ["a"]
}

locals {
  fields = ["b"] # ERROR: Duplicate local value "fields"
}

rules {
  no-backfill = "off"
}

rules {
  no-backfill = "error" # ERROR: Duplicate rule setting "no-backfill"
}

connection {
  provider = "hubspot"
  hubspot {
    portal_id = 1
    token     = env("HOSTILE_TOKEN")
  }
  hubspot { # ERROR: Duplicate block "hubspot"
    portal_id = 2
    token     = env("HOSTILE_TOKEN")
  }
  salesforce {
    instance_url = "https://example.my.salesforce.com"
    token        = env("HOSTILE_TOKEN")
  }
}
