//go:build !linux

package s3test

import (
	"net"
	"testing"
)

// RefusedAddr returns a 127.0.0.1 address that refuses connections: the
// port of a listener that was opened and closed again. Unlike on Linux,
// another program could take the port before the test dials it.
func RefusedAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("s3test: %v", err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
