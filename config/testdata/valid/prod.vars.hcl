region_rule     = "two_way"
campaign_fields = ["utm_source", "utm_medium", "other"]
