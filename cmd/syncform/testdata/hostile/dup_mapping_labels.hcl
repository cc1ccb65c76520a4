# Two mappings of one property are the planner's to refuse.
object "contacts" {
  mapping "fax" {
    salesforce_field = "Fax"
    rule             = "two_way"
  }
  mapping "fax" { # ERROR: mapped twice
    salesforce_field = "Phone"
    rule             = "dont_sync"
  }
}
