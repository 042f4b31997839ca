// Command leakcheck looks for the tests' secrets (see credtest.Marked) in
// files and directories of test output, and names each one it finds. It
// exits 1 when it finds one, 2 when it cannot read what it was given.
//
//	go run ./internal/credtest/cmd/leakcheck FILE|DIR…
package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/s3share/s3share/internal/credtest"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: leakcheck FILE|DIR…")
		os.Exit(2)
	}
	found, files := 0, 0
	for _, root := range os.Args[1:] {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			files++
			for _, l := range credtest.Leaks(string(data)) {
				fmt.Printf("%s: %s\n", path, l)
				found++
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "leakcheck:", err)
			os.Exit(2)
		}
	}
	if found > 0 {
		fmt.Printf("leakcheck: the test output holds the tests' secrets %d times\n", found)
		os.Exit(1)
	}
	fmt.Printf("leakcheck: no secret of the tests in %d output files\n", files)
}
