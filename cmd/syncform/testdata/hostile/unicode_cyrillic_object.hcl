object "cоntacts" { # ERROR: Did you mean "contacts"
  sync = true
}
