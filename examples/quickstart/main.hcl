# Quickstart: a first syncform configuration, planned and applied against the
# embedded sandbox (a simulated HubSpot portal connected to a Salesforce org).
#
#   syncform plan                 # what would change
#   syncform apply                # change it (asks for "yes")
#   syncform plan                 # "No changes."

connection {
  provider = "sandbox"
  sandbox  = ".syncform/sandbox.db" # created on first use
}

# Override with --var tier_rule=..., a --var-file, or SYNCFORM_VAR_tier_rule.
variable "tier_rule" {
  type    = string
  default = "two_way"
}

locals {
  campaign_fields = ["utm_source", "utm_medium", "utm_campaign"]
}

object "contacts" {
  # Contacts always sync. Standard mappings are never deleted: to stop one,
  # give it the dont_sync rule.
  mapping "fax" {
    salesforce_field = "Fax"
    rule             = "dont_sync"
  }

  # The email mapping accepts two_way or prefer_salesforce_unless_blank only.
  mapping "email" {
    salesforce_field = "Email"
    rule             = "two_way"
  }

  # One mapping per campaign field: Salesforce wins unless it is blank.
  dynamic "mapping" {
    for_each = local.campaign_fields
    labels   = [mapping.value]
    content {
      salesforce_field = "${mapping.value}__c"
      rule             = "prefer_salesforce_unless_blank"
    }
  }
}

object "companies" {
  sync  = true
  prune = true # delete custom mappings not declared here (legacy_segment)

  property "customer_tier" {
    label       = "Customer tier"
    type        = "dropdown"
    description = "The account's contract tier, kept in sync with Salesforce."
  }

  mapping "customer_tier" {
    salesforce_field = "Tier__c"
    rule             = var.tier_rule
  }

  mapping "health_score" {
    salesforce_field = "Health_Score__c"
    rule             = "always_use_salesforce"
  }

  # The owner mapping is two-way, whatever rule the portal displays.
  mapping "hubspot_owner_id" {
    salesforce_field = "OwnerId"
    rule             = "two_way"
  }
}

object "deals" {
  sync = true # deals sync after companies

  mapping "discount" {
    salesforce_field = "Discount__c"
    rule             = "two_way"
  }
}
