locals {
  a = upper(["a"]) # ERROR: string required
  b = length(5) # ERROR: collection must be a list, a map or a tuple
  c = range("x") # ERROR: a number is required
  d = jsondecode("{bad") # ERROR: invalid character
  e = regex("(", "x") # ERROR: invalid regexp pattern
  f = parseint("zz", 99) # ERROR: base must be a whole number
  g = element([], 0) # ERROR: empty list
  h = tonumber("abc") # ERROR: cannot convert "abc" to number
  i = tobool("maybe") # ERROR: cannot convert "maybe" to bool
}

object "contacts" {
  sync = true
}
