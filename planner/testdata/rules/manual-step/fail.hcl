# Planned against a provider that cannot change mappings (this test marks
# mappings manual in the live snapshot).
object "companies" {
  mapping "health_score" { # NOTE: create companies.mapping.health_score cannot be applied
    salesforce_field = "Health_Score__c"
    rule             = "two_way"
  }
  mapping "name" {
    salesforce_field = "Name"
    rule             = "two_way" # NOTE: update companies.mapping.name cannot be applied
  }
}
