connection {
  provider = "hubspot"
  hubspot {
    portal_id = { id = 12345678 } # ERROR: number is required
    token     = env("HOSTILE_TOKEN")
  }
  salesforce {
    instance_url = { url = "https://example.my.salesforce.com" } # ERROR: string is required
    token        = env("HOSTILE_TOKEN")
  }
}

object "companies" {
  resync {
    to_salesforce = "records"
    records       = { first = 1 } # ERROR: list of number is required
    batch_size    = { n = 200 }   # ERROR: number is required
  }
}
