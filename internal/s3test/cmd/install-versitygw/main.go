// Command install-versitygw builds the versitygw binary that the tests run
// against into the s3share cache (or checks $S3SHARE_VERSITYGW) and prints
// its path. CI runs it before `go test` so the build does not happen inside
// a test's time budget.
package main

import (
	"fmt"
	"os"

	"github.com/s3share/s3share/internal/s3test"
)

func main() {
	logf := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, format+"\n", args...)
	}
	path, err := s3test.EnsureBinary(logf)
	if err != nil {
		fmt.Fprintf(os.Stderr, "install-versitygw: %v\n", err)
		os.Exit(1)
	}
	fmt.Println(path)
}
