object "contacts" {
  mapping "fax" {
    salesforce_field = "%{ if true }Fax" # ERROR: missing its corresponding endif
    rule             = "dont_sync"
  }
}
