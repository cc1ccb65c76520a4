object "contacts" {
  mapping "fax" {
    salesforce_field = "Fax" "Phone" # ERROR: Missing newline after argument
    rule = "dont_sync"
  }
}
