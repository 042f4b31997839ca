// Command s3share browses S3-compatible stores in the terminal and shares
// objects through presigned URLs.
package main

import (
	"os"

	"github.com/s3share/s3share/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
