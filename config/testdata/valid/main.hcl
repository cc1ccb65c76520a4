connection {
  provider = "sandbox"
  sandbox  = "state/sandbox.db"
}

variable "region_rule" {
  type    = string
  default = "always_use_salesforce"
}

variable "campaign_fields" {
  type    = list(string)
  default = ["utm_source"]
}

locals {
  prefix = lower("UTM")
  fields = [for f in var.campaign_fields : f if startswith(f, local.prefix)]
}

object "companies" {
  sync  = true
  prune = true

  property "region" {
    label       = format("%s region", "Sales")
    type        = "dropdown"
    description = "The account's sales region"
  }

  mapping "region" {
    salesforce_field = "Region__c"
    rule             = var.region_rule
    labels = {
      "a0B5e000001AbCdEAK" = "EMEA"
      "a0B5e000001AbCe"    = "North America"
    }
  }

  mapping "industry" {
    salesforce_field = "Industry"
    rule             = "two_way"
    options          = "salesforce"
  }

  dynamic "mapping" {
    for_each = local.fields
    labels   = [mapping.value]
    content {
      salesforce_field = "${mapping.value}__c"
      rule             = "prefer_salesforce_unless_blank"
    }
  }

  resync {
    to_salesforce = "segment"
    segment       = "All companies"
    to_hubspot    = "import"
    batch_size    = 200000
  }
}

rules {
  no-backfill = "error"
}
