object "contacts" {
  mapping "fax" {
    salesforce_field = "Fÿaþx" # ERROR: Invalid character encoding
    rule             = "two_way"
  }
  syncÃ = true # ERROR: Argument or block definition required
}
