# 100,000 mapping blocks from a few lines: a dynamic block over range().
object "companies" {
  dynamic "mapping" { # ERROR: Unknown HubSpot property
    for_each = setproduct(range(1000), range(100))
    labels   = ["p${mapping.value[0]}_${mapping.value[1]}"]
    content {
      salesforce_field = "Field${mapping.value[0]}_${mapping.value[1]}__c"
      rule             = "two_way"
    }
  }
}
