# Inputs that used to crash or hang syncform, or gave no position.
connection {
  sandbox = "" # ERROR: Empty sandbox path
}

locals {
  negative = indent(-1, "a\nb") # ERROR: spaces must be a whole number from 0 to 1000
  huge     = indent(1000000000000, "a\nb") # ERROR: spaces must be a whole number from 0 to 1000
  indented = indent(2, "a\nb")
  bomb     = setproduct(range(1000), range(1000), range(1000)) # ERROR: more than 1000000 elements
  product  = setproduct(range(1000), range(100))
  panics   = merge(null, "a") # ERROR: it cannot take these arguments
  by_index = local["indented"]
}

object "contacts" {
  mapping "fax" {
    salesforce_field = local.by_index == "a\n  b" ? "Fax" : 1
    rule             = length(local.product) == 100000 ? "two_way" : 1
  }
}
