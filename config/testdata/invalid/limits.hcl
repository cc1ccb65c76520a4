object "companies" {
  property "pxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" { # ERROR: This property name has 101 characters; HubSpot takes at most 100
    label = "ok"
    type  = "text"
  }
  property "long_label" {
    label = "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL" # ERROR: Property label too long
    type  = "text"
    group = "ggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg" # ERROR: Group name too long
  }
  property "multibyte_label" {
    label = "ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé"
    type  = "text"
  }
  mapping "pxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" { # ERROR: Property name too long
    salesforce_field = "Fax"
    rule             = "two_way"
  }
  mapping "region" {
    salesforce_field = "Region__c"
    rule             = "two_way"
    labels = {
      "a0B5e000001AbCd" = "x${join("", [for i in range(995) : "xxx"])}" # ERROR: Option (ID and label) too long
      "a0B5e000001AbCe" = "${join("", [for i in range(995) : "ééé"])}"
    }
  }
  mapping "tier" {
    salesforce_field = "Tier__c"
    rule             = "two_way"
    labels           = { for i in range(1) : "a0B5e000001AbCd" => "x${join("", [for i in range(995) : "xxx"])}" } # ERROR: Option (ID and label) too long
  }
  resync {
    segment = "SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS" # ERROR: This segment name has 256 characters; HubSpot takes at most 255
  }
}
