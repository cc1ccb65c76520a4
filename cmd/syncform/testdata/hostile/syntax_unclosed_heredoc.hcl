object "companies" {
  property "notes" {
    label       = "Notes"
    type        = "textarea"
    description = <<EOT # ERROR: Invalid expression
The heredoc below never ends.
  }
}
