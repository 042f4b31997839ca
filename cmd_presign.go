package main

import (
	"errors"
	"io"
)

func runPresign(args []string, stdout, stderr io.Writer) int {
	return fail(stderr, errors.New("presign: not built yet"))
}

func runShares(args []string, stdout, stderr io.Writer) int {
	return fail(stderr, errors.New("shares: not built yet"))
}
