locals {
  known = "two_way"
}

object "contacts" {
  mapping "fax" {
    salesforce_field = var.field # ERROR: Unsupported attribute
    rule             = local.knwon # ERROR: Unsupported attribute
  }
  mapping "phone" {
    salesforce_field = each.value # ERROR: Unknown variable
    rule             = mapping.value # ERROR: Unknown variable
  }
  mapping "mobilephone" {
    salesforce_field = path.module # ERROR: Unknown variable
    rule             = count.index # ERROR: Unknown variable
  }
}
