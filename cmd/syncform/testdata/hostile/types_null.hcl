object "contacts" {
  property "tier" {
    label = null # ERROR: not null
    type  = "dropdown"
  }
  mapping "fax" {
    salesforce_field = null # ERROR: not null
    rule             = null # ERROR: not null
  }
  mapping "phone" {
    salesforce_field = "Phone"
    rule             = "two_way"
    labels = {
      "0015e000001AbCdEAK" = null # ERROR: not null
    }
  }
}

object "companies" {
  resync {
    to_salesforce = "records"
    records       = [1, null] # ERROR: null is not one
  }
}
