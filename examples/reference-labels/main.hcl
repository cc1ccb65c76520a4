# Reference labels and picklist parity.
#
# Salesforce's Account.Region__c is a lookup to the custom object Sales Region:
# its values reach HubSpot as 18-character record IDs, which mean nothing to a
# person segmenting companies. By hand, one creates a dropdown property, maps
# the field to it, and types a label for every ID. Here the configuration
# does all of it, and takes the labels from the Sales Region records' names.
#
#   syncform plan    # the dropdown, the mapping, its options, the back-fill
#   syncform apply

connection {
  provider = "sandbox"
}

object "companies" {
  property "region" {
    label       = "Sales region"
    type        = "dropdown"
    description = "The Sales Region the account belongs to in Salesforce."
  }

  mapping "region" {
    salesforce_field = "Region__c"       # a reference field: 18-character record IDs
    rule             = "always_use_salesforce"
    labels_from      = "Name"            # label every referenced ID with its record's Name
    labels = {
      "a0B8d00000Reg01" = "Europe, Middle East and Africa" # a label here wins over the Name
    }
  }

  # The tier dropdown follows the Salesforce picklist's active values: the
  # UI's "Refresh", done on every plan. Platinum, retired in Salesforce, goes:
  # hidden while companies still hold it, removed when none does.
  mapping "tier" {
    salesforce_field = "Tier__c"
    rule             = "two_way"
    options          = "salesforce"
  }

  resync {
    to_hubspot    = "import" # fill the new region property from Salesforce
    to_salesforce = "segment"
    segment       = "All companies"
  }
}

rules {
  owner-unmatched = "off" # the sandbox's owners are known; see docs/rules.md
}
