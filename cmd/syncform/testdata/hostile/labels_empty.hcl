object "" { # ERROR: Unknown object
  sync = true
}

variable "" { # ERROR: Invalid variable name
  default = 1
}

variable "1bad" { # ERROR: Invalid variable name
  default = 1
}

object "contacts" {
  mapping "" { # ERROR: Invalid property name
    salesforce_field = "Fax"
    rule             = "two_way"
  }
}
