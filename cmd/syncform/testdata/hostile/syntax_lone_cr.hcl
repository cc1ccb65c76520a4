object "contacts" {  sync = true}# ERROR: Invalid character
