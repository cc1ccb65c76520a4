variable "rule" { # ERROR: No value for required variable
  type = string
}

variable "fields" { # ERROR: No value for required variable
  type = list(string)
}

object "contacts" {
  sync = var.rule == "two_way"
  mapping "fax" {
    salesforce_field = "Fax"
    rule             = var.rule
  }
  dynamic "mapping" {
    for_each = var.fields
    labels   = [mapping.value]
    content {
      salesforce_field = "${mapping.value}__c"
      rule             = var.rule
    }
  }
}
