locals {
  a    = local.b # ERROR: Circular reference
  b    = local.a # ERROR: Circular reference
  self = "${local.self}x" # ERROR: Circular reference
  x    = local.y # ERROR: Circular reference
  y    = [local.z] # ERROR: Circular reference
  z    = local.x[0] # ERROR: Circular reference
  uses = local.a
}

object "contacts" {
  mapping "fax" {
    salesforce_field = "Fax"
    rule             = local.uses
  }
}
