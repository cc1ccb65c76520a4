object "contacts​" { # ERROR: Unknown object
  sync = true
}

object "companies" {
  sync​ = true # ERROR: Invalid character
}
