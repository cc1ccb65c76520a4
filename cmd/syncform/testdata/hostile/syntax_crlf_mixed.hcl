object "contacts" {
  sync = true
  prune = "sometimes" # ERROR: bool is required

  mapping "fax" {
    salesforce_field = "Fax"
    rule             = "dont_snyc" # ERROR: Did you mean "dont_sync"
  }
}
