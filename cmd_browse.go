package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/clip"
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
}

func (u *uiFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&u.print, "print", false, "print the links made to stdout on exit")
	fs.BoolVar(&u.noLedger, "no-ledger", false, "do not record links in the share ledger")
	fs.StringVar(&u.clipboard, "clipboard", "", "auto, native, osc52 or off (overrides the config file)")
	fs.StringVar(&u.debug, "debug", "", "append a debug log (requests, errors; never credentials) to `FILE`")
}

// openDebugLog opens the --debug file for appending, readable by its
// owner only: it names buckets and keys.
func openDebugLog(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("--debug: %v", err)
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, fmt.Errorf("--debug: %v", err)
	}
	return f, nil
}

// runBrowse opens the browser, at the bucket list or at a positional
// s3://BUCKET/PREFIX/ (which works for keys that may not list buckets).
func runBrowse(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("s3share", stderr)
	var g globalFlags
	var u uiFlags
	g.register(fs)
	u.register(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) > 1 {
		return fail(stderr, fmt.Errorf("one location at most, got %d: %s", len(pos), strings.Join(pos, " ")))
	}
	cfg, err := g.load()
	if err != nil {
		return fail(stderr, err)
	}
	start := ui.Location{}
	if len(pos) == 1 {
		if start, err = startLocation(pos[0]); err != nil {
			return fail(stderr, err)
		}
	}
	banner := ""
	for _, w := range cfg.Warnings {
		fmt.Fprintln(stderr, "s3share: warning: "+w)
		if banner == "" {
			banner = "warning: " + w
		}
	}
	flags, err := g.flags()
	if err != nil {
		return fail(stderr, err)
	}
	u.stores = configStores{flags: flags}
	return browse(cfg.Store, cfg.Prefs, u, start, banner, stdout, stderr)
}

// configStores offers the stores, profiles and aliases of the config
// files to the TUI's store picker.
type configStores struct{ flags config.Flags }

func (s configStores) List() ([]config.Choice, error) {
	return config.ListStores(s.flags, os.Getenv)
}

func (s configStores) Connect(c config.Choice) (*s3model.Client, []string, error) {
	cfg, err := config.Load(s.flags.Select(c), os.Getenv)
	if err != nil {
		return nil, nil, err
	}
	client, err := s3model.New(cfg.Store)
	return client, cfg.Warnings, err
}

// startLocation turns a positional argument into where the browser opens.
// A key without a trailing slash opens its prefix with that entry selected.
func startLocation(arg string) (ui.Location, error) {
	bucket, key, err := s3model.ParseURI(arg)
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
	var ledgerPath string
	if !u.noLedger {
		if ledgerPath, err = ledger.DefaultPath(os.Getenv); err != nil {
			return fail(stderr, fmt.Errorf("share ledger: %v (or pass --no-ledger)", err))
		}
	}
	var printed []string
	opts := ui.Options{
		Client:     client,
		Start:      start,
		Keys:       keys,
		Banner:     banner,
		Prefs:      prefs,
		Clipboard:  clip.System(clip.Mode(mode)),
		LedgerPath: ledgerPath,
		Stores:     u.stores,
	}
	if u.debug != "" {
		f, ferr := openDebugLog(u.debug)
		if ferr != nil {
			return fail(stderr, ferr)
		}
		defer f.Close()
		printed, err = ui.RunLogged(opts, f)
	} else {
		printed, err = ui.Run(opts)
	}
	if u.print {
		for _, l := range printed {
			fmt.Fprintln(stdout, l)
		}
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return fail(stderr, err)
	}
	return 0
}
