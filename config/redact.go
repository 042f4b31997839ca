package config

import (
	"fmt"
	"time"
)

// Format prints the credentials with every verb (%v, %+v, %#v, %s, %d, …)
// as their key id masked and the secret key and session token as "set"
// or "none", so a log line or a panic that prints a Store or a Config
// cannot show a secret.
func (c Credentials) Format(f fmt.State, verb rune) {
	set := func(s string) string {
		if s == "" {
			return "none"
		}
		return "set (hidden)"
	}
	expires := "never"
	if !c.Expires.IsZero() {
		expires = c.Expires.Format(time.RFC3339)
	}
	fmt.Fprintf(f, "{AccessKeyID:%s SecretAccessKey:%s SessionToken:%s Expires:%s Source:%s}",
		c.MaskedKeyID(), set(c.SecretAccessKey), set(c.SessionToken), expires, c.Source)
}
