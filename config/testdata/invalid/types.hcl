object "companies" {
  sync  = "sometimes" # ERROR: bool is required
  prune = [1, 2] # ERROR: bool is required

  mapping "tier" {
    salesforce_field = ["Tier__c"] # ERROR: string is required
    rule             = "two_way"
    labels           = "EMEA" # ERROR: map of string is required
  }

  resync {
    to_salesforce = "segment"
    segment       = "All companies"
    batch_size    = 12.5 # ERROR: whole number
  }
}

object "deals" {
  resync {
    batch_size = -3 # ERROR: Invalid batch size
  }
}
