# Calls that make go-cty panic or ask for all the memory there is.
locals {
  a = merge(null, "a") # ERROR: it cannot take these arguments
  b = indent(-1, "x\ny") # ERROR: spaces must be a whole number
  c = indent(1000000000000, "x\ny") # ERROR: spaces must be a whole number
  d = range(0, 1, 0) # ERROR: more than 1024 values
  e = range(1000000) # ERROR: more than 1024 values
}

object "contacts" {
  sync = true
}
