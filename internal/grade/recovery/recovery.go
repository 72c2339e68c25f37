// Package recovery keeps one panicking test from taking its package's other
// tests down. `recog starter` inserts `defer recovery.Test(t)` at the top of
// every test (and subtest) of the copy it writes, and `defer
// recovery.Example()` at the top of every example: a stub that panics with
// "not implemented: Q2.2.1" then fails its own test only.
package recovery

import (
	"fmt"
	"testing"
)

// Test recovers a panic of the test t and reports it as a failure of t.
// It must be deferred directly: defer recovery.Test(t).
func Test(t testing.TB) {
	if r := recover(); r != nil {
		t.Helper()
		t.Errorf("panic: %v", r)
	}
}

// Example recovers a panic of an example and prints it, so that the
// example's output differs from the expected one and the example fails.
// It must be deferred directly: defer recovery.Example().
func Example() {
	if r := recover(); r != nil {
		fmt.Printf("panic: %v\n", r)
	}
}
