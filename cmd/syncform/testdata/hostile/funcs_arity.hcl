locals {
  a = lower() # ERROR: Not enough function arguments
  b = upper("a", "b") # ERROR: Too many function arguments
  c = format() # ERROR: Not enough function arguments
  d = range() # ERROR: must have one, two, or three arguments
  e = coalesce() # ERROR: all arguments must have the same type
}

object "contacts" {
  sync = true
}
