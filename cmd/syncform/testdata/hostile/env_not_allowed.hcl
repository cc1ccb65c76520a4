locals {
  secret = env("HOSTILE_TOKEN")
}

object "contacts" {
  sync = local.secret == "x" # ERROR: Secret value not allowed here
  mapping "fax" {
    salesforce_field = "${env("HOSTILE_TOKEN")}__c" # ERROR: Secret value not allowed here
    rule             = local.secret # ERROR: Secret value not allowed here
  }
  mapping "phone" {
    salesforce_field = "Phone"
    rule             = "two_way"
    labels = {
      "0015e000001AbCdEAK" = env("HOSTILE_TOKEN") # ERROR: Secret value not allowed here
    }
  }
}
