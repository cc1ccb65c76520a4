object "contacts" {
  mapping "hs_email_optout" {
    salesforce_field = "HasOptedOutOfEmail"
    rule             = "two_way"
  }
}
