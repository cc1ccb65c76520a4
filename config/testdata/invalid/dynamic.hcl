variable "missing" { # ERROR: No value for required variable
  type = list(string)
}

object "companies" {
  dynamic "mappings" { # ERROR: did you mean "mapping"
    for_each = ["a"]
    labels   = ["a"]
    content {
      salesforce_field = "A__c"
      rule             = "two_way"
    }
  }

  dynamic "mapping" { # ERROR: Missing dynamic content block
    for_each = ["a"]
    labels   = ["a"]
  }

  dynamic "mapping" {
    for_each = ["a"]
    labels   = ["a"]
    content {
      salesforce_field = "A__c"
      rule             = "two_way"
    }
    content {} # ERROR: Extraneous dynamic content block
  }

  dynamic "mapping" {
    for_each = ["a"]
    labels   = ["a", "b"] # ERROR: Extraneous dynamic block label
    content {
      salesforce_field = "A__c"
      rule             = "two_way"
    }
  }

  dynamic "mapping" {
    for_each = ["a"]
    labels   = [] # ERROR: Insufficient dynamic block labels
    content {
      salesforce_field = "A__c"
      rule             = "two_way"
    }
  }

  dynamic "mapping" {
    for_each = ["a"]
    iterator = each.item # ERROR: single variable name
    labels   = ["a"]
    content {
      salesforce_field = "A__c"
      rule             = "two_way"
    }
  }

  dynamic "mapping" {
    for_each = ["a"]
    iterator = "m" # ERROR: A single static variable reference is required
    labels   = ["a"]
    content {
      salesforce_field = "A__c"
      rule             = "two_way"
    }
  }

  dynamic "mapping" {
    for_each = null # ERROR: Cannot use a null value
    labels   = ["a"]
    content {
      salesforce_field = "A__c"
      rule             = "two_way"
    }
  }

  dynamic "mapping" {
    for_each = 3 # ERROR: An iterable collection is required
    labels   = ["a"]
    content {
      salesforce_field = "A__c"
      rule             = "two_way"
    }
  }

  dynamic "mapping" {
    for_each = env("SALESFORCE_TOKEN") # ERROR: cannot iterate over it
    labels   = ["a"]
    content {
      salesforce_field = "A__c"
      rule             = "two_way"
    }
  }

  dynamic "mapping" { # ERROR: Missing required argument
    for_each = ["a"]
    content {
      salesforce_field = "A__c"
      rule             = "two_way"
    }
  }

  dynamic "mapping" { # ERROR: "labels" is required # ERROR: Missing dynamic content block
    for_each = ["a"]
  }

  # The schema of the content is checked once, not once a block.
  dynamic "mapping" {
    for_each = ["b", "c", "d"]
    labels   = [mapping.value]
    content { # ERROR: "rule" is required
      salesforce_field = "${upper(mapping.value)}__c"
      colour           = "red" # ERROR: Unsupported argument
    }
  }

  # Each generated block is checked on its own: the label of one is invalid,
  # the value of another.
  dynamic "property" {
    for_each = { ok = "text", "Bad Name" = "text", wrong = "colour" }
    iterator = p
    labels   = [p.key] # ERROR: Invalid property name
    content {
      label = p.key
      type  = p.value # ERROR: "colour" is not a valid field type
    }
  }

  dynamic "mapping" {
    for_each = [null]
    labels   = [mapping.value] # ERROR: Cannot use a null value as a dynamic block label
    content {
      salesforce_field = "A__c"
      rule             = "two_way"
    }
  }

  # A secret inside for_each is refused where it is used, only there.
  dynamic "mapping" {
    for_each = { a = env("SALESFORCE_TOKEN") }
    labels   = [mapping.value] # ERROR: a block label is shown in every plan
    content {
      salesforce_field = "A__c"
      rule             = "two_way"
    }
  }

  dynamic "mapping" {
    for_each = { e = env("SALESFORCE_TOKEN") }
    labels   = [mapping.key]
    content {
      salesforce_field = "E__c"
      rule             = "two_way"
    }
  }

  dynamic "mapping" {
    for_each = [{ x = 1 }]
    labels   = [mapping.value] # ERROR: Cannot use this value as a dynamic block label
    content {
      salesforce_field = "A__c"
      rule             = "two_way"
    }
  }

  # Every problem of a dynamic block is reported, each once.
  dynamic "mapping" {
    for_each = 3      # ERROR: An iterable collection is required
    labels   = [] # ERROR: Insufficient dynamic block labels
    content { # ERROR: "salesforce_field" is required # ERROR: "rule" is required
      colour = "red" # ERROR: Unsupported argument
    }
  }

  dynamic "mapping" {
    for_each = ["f", "g"]
    labels   = [nope] # ERROR: Unknown variable
    content {
      salesforce_field = "A__c"
      rule             = "two_way"
    }
  }

  dynamic "mapping" {
    for_each = ["h", "i"]
    labels   = [mapping.value]
    content {
      salesforce_field = "A__c"
      rule             = mapping.value.rule # ERROR: Unsupported attribute
    }
  }

  # A failed variable is reported once, not again by what uses it.
  dynamic "property" {
    for_each = var.missing
    labels   = [property.value]
    content {
      label = property.value
      type  = "text"
    }
  }

  dynamic "resync" {
    for_each = [1]
    labels   = ["x"] # ERROR: Unsupported argument
    content {
      to_salesforce = "none"
    }
  }
}
