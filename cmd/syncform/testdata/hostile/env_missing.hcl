connection {
  provider = "hubspot"
  hubspot {
    portal_id = 12345678
    token     = env("HOSTILE_MISSING_TOKEN") # ERROR: is not set
  }
  salesforce {
    instance_url = "https://example.my.salesforce.com"
    token        = env("HOSTILE_ALSO_MISSING") # ERROR: is not set
  }
}
