package config

import (
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/s3share/s3share/internal/sanitize"
)

// GatewayTokenEnv holds the share gateway's admin token, on the server
// (s3share serve) and on the clients (presign --gateway, the TUI).
const GatewayTokenEnv = "S3SHARE_GATEWAY_TOKEN"

// StoreGateway is the share gateway a store's links may go through (a
// [stores.NAME] gateway): its base URL and the admin token to make,
// list and revoke shares with. Token is a secret: never shown.
type StoreGateway struct {
	URL   string
	Token string
	// Problem says why there is no token (an unreadable token file);
	// "" when there is one or none was asked for.
	Problem string
}

// GatewayToken reads a gateway admin token from file (~ expanded by the
// caller), else from $S3SHARE_GATEWAY_TOKEN; "" when neither has one.
func GatewayToken(file string, env Env) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("token file: %v", err)
		}
		tok := strings.TrimSpace(string(b))
		if tok == "" {
			return "", fmt.Errorf("token file %s is empty", file)
		}
		return tok, nil
	}
	return strings.TrimSpace(env(GatewayTokenEnv)), nil
}

// checkGatewayURL checks a store's gateway: an http(s) URL with a host.
func checkGatewayURL(s string) error {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" {
		return fmt.Errorf("gateway %q: want http(s)://HOST[:PORT][/PATH], the share gateway's public URL", sanitize.Bounded(s))
	}
	return nil
}

type tomlGatewayURL string

func (g *tomlGatewayURL) UnmarshalText(b []byte) error {
	if err := checkGatewayURL(string(b)); err != nil {
		return err
	}
	*g = tomlGatewayURL(strings.TrimRight(strings.TrimSpace(string(b)), "/"))
	return nil
}

// storeGateway is the gateway of the file's store name, its token read;
// nil when the store names none. A token file that cannot be read is a
// warning and a Problem, not an error: the store still browses.
func (r *resolver) storeGateway(name string) *StoreGateway {
	st := r.file.cfg.Stores[name]
	if st.Gateway == "" {
		return nil
	}
	g := &StoreGateway{URL: string(st.Gateway)}
	tok, err := GatewayToken(r.ps.expand(st.GatewayTokenFile), r.env)
	switch {
	case err != nil:
		g.Problem = r.file.where(name, "gateway_token_file") + ": " + err.Error()
		r.warn(g.Problem)
	case tok == "":
		g.Problem = "no admin token for the gateway of store " + name + ": set " + GatewayTokenEnv + " or [stores." + name + "] gateway_token_file"
	}
	g.Token = tok
	return g
}
