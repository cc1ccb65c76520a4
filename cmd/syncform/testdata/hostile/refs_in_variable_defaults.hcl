variable "a" {
  default = var.b # ERROR: Variables not allowed
}

variable "b" {
  default = upper("x") # ERROR: Function calls not allowed
}

variable "c" {
  default = local.x # ERROR: Variables not allowed
}

object "contacts" {
  sync = true
}
