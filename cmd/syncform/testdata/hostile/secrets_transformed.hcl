# A secret read with env(), changed by functions and expressions before it
# reaches a message or a value: none of it may be printed, in any form, and
# no function but those that cannot fail on it runs on it.
locals {
  t     = env("HOSTILE_TOKEN")
  parts = split("-", local.t) # ERROR: split cannot take a secret
  upper = upper(local.t)
}

object "companies" {
  sync = tonumber(upper(env("HOSTILE_TOKEN"))) # ERROR: tonumber cannot take a secret
  prune = tobool(join("", reverse([local.t, "x"]))) # ERROR: reverse cannot take a secret

  property "p" {
    label = local.upper # ERROR: Secret value not allowed here
    type  = "text"
    group = jsondecode(local.t) # ERROR: jsondecode cannot take a secret
  }

  mapping "fax" {
    salesforce_field = regex("^[0-9]+$", lower(local.t)) # ERROR: regex cannot take a secret
    rule             = {for c in ["a", "b"] : title(local.t) => c} # ERROR: cannot be a key of a for expression
    labels           = { for p in [local.t] : p => p } # ERROR: cannot be a key of a for expression
  }

  dynamic "mapping" {
    for_each = [trimspace(local.t)]
    labels   = [mapping.value] # ERROR: Secret value not allowed here
    content {
      salesforce_field = "Fax"
      rule             = "two_way"
    }
  }

  resync {
    segment = "%{ for p in [local.t] }${p}%{ endfor }" # ERROR: Secret value not allowed here
    records = csvdecode("a\n${substr(local.t, 0, 10)}") # ERROR: substr cannot take a secret
    to_salesforce = true ? format("%s!", local.t) : {a = 1} # ERROR: details are not shown
    batch_size = strlen(local.t) > 3 ? 1 : 2 # ERROR: strlen cannot take a secret
  }
}
