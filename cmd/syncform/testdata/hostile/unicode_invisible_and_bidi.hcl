object "deals" {
  sync = true # ERROR: Invalid character
}

object "‮contacts" { # ERROR: Unknown object
  sync = true
}
