object "companies" {
  resync {
    to_salesforce = "segment"
    segment       = "All companies"
    batch_size    = 200000
  }
}

object "contacts" {
  resync {
    to_salesforce = "segment"
    segment       = "All contacts"
    batch_size    = 500000 # no limit is documented for contacts
  }
}
