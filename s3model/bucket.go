package s3model

import (
	"fmt"
	"net/netip"
	"strings"
)

// ValidBucketName checks name against the bucket naming rules that AWS
// S3, MinIO and Ceph RGW (in its default, strict mode) share: 3 to 63
// characters; lowercase letters, digits, dots and hyphens; a letter or
// digit first and last; no ".." (nor a dot next to a hyphen); and not an
// IPv4 address. Names that only some stores accept (AWS's legacy
// uppercase or underscore names in us-east-1, Ceph's relaxed names) are
// refused: they cannot be addressed as virtual hosts, and signing a link
// for them would give one that fails. The error says which rule is broken.
func ValidBucketName(name string) error {
	bad := func(why string) error {
		return fmt.Errorf("%q is not a valid bucket name: %s (bucket names are 3 to 63 lowercase letters, digits, dots and hyphens)", name, why)
	}
	switch {
	case len(name) < 3:
		return bad("too short")
	case len(name) > 63:
		return bad("too long")
	}
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-':
		case r >= 'A' && r <= 'Z':
			return bad("uppercase letters are not allowed")
		default:
			return bad(fmt.Sprintf("%q is not allowed", r))
		}
	}
	if !alnum(name[0]) || !alnum(name[len(name)-1]) {
		return bad("it must begin and end with a letter or digit")
	}
	if strings.Contains(name, "..") || strings.Contains(name, ".-") || strings.Contains(name, "-.") {
		return bad("a dot must sit between letters or digits")
	}
	if a, err := netip.ParseAddr(name); err == nil && a.Is4() {
		return bad("it is an IP address")
	}
	return nil
}

func alnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
