variable "limit" { # ERROR: not a valid expression # ERROR: not a number # ERROR: may not refer to variables or call functions # ERROR: nests more than
  type = number
}

variable "fields" { # ERROR: not a valid expression # ERROR: not a list of string
  type = list(string)
}

object "contacts" {
  mapping "fax" {
    salesforce_field = "Fax"
    rule             = "two_way"
  }
}
