package s3model

import "fmt"

// Format prints a Client with any verb as its endpoint and the store's
// credentials as config.Credentials prints them, never the secret key or
// session token it holds.
func (c *Client) Format(f fmt.State, verb rune) {
	if c == nil {
		fmt.Fprint(f, "s3model.Client(nil)")
		return
	}
	fmt.Fprintf(f, "s3model.Client{endpoint:%v region:%s creds:%v}", c.store.Endpoint, c.store.Region, c.store.Creds)
}
