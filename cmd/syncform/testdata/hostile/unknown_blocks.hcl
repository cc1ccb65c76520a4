terraform { # ERROR: Unsupported block type
}

resource "hubspot_mapping" "fax" { # ERROR: Unsupported block type
}

connection {
  aws { # ERROR: Unsupported block type
  }
}

object "contacts" {
  mappings { # ERROR: Unsupported block type
  }
  mapping "fax" {
    salesforce_field = "Fax"
    rule             = "two_way"
    labels { # ERROR: Unsupported block type
    }
  }
}
