provider = "sandbox" # ERROR: Unsupported argument

connection {
  region = "eu" # ERROR: Unsupported argument
}

object "contacts" {
  mapping_count = 1 # ERROR: Unsupported argument
  mapping "fax" { # ERROR: Missing required argument
    salesforce = "Fax" # ERROR: Unsupported argument
    rule       = "two_way"
  }
}

object "companies" {
  resync {
    batch = 10 # ERROR: Unsupported argument
  }
}
