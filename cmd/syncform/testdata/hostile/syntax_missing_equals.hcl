object "contacts" {
  mapping "fax" {
    salesforce_field "Fax" # ERROR: Invalid block definition
    rule             = "dont_sync"
  }
}
