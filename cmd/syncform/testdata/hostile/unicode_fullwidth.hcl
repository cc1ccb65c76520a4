ｏbject "contacts" { # ERROR: Unsupported block type
  sync = true
}

object "companies" {
  sync ＝ true # ERROR: Invalid character
}
