object "contacts" {
  sync = true
}
} # ERROR: Argument or block definition required
object "companies" {
  sync = true
}
