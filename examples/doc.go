// Package examples holds runnable syncform configurations, one directory
// each; examples_test.go plans and applies every one against a new sandbox.
package examples
