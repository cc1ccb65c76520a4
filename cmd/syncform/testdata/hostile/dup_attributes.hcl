object "contacts" {
  sync = true
  sync = false # ERROR: Attribute redefined
  mapping "fax" {
    salesforce_field = "Fax"
    rule             = "dont_sync"
    rule             = "two_way" # ERROR: Attribute redefined
  }
}
