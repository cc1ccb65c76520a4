variable "n" { # ERROR: No value for required variable
  type = number
}

locals {
  m = { "0018d0000000000AAA" = null }
}

object "companies" {
  mapping "region" {
    salesforce_field = "Region__c"
    rule             = "always_use_salesforce"
    labels           = local.m # ERROR: every ID needs a label
  }
  mapping "parent" {
    salesforce_field = "ParentId"
    rule             = "always_use_salesforce"
    labels           = merge({}, { x = var.n })
  }
  resync {
    to_salesforce = "records"
    records       = [null] # ERROR: null is not one
  }
}

object "contacts" {
  resync {
    to_salesforce = "records"
    records       = [var.n]
  }
}
