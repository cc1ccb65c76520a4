object "contacts" {
  sync = "on" # ERROR: bool is required
}
﻿object "deals" { # ERROR: Invalid character
}
