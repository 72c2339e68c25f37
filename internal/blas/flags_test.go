package blas

// The module's goldens are rewritten with `go test ./... -update`: every test
// binary must accept that flag, so this package registers it too, although it
// has no golden files of its own.
import _ "github.com/sebdah/goldie/v2"
