object "companies" {
  resync {
    to_salesforce = "segment"
    segment       = "All companies"
    batch_size    = 1e999999999 # ERROR: Invalid number
  }
}

object "deals" {
  sync = 0x10 # ERROR: Missing newline after argument
}
