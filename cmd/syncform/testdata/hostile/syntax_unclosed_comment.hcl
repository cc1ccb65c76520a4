object "contacts" {
  sync = true
}
/* a block comment that is never closed # ERROR: Argument or block definition required
object "companies" {
  sync = true
}
