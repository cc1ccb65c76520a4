object "companies" {
  resync {
    to_salesforce = "segment"
    segment       = "All companies"
    batch_size    = 250000 # ERROR: batch_size is 250000
  }
}
