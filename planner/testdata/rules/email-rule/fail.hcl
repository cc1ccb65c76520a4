object "contacts" {
  mapping "email" {
    salesforce_field = "Email"
    rule             = "always_use_salesforce" # ERROR: "email" is declared with always_use_salesforce
  }
}
