object "contacts" {
  sync = true
}

object "contacts" { # ERROR: Duplicate object "contacts"
  mapping "fax" {
    salesforce_field = "Fax"
    rule             = "dont_sync"
  }
}
