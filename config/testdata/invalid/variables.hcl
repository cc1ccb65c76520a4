variable "required_rule" { # ERROR: No value for required variable
  type = string
}

variable "count" {
  type    = number
  default = "many" # ERROR: requires a number
}

variable "rule" {
  type    = string
  default = "two_way"
}

variable "rule" { # ERROR: Duplicate variable "rule"
  default = "dont_sync"
}

locals {
  a = local.b # ERROR: Circular reference
  b = local.a # ERROR: Circular reference
  c = local.a
}

object "contacts" {
  mapping "fax" {
    salesforce_field = "Fax"
    rule             = var.rul # ERROR: Unsupported attribute
  }
}
