connection {
  connector {
    manual = "maybe" # ERROR: bool is required
  }
}

object "companies" {
  sync  = "yes" # ERROR: bool is required
  prune = "no"  # ERROR: bool is required
}
