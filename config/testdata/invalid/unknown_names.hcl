connection {
  provider = "sandbx" # ERROR: Did you mean "sandbox"?
}

object "compnies" { # ERROR: Did you mean "companies"?
}

object "contacts" {
  colour = "red" # ERROR: An argument named "colour" is not expected here

  mapings "fax" { # ERROR: Did you mean "mapping"?
  }

  mapping "fax" {
    salesforce_field = "Fax"
    rule             = "dont_snyc" # ERROR: Did you mean "dont_sync"?
    colour           = "blue" # ERROR: An argument named "colour" is not expected here
  }

  property "tier" {
    label = "Tier"
    type  = "dropdwn" # ERROR: Did you mean "dropdown"?
  }
}

nonsense { # ERROR: Blocks of type "nonsense" are not expected here
}
