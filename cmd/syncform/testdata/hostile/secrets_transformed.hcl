# A secret read with env(), changed by functions and expressions before it
# reaches a message or a value: none of it may be printed, in any form.
locals {
  t     = env("HOSTILE_TOKEN")
  parts = split("-", local.t)
  upper = upper(local.t)
}

object "companies" {
  sync = tonumber(upper(env("HOSTILE_TOKEN"))) # ERROR: as an argument comes from env()
  prune = tobool(join("", reverse(local.parts))) # ERROR: as an argument comes from env()

  property "p" {
    label = local.upper # ERROR: Secret value not allowed here
    type  = "text"
    group = jsondecode(local.t) # ERROR: as an argument comes from env()
  }

  mapping "fax" {
    salesforce_field = regex("^[0-9]+$", lower(local.t)) # ERROR: as an argument comes from env()
    rule             = {for c in ["a", "b"] : title(local.t) => c} # ERROR: details are not shown
    labels           = { for p in local.parts : p => p } # ERROR: Secret value not allowed here
  }

  dynamic "mapping" {
    for_each = [replace(local.t, "-", "_")]
    labels   = [mapping.value] # ERROR: Secret value not allowed here
    content {
      salesforce_field = "Fax"
      rule             = "two_way"
    }
  }

  resync {
    segment = "%{ for p in local.parts }${p}%{ endfor }" # ERROR: Secret value not allowed here
    records = csvdecode("a\n${substr(local.t, 0, 10)}") # ERROR: Secret value not allowed here
    to_salesforce = true ? format("%s!", local.t) : {a = 1} # ERROR: details are not shown
    batch_size = strlen(local.t) > 3 ? 1 : 2 # ERROR: Secret value not allowed here
  }
}
