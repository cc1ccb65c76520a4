# Account holds generated custom fields Extra_001__c … Extra_520__c in this test.
object "companies" { # ERROR: companies would hold 502 mappings after this plan, over the limit of 500
  dynamic "property" {
    for_each = range(1, 500)
    labels   = [format("extra_%03d", property.value)]
    content {
      label = format("Extra %d", property.value)
      type  = "text"
    }
  }
  dynamic "mapping" {
    for_each = range(1, 500)
    labels   = [format("extra_%03d", mapping.value)]
    content {
      salesforce_field = format("Extra_%03d__c", mapping.value)
      rule             = "two_way"
    }
  }
}

object "contacts" { # WARNING: contacts would hold 475 mappings after this plan, close to the limit
  dynamic "property" {
    for_each = range(1, 451)
    labels   = [format("extra_%03d", property.value)]
    content {
      label = format("Extra %d", property.value)
      type  = "text"
    }
  }
  dynamic "mapping" {
    for_each = range(1, 451)
    labels   = [format("extra_%03d", mapping.value)]
    content {
      salesforce_field = format("Extra_%03d__c", mapping.value)
      rule             = "two_way"
    }
  }
}
