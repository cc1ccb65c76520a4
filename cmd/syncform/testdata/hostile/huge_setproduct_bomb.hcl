# A billion combinations from one short line: refused, not attempted.
object "companies" {
  dynamic "mapping" {
    for_each = setproduct(range(1000), range(1000), range(1000)) # ERROR: more than 1000000 elements
    labels   = ["p${mapping.value[0]}"]
    content {
      salesforce_field = "Name"
      rule             = "two_way"
    }
  }
}
