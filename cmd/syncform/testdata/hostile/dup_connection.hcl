connection {
  provider = "sandbox"
}

connection { # ERROR: Duplicate block "connection"
  provider = "sandbox"
}
