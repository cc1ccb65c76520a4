object "contacts" {
  sync = true
  mapping "fax" {
    salesforce_field = "Fax"
    rule             = "dont_sync" # how one stops a contact mapping
  }
}
