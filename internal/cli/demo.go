package cli

import (
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/demo"
	"github.com/s3share/s3share/internal/gateway"
	"github.com/s3share/s3share/s3model"
	"github.com/s3share/s3share/ui"
)

// demoCommand starts the built-in demo store and opens the browser on it.
func demoCommand() *command {
	return &command{
		name:    "demo",
		summary: "try the browser on a built-in demo store (no account needed)",
		about: `
Starts an S3 endpoint inside the process, fills it with sample buckets and
opens the browser on it. The endpoint checks SigV4 signatures as AWS does,
so links made in the demo work with curl while it runs. Its address and
credentials are shown in the status line and on the help screen (?).
A share gateway (see s3share serve) runs alongside it, so the share panel
also makes gateway links — limited to N downloads, password-protected,
revoked from the ledger view (H) — with nothing to set up; its database
and the demo's share ledger live in a temporary directory, removed on exit.
Your config file's preferences (keys, clipboard, expiries) apply.`,
		flags: func(fs *flag.FlagSet) runFunc {
			addr := fs.String("addr", "127.0.0.1:0", "listen on `HOST:PORT` (port 0: any free port)")
			return func(c *call, pos []string) int {
				if len(pos) > 0 {
					return c.unexpected(pos[0])
				}
				return runDemo(*addr, c.u, c.stdout, c.stderr)
			}
		},
		shared: []flagGroup{tuiGroup},
	}
}

// runDemo starts the demo store on addr and opens the browser on it.
func runDemo(addr string, u uiFlags, stdout, stderr io.Writer) int {
	// The user's preferences (clipboard, keys, expiries) apply to the
	// demo too; a broken config file is reported, not fatal.
	prefs, err := config.LoadPrefs(config.Flags{}, os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, "s3share: warning: config file ignored in the demo: "+err.Error())
	}
	srv, err := demo.Start(demo.Options{Addr: addr})
	if err != nil {
		return fail(stderr, fmt.Errorf("demo: %v", err))
	}
	defer srv.Close()
	store, err := demoStore(srv)
	if err != nil {
		return fail(stderr, err)
	}
	// The demo's links die with it: they go to a ledger of its own, in a
	// temporary directory, never the user's, and so does the gateway's
	// database.
	dir, err := os.MkdirTemp("", "s3share-demo-")
	if err != nil {
		return fail(stderr, fmt.Errorf("demo: %v", err))
	}
	defer os.RemoveAll(dir)
	// A closed terminal (SIGHUP: an SSH session dropped, a tmux window
	// killed) ends the process without running the defers above; the
	// demo's directory goes all the same.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		if _, ok := <-hup; ok {
			os.RemoveAll(dir)
			os.Exit(128 + int(syscall.SIGHUP))
		}
	}()
	u.ledger = filepath.Join(dir, "shares.jsonl")
	signing, err := s3model.New(store)
	if err != nil {
		return fail(stderr, fmt.Errorf("demo: %v", err))
	}
	// The gateway's log goes to a file: the terminal is the browser's.
	logf, err := os.OpenFile(filepath.Join(dir, "gateway.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fail(stderr, fmt.Errorf("demo: %v", err))
	}
	defer logf.Close()
	gw, err := gateway.StartLocal(signing, store.Name, dir, logf)
	if err != nil {
		return fail(stderr, fmt.Errorf("demo: %v", err))
	}
	defer gw.Close()
	store.Gateway = &config.StoreGateway{URL: gw.URL, Token: gw.Token}
	// Drop links that send parts straight to the store work in the demo
	// too: it lets the gateway's pages in, as a bucket's CORS rule would.
	srv.AllowOrigin(gw.URL)
	banner := fmt.Sprintf("demo store %s · AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s · share gateway %s", srv.URL, srv.AccessKey, srv.SecretKey, gw.URL)
	code := browse(store, prefs, u, ui.Location{}, banner, stdout, stderr)
	fmt.Fprintf(stderr, "demo store at %s stopped (credentials %s / %s)\n", srv.URL, srv.AccessKey, srv.SecretKey)
	return code
}

// demoStore describes the demo endpoint as a store. Its credentials are
// public sample values, so showing them is fine.
func demoStore(srv *demo.Server) (config.Store, error) {
	u, err := url.Parse(srv.URL)
	if err != nil {
		return config.Store{}, err
	}
	return config.Store{
		Name:           "demo",
		Endpoint:       u,
		Region:         srv.Region,
		RegionFromUser: true,
		Addressing:     config.AddressingPath,
		Creds: config.Credentials{
			AccessKeyID:     srv.AccessKey,
			SecretAccessKey: srv.SecretKey,
			Source:          "demo",
		},
	}, nil
}
