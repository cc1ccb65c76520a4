variable "a" {
  type = strin # ERROR: Invalid type specification
}

variable "b" {
  type    = list(string)
  default = { x = 1 } # ERROR: requires a list of string
}

variable "c" {
  type    = map(nope) # ERROR: Invalid type specification
  default = {}
}

variable "d" {
  type    = number
  default = true # ERROR: requires a number
}

object "contacts" {
  sync = true
}
