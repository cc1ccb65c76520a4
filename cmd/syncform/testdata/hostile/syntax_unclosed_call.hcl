locals {
  pattern = regex("^[a-z]+$",
# ERROR: Missing expression