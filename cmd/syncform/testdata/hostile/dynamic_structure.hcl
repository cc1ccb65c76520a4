object "contacts" {
  dynamic "mapping" { # ERROR: Missing dynamic content block
    for_each = ["fax"]
    labels   = [mapping.value]
  }
  dynamic "mapping" {
    for_each = ["phone"]
    iterator = 1 # ERROR: Invalid expression
    labels   = ["phone"]
    content {
      salesforce_field = "Phone"
      rule             = "two_way"
    }
  }
  dynamic "mapping" {
    for_each = ["mobilephone"]
    labels   = [mapping.value]
    content {
      salesforce_field = "MobilePhone"
      rule             = "two_way"
      dynamic "labels" { # ERROR: Unsupported block type
        for_each = ["x"]
        content {}
      }
    }
  }
  dynamic "resync" { # ERROR: Duplicate block "resync"
    for_each = [1, 2]
    content {
      to_hubspot = "none"
    }
  }
}
