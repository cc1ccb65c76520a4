object "contacts" {
  mapping "jobtitle" {
    salesforce_field = "Description" # ERROR: "jobtitle" is a standard mapping to Title
    rule             = "two_way"
  }
}
