object "companies" {
  mapping "hubspot_owner_id" { # WARNING: Sarah Johnson is inactive # WARNING: James Chen has the email james.chen@acme.example # WARNING: Olivia Brown <olivia.brown@acme.example> (52841007) owns
    salesforce_field = "OwnerId"
    rule             = "two_way"
  }
}
