fax_rule = "dont_sync # ERROR: Unterminated template string
