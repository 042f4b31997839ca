package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/clip"
	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/internal/userfile"
	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/presign/ledger"
	"github.com/s3share/s3share/s3model"
	"github.com/s3share/s3share/ui"
)

// uiFlags are the flags of the commands that open the TUI.
type uiFlags struct {
	print     bool
	noLedger  bool
	clipboard string
	debug     string         // --debug FILE: the debug log; "" for none
	stores    ui.StoreSource // nil: no store picker (the demo)
	// ledger, when set, is the share ledger used instead of the user's
	// (the demo keeps its own).
	ledger string
}

func (u *uiFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&u.clipboard, "clipboard", "", "how links are copied, a `MODE`: auto, native, osc52 or off (config: clipboard; default auto)")
	fs.BoolVar(&u.print, "print", false, "also print the links made to stdout on exit")
	fs.BoolVar(&u.noLedger, "no-ledger", false, "do not record links in the share ledger")
	fs.StringVar(&u.debug, "debug", "", "append a debug log (requests and errors, never credentials or links) to `FILE`")
}

// openDebugLog opens the --debug file for appending, readable by its
// owner only: it names buckets and keys.
func openDebugLog(path string) (*os.File, error) {
	f, err := userfile.Open(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND)
	if err != nil {
		return nil, fmt.Errorf("--debug: %v", err)
	}
	return f, nil
}

// browseCommand is the browser: s3share with no command, at the bucket
// list or at a location (which works for keys that may not list buckets).
func browseCommand() *command {
	return &command{
		args:    "[s3://BUCKET/PREFIX/ | BUCKET/PREFIX/]",
		summary: "browse S3-compatible stores and share objects by presigned URL",
		about: `
With no command, s3share opens the browser: at the bucket list, or at a
location, s3://BUCKET/PREFIX/ or BUCKET/PREFIX/ (a key opens its prefix with
the key selected). A location needs no permission to list buckets.

Credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
AWS_SESSION_TOKEN, else from the selected profile (keys, credential_process,
source_profile), alias or store; with --profile, --alias or --store, that
store's own credentials win over the environment's.

Exit status: 0 when the command worked, 1 when it failed, 2 when the command
line is wrong (unknown command or flag, missing argument), 3 when presign
--check or shares --check found a link that does not work, 4 when shares
listed the ledger but a gateway did not say what its upload requests
received.`,
		flags: func(fs *flag.FlagSet) runFunc {
			version := fs.Bool("version", false, "print the version, the commit and the Go version, and exit")
			return func(c *call, pos []string) int {
				if *version {
					writeVersion(c.stdout)
					return exitOK
				}
				return runBrowse(c, pos)
			}
		},
		shared: []flagGroup{storeGroup, connGroup, tuiGroup},
	}
}

// runBrowse opens the browser at the bucket list or at the location pos
// names.
func runBrowse(c *call, pos []string) int {
	stdout, stderr := c.stdout, c.stderr
	if len(pos) > 0 && !isLocation(pos[0]) {
		return c.usageError(notLocation(pos[0]))
	}
	if len(pos) > 1 {
		return c.usageError(fmt.Sprintf("one location at most, got %d: %s", len(pos), sanitize.Text(strings.Join(pos, " "))))
	}
	cfg, err := c.g.load()
	if err != nil {
		return fail(stderr, err)
	}
	start := ui.Location{}
	if len(pos) == 1 {
		if start, err = startLocation(pos[0]); err != nil {
			return fail(stderr, err)
		}
	}
	warn(stderr, cfg.Warnings)
	banner := ""
	if len(cfg.Warnings) > 0 {
		banner = "warning: " + cfg.Warnings[0]
	}
	flags, err := c.g.flags()
	if err != nil {
		return fail(stderr, err)
	}
	u := c.u
	u.stores = configStores{flags: flags}
	return browse(cfg.Store, cfg.Prefs, u, start, banner, stdout, stderr)
}

// isLocation reports whether a positional argument of the browser names
// a location: s3://BUCKET… or BUCKET/…. A bare word is taken for a
// command, so that a mistyped command is not opened as a bucket.
func isLocation(arg string) bool {
	return strings.Contains(arg, "/")
}

// notLocation says why a bare word is not something the browser opens.
func notLocation(arg string) string {
	if rootCommand().lookup(arg) != nil {
		return fmt.Sprintf("flags go after the command: %s %s [flags] …", programName, arg)
	}
	msg := fmt.Sprintf("unknown command %q", arg)
	if s3model.ValidBucketName(arg) == nil {
		msg += fmt.Sprintf(" (to open the bucket, write s3://%s/)", arg)
	}
	return msg
}

// configStores offers the stores, profiles and aliases of the config
// files to the TUI's store picker.
type configStores struct{ flags config.Flags }

func (s configStores) List() ([]config.Choice, error) {
	return config.ListStores(s.flags, os.Getenv)
}

func (s configStores) Connect(c config.Choice) (*s3model.Client, []string, error) {
	f := s.flags.Select(c)
	// An MFA code is good once: the one given at start-up is spent, and a
	// role profile picked now asks for its own (ConnectMFA).
	f.MFACode = ""
	return s.connect(f)
}

// ConnectMFA connects to a role profile whose mfa_serial asks for a code.
func (s configStores) ConnectMFA(c config.Choice, code string) (*s3model.Client, []string, error) {
	f := s.flags.Select(c)
	f.MFACode = code
	return s.connect(f)
}

func (s configStores) connect(f config.Flags) (*s3model.Client, []string, error) {
	cfg, err := config.Load(f, os.Getenv)
	if err != nil {
		return nil, nil, err
	}
	client, err := s3model.New(cfg.Store)
	return client, cfg.Warnings, err
}

// parseLocation is s3model.ParseURI with arg named in its errors.
func parseLocation(arg string) (bucket, key string, err error) {
	bucket, key, err = s3model.ParseURI(arg)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", sanitize.Text(arg), err)
	}
	return bucket, key, nil
}

// startLocation turns a positional argument into where the browser opens.
// A key without a trailing slash opens its prefix with that entry selected.
func startLocation(arg string) (ui.Location, error) {
	bucket, key, err := parseLocation(arg)
	if err != nil {
		return ui.Location{}, err
	}
	dir := key[:strings.LastIndex(key, "/")+1]
	return ui.Location{Bucket: bucket, Prefix: dir, Select: key[len(dir):]}, nil
}

// browse runs the TUI on store until the user quits.
func browse(store config.Store, prefs config.Prefs, u uiFlags, start ui.Location, banner string, stdout, stderr io.Writer) int {
	client, err := s3model.New(store)
	if err != nil {
		return fail(stderr, err)
	}
	keys, err := keymap.Apply(prefs.Keys)
	if err != nil {
		return fail(stderr, err)
	}
	mode := prefs.Clipboard
	if u.clipboard != "" {
		if mode, err = config.ParseClipboardMode(u.clipboard); err != nil {
			return fail(stderr, fmt.Errorf("--clipboard: %v", err))
		}
	}
	if mode == "" {
		mode = config.ClipboardAuto
	}
	ledgerPath := u.ledger
	if u.noLedger {
		ledgerPath = ""
	} else if ledgerPath == "" {
		if ledgerPath, err = ledger.DefaultPath(os.Getenv); err != nil {
			return fail(stderr, fmt.Errorf("share ledger: %v (or pass --no-ledger)", err))
		}
	}
	opts := ui.Options{
		Client:     client,
		Start:      start,
		Keys:       keys,
		Banner:     banner,
		Prefs:      prefs,
		Clipboard:  clip.System(clip.Mode(mode)),
		LedgerPath: ledgerPath,
		Stores:     u.stores,
		Getenv:     os.Getenv,
	}
	var logTo io.Writer
	if u.debug != "" {
		f, ferr := openDebugLog(u.debug)
		if ferr != nil {
			return fail(stderr, ferr)
		}
		defer f.Close()
		logTo = f
	}
	links, err := runUI(opts, logTo)
	if u.print {
		for _, l := range links {
			fmt.Fprintln(stdout, l)
		}
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return fail(stderr, err)
	}
	return 0
}

// runUI runs the TUI until the user quits, logging to logTo when it is not
// nil, and returns the links made.
func runUI(opts ui.Options, logTo io.Writer) ([]string, error) {
	if logTo != nil {
		return ui.RunLogged(opts, logTo)
	}
	return ui.Run(opts)
}
