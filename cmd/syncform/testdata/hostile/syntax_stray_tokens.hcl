object "contacts" {
  sync = true ; # ERROR: Invalid character
  @prune = false # ERROR: Invalid character
  mapping "fax" {
    salesforce_field = "Fax" ,
    rule             = "dont_sync"
  }
}
