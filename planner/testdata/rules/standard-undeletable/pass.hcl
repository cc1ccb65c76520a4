object "contacts" {
  prune = true # passes over standard mappings

  mapping "jobtitle" {
    salesforce_field = "Title"
    rule             = "dont_sync"
  }
}
