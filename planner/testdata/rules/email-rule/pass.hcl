object "contacts" {
  mapping "email" {
    salesforce_field = "Email"
    rule             = "two_way"
  }
}
