variable "fax_rule" {
  type    = string
  default = "two_way"
}

variable "limit" {
  type    = number
  default = 1
}

object "contacts" {
  mapping "fax" {
    salesforce_field = "Fax"
    rule             = var.fax_rule
  }
}
