object "companies" {
  property "region" {
    label = "Region"
    type  = "dropdown"
  }
  mapping "region" {
    salesforce_field = "Region__c"
    rule             = "always_use_salesforce"
    labels = {
      "a0B8d00000Reg01"    = "EMEA"        # valid: 15 characters
      "a0B8d00"            = "Too short"   # ERROR: has 7 characters, want 15 or 18
      "a0B8d00000Reg01XYZ" = "EMEA again"  # ERROR: case-safe suffix is XYZ, want EAB
      "a0B5e000001AbC-"    = "Punctuation" # ERROR: character 15 ('-') is not a letter or digit
    }
  }
}
