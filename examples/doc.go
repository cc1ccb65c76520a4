// Package examples holds runnable syncform configurations, one directory
// each; examples_test.go plans and applies every one against a new sandbox.
package examples

// CustomFields is, for the examples that map fields a Salesforce admin must
// add first, how many generated custom text fields (`syncform sandbox seed
// --custom-fields N`, Extra_001__c …) their sandbox needs before the first
// plan. Every test that runs the examples gives them these; each example's
// README says the same to a person.
var CustomFields = map[string]int{
	"large": 497,
}
