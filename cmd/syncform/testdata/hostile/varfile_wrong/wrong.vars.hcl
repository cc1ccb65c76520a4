fax_rul  = "dont_sync"   # ERROR: Did you mean "fax_rule"
limit    = "lots"        # ERROR: requires a number
fax_rule = var.limit     # ERROR: Variables not allowed
object "contacts" {      # ERROR: Unexpected "object" block
}
