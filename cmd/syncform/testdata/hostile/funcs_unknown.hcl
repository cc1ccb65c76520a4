locals {
  a = lowercase("X") # ERROR: Call to unknown function
  b = file("/etc/passwd") # ERROR: Call to unknown function
  c = timestamp() # ERROR: Call to unknown function
  d = provider::x::y() # ERROR: Call to unknown function
}

object "contacts" {
  sync = true
}
