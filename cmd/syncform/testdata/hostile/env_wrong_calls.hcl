connection {
  provider = "hubspot"
  hubspot {
    portal_id = 12345678
    token     = env() # ERROR: Not enough function arguments
  }
  salesforce {
    instance_url = "https://example.my.salesforce.com"
    token        = env("HOSTILE_TOKEN", "extra") # ERROR: Too many function arguments
  }
}

object "contacts" {
  mapping "fax" {
    salesforce_field = "Fax"
    rule             = env(null) # ERROR: must not be null
  }
  mapping "phone" {
    salesforce_field = "Phone"
    rule             = env(["HOSTILE_TOKEN"]) # ERROR: string required
  }
}
