connection {
  provider = "hubspot"
  hubspot {
    portal_id = 1.5 # ERROR: whole number
    token     = env("HOSTILE_TOKEN")
  }
  salesforce {
    instance_url = "https://example.my.salesforce.com"
    token        = env("HOSTILE_TOKEN")
  }
}

object "companies" {
  resync {
    to_salesforce = "records"
    records       = [1.5, -3] # ERROR: positive whole numbers
    batch_size    = 1e30      # ERROR: whole number
  }
}

object "deals" {
  resync {
    to_hubspot = "import"
    batch_size = -1 # ERROR: Invalid batch size
  }
}
