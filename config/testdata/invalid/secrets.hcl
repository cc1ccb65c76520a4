connection {
  provider = "hubspot"
  hubspot {
    portal_id = 12345678
    token     = "pat-na1-literal-token" # ERROR: Token must come from the environment
  }
  salesforce {
    instance_url = "https://example.my.salesforce.com"
    token        = env("SALESFORCE_TOKEN")
  }
}

object "contacts" {
  mapping "fax" {
    salesforce_field = env("SALESFORCE_TOKEN") # ERROR: Secret value not allowed here
    rule             = "dont_sync"
  }
  mapping "phone" {
    salesforce_field = "Phone"
    rule             = env("NOT_SET_ANYWHERE") # ERROR: "NOT_SET_ANYWHERE" is not set
  }
}
