object "contacts" {
  sync = false # ERROR: This block sets sync = false on contacts
}
