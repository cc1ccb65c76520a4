object { # ERROR: Missing name for object
  sync = true
}

variable { # ERROR: Missing name for variable
  default = 1
}

object "contacts" {
  mapping { # ERROR: Missing property for mapping
    salesforce_field = "Fax"
    rule             = "two_way"
  }
}
