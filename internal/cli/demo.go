package cli

import (
	"fmt"
	"io"
	"net/url"
	"os"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/demo"
	"github.com/s3share/s3share/ui"
)

// runDemo starts the built-in demo store and opens the browser on it.
func runDemo(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("s3share demo", stderr)
	addr := fs.String("addr", "127.0.0.1:0", "address for the demo endpoint")
	var u uiFlags
	u.register(fs)
	if _, err := parseArgs(fs, args); err != nil {
		return 2
	}
	// The user's preferences (clipboard, keys, expiries) apply to the
	// demo too; a broken config file is reported, not fatal.
	prefs, err := config.LoadPrefs(config.Flags{}, os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, "s3share: warning: config file ignored in the demo: "+err.Error())
	}
	srv, err := demo.Start(demo.Options{Addr: *addr})
	if err != nil {
		return fail(stderr, fmt.Errorf("demo: %v", err))
	}
	defer srv.Close()
	store, err := demoStore(srv)
	if err != nil {
		return fail(stderr, err)
	}
	banner := fmt.Sprintf("demo store %s · AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s", srv.URL, srv.AccessKey, srv.SecretKey)
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
