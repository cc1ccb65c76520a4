object "contacts" { # ERROR: Unclosed configuration block
  mapping "fax" {
    salesforce_field = "Fax"
    rule             = "dont_sync"
  }
