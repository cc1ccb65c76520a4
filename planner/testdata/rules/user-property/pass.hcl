object "contacts" {
  mapping "hubspot_owner_id" { # the standard owner mapping is the one way to sync owners
    salesforce_field = "OwnerId"
    rule             = "two_way"
  }
}
