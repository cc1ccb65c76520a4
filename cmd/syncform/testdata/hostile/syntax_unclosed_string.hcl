object "contacts" {
  mapping "fax" {
    salesforce_field = "Fax # ERROR: Unterminated template string
    rule             = "dont_sync"
  }
}
