// Package cli is s3share's command line: the commands, their flags and
// their help.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/s3share/s3share/config"
)

const usage = `s3share — browse S3-compatible stores and share objects by presigned URL

Usage:
  s3share [flags] [s3://BUCKET/PREFIX/]    open the browser (at a bucket or prefix)
  s3share demo [--addr HOST:PORT]          try it on a built-in demo store
  s3share presign [flags] s3://BUCKET/KEY  print presigned links
  s3share shares [--all] [-o table|json]   list links made so far
  s3share shares prune                     forget expired links
  s3share doctor [flags] [s3://BUCKET]     show the settings in use and where each came from,
                                           then test the connection (ListBuckets, or HEAD BUCKET)

Picking a store (at most one; default: AWS_PROFILE, then default_store, then [default]):
  --profile NAME        an AWS profile of ~/.aws/config and ~/.aws/credentials (env AWS_PROFILE)
  --alias NAME          an alias of the MinIO client, mc (~/.mc/config.json, or MC_CONFIG_DIR)
  --store NAME          a [stores.NAME] table of s3share's config file

Connection flags (all commands; they beat the environment, which beats the files):
  --endpoint URL        S3 endpoint, e.g. http://127.0.0.1:9000 (env AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL)
  --region R            signing region (env AWS_REGION, AWS_DEFAULT_REGION; default us-east-1,
                        and on AWS each bucket's own region)
  --path-style          put the bucket in the URL path (same as --addressing path)
  --addressing STYLE    auto, path or virtual
  --ca-bundle FILE      also trust the certificate authorities in this PEM file (env AWS_CA_BUNDLE)
  --insecure            do not verify TLS certificates (unsafe; s3share warns)
  --timeout DURATION    how long to wait for the store to answer (default 30s; config: timeout)
  --config FILE         s3share's config file (default $XDG_CONFIG_HOME/s3share/config.toml,
                        i.e. ~/.config/s3share/config.toml)

TUI flags (s3share and s3share demo):
  --clipboard MODE      auto, native, osc52 or off (config: clipboard)
  --print               also print the links made to stdout on exit
  --no-ledger           do not record links in the share ledger
  --debug FILE          append a debug log (requests and errors, never credentials) to FILE

Credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, else from
the selected profile (keys, credential_process, source_profile), alias or store; with --profile,
--alias or --store, that store's own credentials win over the environment's.
`

// Main runs the command line args (without the program name) and returns
// the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "demo":
			return runDemo(args[1:], stdout, stderr)
		case "presign":
			return runPresign(args[1:], stdout, stderr)
		case "shares":
			return runShares(args[1:], stdout, stderr)
		case "doctor":
			return runDoctor(args[1:], stdout, stderr)
		case "help", "-h", "-help", "--help":
			fmt.Fprint(stdout, usage)
			return 0
		}
	}
	return runBrowse(args, stdout, stderr)
}

// globalFlags are the connection flags every command accepts.
type globalFlags struct {
	endpoint   string
	region     string
	addressing string
	pathStyle  bool
	profile    string
	alias      string
	storeName  string
	insecure   bool
	caBundle   string
	configFile string
	timeout    string

	warnings io.Writer // where store prints the configuration's warnings
}

func (g *globalFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&g.endpoint, "endpoint", "", "S3 endpoint URL")
	fs.StringVar(&g.region, "region", "", "signing region")
	fs.StringVar(&g.addressing, "addressing", "", "auto, path or virtual")
	fs.BoolVar(&g.pathStyle, "path-style", false, "use path-style addressing")
	fs.StringVar(&g.profile, "profile", "", "AWS profile")
	fs.StringVar(&g.alias, "alias", "", "mc alias")
	fs.StringVar(&g.storeName, "store", "", "store of the s3share config file")
	fs.BoolVar(&g.insecure, "insecure", false, "do not verify TLS certificates")
	fs.StringVar(&g.caBundle, "ca-bundle", "", "PEM file of extra certificate authorities")
	fs.StringVar(&g.configFile, "config", "", "s3share config file")
	fs.StringVar(&g.timeout, "timeout", "", "how long to wait for the store to answer a request, e.g. 30s")
	g.warnings = fs.Output()
}

// flags returns the parsed flags as config.Flags.
func (g *globalFlags) flags() (config.Flags, error) {
	f := config.Flags{
		Endpoint:   g.endpoint,
		Region:     g.region,
		Addressing: g.addressing,
		Store:      g.storeName,
		Profile:    g.profile,
		Alias:      g.alias,
		Insecure:   g.insecure,
		CABundle:   g.caBundle,
		ConfigFile: g.configFile,
		Timeout:    g.timeout,
	}
	if g.pathStyle {
		if f.Addressing != "" && f.Addressing != string(config.AddressingPath) {
			return config.Flags{}, errors.New("--path-style conflicts with --addressing " + g.addressing)
		}
		f.Addressing = string(config.AddressingPath)
	}
	return f, nil
}

// load resolves the flags, the environment and the configuration files.
func (g *globalFlags) load() (*config.Config, error) {
	f, err := g.flags()
	if err != nil {
		return nil, err
	}
	return config.Load(f, os.Getenv)
}

// store resolves the store to connect to, printing the configuration's
// warnings (TLS checks off, readable secrets, …) first.
func (g *globalFlags) store() (config.Store, error) {
	c, err := g.load()
	if err != nil {
		return config.Store{}, err
	}
	if g.warnings != nil {
		for _, w := range c.Warnings {
			fmt.Fprintln(g.warnings, "s3share: warning: "+w)
		}
	}
	return c.Store, nil
}

// newFlagSet makes a flag set that reports errors instead of exiting.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	return fs
}

// parseArgs parses flags placed anywhere among the positional arguments
// (`s3share presign s3://b/k -e 1h` works as well as the other order) and
// returns the positional ones. A lone "--" ends flag parsing.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > 0 && len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// fail prints one error line and returns the exit code for it.
func fail(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, "s3share: "+strings.TrimSpace(err.Error()))
	return 1
}
