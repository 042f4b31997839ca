package presign

import "fmt"

// Format prints a Signer with any verb as where it signs for and the
// store's credentials as config.Credentials prints them, never the secret
// key or session token it holds.
func (s *Signer) Format(f fmt.State, verb rune) {
	if s == nil {
		fmt.Fprint(f, "presign.Signer(nil)")
		return
	}
	fmt.Fprintf(f, "presign.Signer{host:%s region:%s creds:%v}", s.host, s.region, s.store.Creds)
}
