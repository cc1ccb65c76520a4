# Pruning frees a slot: 3 live mappings - 1 pruned custom + 447 = 449, under
# the warning threshold of 450 (without prune it would be 450).
object "companies" {
  prune = true
  dynamic "property" {
    for_each = range(1, 448)
    labels   = [format("extra_%03d", property.value)]
    content {
      label = format("Extra %d", property.value)
      type  = "text"
    }
  }
  dynamic "mapping" {
    for_each = range(1, 448)
    labels   = [format("extra_%03d", mapping.value)]
    content {
      salesforce_field = format("Extra_%03d__c", mapping.value)
      rule             = "two_way"
    }
  }
}
