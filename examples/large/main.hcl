# The connector at its documented limit: 500 field mappings on each of
# contacts, companies and deals (1,500 in all), each custom one with the
# HubSpot property it needs. The Salesforce fields are made in Salesforce,
# not by syncform: give the sandbox them first (README.md).

connection {
  provider = "sandbox"
}

variable "rule" {
  type        = string
  default     = "always_use_salesforce"
  description = "the rule of every custom mapping; change it to plan 1,468 rule changes"
}

locals {
  # Custom mappings per object: 500 less the standard mappings a newly
  # connected portal has (contacts 25, companies 3, deals 4).
  custom = {
    contacts  = 475
    companies = 497
    deals     = 496
  }
}

rules {
  mapping-limit = "off" # at the limit on purpose
}

object "contacts" {
  sync = true

  dynamic "property" {
    for_each = range(1, local.custom.contacts + 1)
    labels   = [format("extra_%03d", property.value)]
    content {
      label = format("Extra %d", property.value)
      type  = "text"
    }
  }

  dynamic "mapping" {
    for_each = range(1, local.custom.contacts + 1)
    labels   = [format("extra_%03d", mapping.value)]
    content {
      salesforce_field = format("Extra_%03d__c", mapping.value)
      rule             = var.rule
    }
  }
}

object "companies" {
  sync = true

  dynamic "property" {
    for_each = range(1, local.custom.companies + 1)
    labels   = [format("extra_%03d", property.value)]
    content {
      label = format("Extra %d", property.value)
      type  = "text"
    }
  }

  dynamic "mapping" {
    for_each = range(1, local.custom.companies + 1)
    labels   = [format("extra_%03d", mapping.value)]
    content {
      salesforce_field = format("Extra_%03d__c", mapping.value)
      rule             = var.rule
    }
  }
}

object "deals" {
  sync = true

  dynamic "property" {
    for_each = range(1, local.custom.deals + 1)
    labels   = [format("extra_%03d", property.value)]
    content {
      label = format("Extra %d", property.value)
      type  = "text"
    }
  }

  dynamic "mapping" {
    for_each = range(1, local.custom.deals + 1)
    labels   = [format("extra_%03d", mapping.value)]
    content {
      salesforce_field = format("Extra_%03d__c", mapping.value)
      rule             = var.rule
    }
  }
}
