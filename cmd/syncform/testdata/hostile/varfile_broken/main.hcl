variable "fax_rule" {
  type    = string
  default = "two_way"
}

object "contacts" {
  mapping "fax" {
    salesforce_field = "Fax"
    rule             = var.fax_rule
  }
}
