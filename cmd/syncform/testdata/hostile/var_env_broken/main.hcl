# The test's environment sets SYNCFORM_VAR_hostile_count to "[1, 2".
variable "hostile_count" { # ERROR: environment variable SYNCFORM_VAR_hostile_count
  type = number
}

object "contacts" {
  sync = var.hostile_count > 0
}
