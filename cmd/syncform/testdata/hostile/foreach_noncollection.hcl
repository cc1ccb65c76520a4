object "contacts" {
  dynamic "mapping" {
    for_each = 5 # ERROR: Invalid dynamic for_each value
    labels   = [mapping.value]
    content {
      salesforce_field = "Fax"
      rule             = "two_way"
    }
  }
  dynamic "mapping" {
    for_each = "fax" # ERROR: Invalid dynamic for_each value
    labels   = [mapping.value]
    content {
      salesforce_field = "Fax"
      rule             = "two_way"
    }
  }
  dynamic "mapping" {
    for_each = null # ERROR: Invalid dynamic for_each value
    labels   = [mapping.value]
    content {
      salesforce_field = "Fax"
      rule             = "two_way"
    }
  }
}
