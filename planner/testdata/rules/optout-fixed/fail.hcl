object "contacts" {
  mapping "hs_email_optout" {
    salesforce_field = "HasOptedOutOfEmail"
    rule             = "dont_sync" # ERROR: cannot change
  }
}
