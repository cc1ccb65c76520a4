connection {
  provider = "hubspot"
  hubspot {
    portal_id = 12345678
    token     = "pat-na1-typed-into-the-file" # ERROR: Token must come from the environment
  }
  salesforce {
    instance_url = "https://example.my.salesforce.com"
    token        = "${env("HOSTILE_TOKEN")}" # with the mark kept, this one is fine
  }
}
