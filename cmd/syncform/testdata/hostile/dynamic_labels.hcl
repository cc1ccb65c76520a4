object "contacts" {
  dynamic "mapping" {
    for_each = ["fax"]
    labels   = [] # ERROR: Insufficient dynamic block labels
    content {
      salesforce_field = "Fax"
      rule             = "two_way"
    }
  }
  dynamic "mapping" {
    for_each = ["phone"]
    labels   = [mapping.value, "extra"] # ERROR: Extraneous dynamic block label
    content {
      salesforce_field = "Phone"
      rule             = "two_way"
    }
  }
  dynamic "mapping" {
    for_each = [null]
    labels   = [mapping.value] # ERROR: Invalid dynamic block label
    content {
      salesforce_field = "Phone"
      rule             = "two_way"
    }
  }
  dynamic "mapping" {
    for_each = [1]
    labels   = [mapping.value] # ERROR: Invalid property name
    content {
      salesforce_field = "Phone"
      rule             = "two_way"
    }
  }
}
