locals {
  fields = ["utm_source", "utm_medium"
} # ERROR: Missing item separator

object "contacts" {
  sync = true
}
