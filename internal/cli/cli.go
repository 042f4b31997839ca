// Package cli is s3share's command line: the command table, each
// command's flags and run function, and the help generated from them.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/charmbracelet/x/term"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/sanitize"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailed  = 1 // the command ran and failed
	exitUsage   = 2 // the command line is wrong: nothing was done
	programName = "s3share"
)

// command is one entry of the command table.
type command struct {
	name    string // as typed after its parent; "" for the browser (the root)
	args    string // what follows "[flags]" in the synopsis; "" for nothing
	summary string // one line, for the parent's list of commands
	about   string // the prose of the command's own help, after the synopsis
	// flags registers the command's own flags on fs and returns the
	// function that runs the command once they are parsed; nil for a
	// command with no flags of its own.
	flags  func(fs *flag.FlagSet) runFunc
	shared []flagGroup // the flag groups it takes besides its own
	sub    []*command  // subcommands, named right after the command
	hidden bool        // left out of help, completion and the man page
}

// runFunc runs a parsed command with its positional arguments.
type runFunc func(c *call, pos []string) int

// call is one run of a command: its name, where it writes, and the
// shared flags it was given.
type call struct {
	path           string // "s3share presign": for messages and the see-help hint
	stdout, stderr io.Writer
	g              globalFlags
	u              uiFlags
}

// flagGroup is a set of flags several commands take, under one heading of
// their help.
type flagGroup struct {
	title    string
	register func(fs *flag.FlagSet, c *call)
}

var (
	storeGroup = flagGroup{
		title:    "Picking a store (at most one; default: AWS_PROFILE, then default_store, then [default])",
		register: func(fs *flag.FlagSet, c *call) { c.g.registerStore(fs) },
	}
	connGroup = flagGroup{
		title:    "Connection flags (they beat the environment, which beats the files)",
		register: func(fs *flag.FlagSet, c *call) { c.g.registerConn(fs) },
	}
	tuiGroup = flagGroup{
		title:    "Terminal UI flags",
		register: func(fs *flag.FlagSet, c *call) { c.u.register(fs) },
	}
)

// rootCommand is the command table: the browser, and the commands named
// after the program.
func rootCommand() *command {
	root := browseCommand()
	root.sub = []*command{
		demoCommand(),
		presignCommand(),
		putCommand(),
		getCommand(),
		lsCommand(),
		sharesCommand(),
		serveCommand(),
		doctorCommand(),
		completionCommand(),
		manCommand(),
		versionCommand(),
		helpCommand(),
		completeCommand(),
	}
	return root
}

// Main runs the command line args (without the program name) and returns
// the exit code: 0 when it worked, 1 when the command failed, 2 when the
// command line is wrong.
func Main(args []string, stdout, stderr io.Writer) int {
	return rootCommand().dispatch(programName, args, stdout, stderr)
}

// lookup returns the subcommand called name, or nil.
func (cmd *command) lookup(name string) *command {
	for _, s := range cmd.sub {
		if s.name == name {
			return s
		}
	}
	return nil
}

// flagSet makes the command's flag set with every flag it takes, and
// returns it with the function that runs the command.
func (cmd *command) flagSet(c *call) (*flag.FlagSet, runFunc) {
	fs := flag.NewFlagSet(c.path, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors and help are printed here, one line or on stdout
	fs.Usage = func() {}
	var run runFunc
	if cmd.flags != nil {
		run = cmd.flags(fs)
	}
	for _, g := range cmd.shared {
		g.register(fs, c)
	}
	return fs, run
}

// dispatch runs cmd, or the subcommand args name.
func (cmd *command) dispatch(path string, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if sub := cmd.lookup(args[0]); sub != nil {
			return sub.dispatch(path+" "+sub.name, args[1:], stdout, stderr)
		}
	}
	c := &call{path: path, stdout: stdout, stderr: stderr}
	fs, run := cmd.flagSet(c)
	pos, err := parseArgs(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		cmd.writeHelp(stdout, path)
		return exitOK
	}
	if err != nil {
		return c.usageError(flagError(err))
	}
	if run == nil {
		if len(pos) > 0 {
			return c.unexpected(pos[0])
		}
		return exitOK
	}
	return run(c, pos)
}

// usageError prints one line about a wrong command line, with where to
// read the command's help, and returns exit code 2.
func (c *call) usageError(msg string) int {
	fmt.Fprintf(c.stderr, "%s: %s; see %s --help\n", programName, msg, c.path)
	return exitUsage
}

// unexpected refuses a positional argument the command does not take.
func (c *call) unexpected(arg string) int {
	return c.usageError(fmt.Sprintf("unexpected argument %q", arg))
}

// flagError rewords the flag package's parse errors, naming long flags
// with "--" as they are written.
func flagError(err error) string {
	msg := sanitize.Text(err.Error()) // the flag as typed may hold anything
	for _, p := range []struct{ prefix, format string }{
		{"flag provided but not defined: -", "unknown flag %s"},
		{"flag needs an argument: -", "flag %s needs a value"},
	} {
		if name, ok := strings.CutPrefix(msg, p.prefix); ok {
			return fmt.Sprintf(p.format, flagName(name))
		}
	}
	// invalid value "x" for flag -timeout: …, invalid boolean value "x" for -insecure: …
	return flagInMessage.ReplaceAllStringFunc(msg, func(m string) string {
		name := flagInMessage.FindStringSubmatch(m)[1]
		return "for " + flagName(name) + ":"
	})
}

var flagInMessage = regexp.MustCompile(`for (?:flag )?-([^\s:]+):`)

// flagName writes a flag as it is typed: -m, --method.
func flagName(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// globalFlags are the flags that pick a store and connect to it.
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
	mfaCode    string
}

// registerStore registers the flags that pick a store.
func (g *globalFlags) registerStore(fs *flag.FlagSet) {
	fs.StringVar(&g.profile, "profile", "", "use the AWS profile `NAME` of ~/.aws/config and ~/.aws/credentials (env AWS_PROFILE)")
	fs.StringVar(&g.alias, "alias", "", "use the alias `NAME` of the MinIO client, mc (~/.mc/config.json, or $MC_CONFIG_DIR)")
	fs.StringVar(&g.storeName, "store", "", "use the [stores.`NAME`] table of s3share's config file")
	fs.StringVar(&g.mfaCode, "mfa-code", "", "the `CODE` of the MFA device a role profile's mfa_serial names")
}

// registerConn registers the flags that say how to connect.
func (g *globalFlags) registerConn(fs *flag.FlagSet) {
	fs.StringVar(&g.endpoint, "endpoint", "", "S3 endpoint `URL`, e.g. http://127.0.0.1:9000 (env AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL; default AWS)")
	fs.StringVar(&g.region, "region", "", "signing `REGION` (env AWS_REGION, AWS_DEFAULT_REGION; default us-east-1, and on AWS each bucket's own region)")
	fs.StringVar(&g.addressing, "addressing", "", "`STYLE` of bucket addressing: auto, path or virtual (default auto: virtual-host on AWS, path elsewhere)")
	fs.BoolVar(&g.pathStyle, "path-style", false, "put the bucket in the URL path (same as --addressing path)")
	fs.StringVar(&g.caBundle, "ca-bundle", "", "also trust the certificate authorities in this PEM `FILE` (env AWS_CA_BUNDLE)")
	fs.BoolVar(&g.insecure, "insecure", false, "do not verify TLS certificates (unsafe; s3share warns)")
	fs.StringVar(&g.timeout, "timeout", "", "how long to wait for the store to answer a request, a `DURATION` such as 30s or 2m (config: timeout; default 30s)")
	fs.StringVar(&g.configFile, "config", "", "s3share's config `FILE` (default $XDG_CONFIG_HOME/s3share/config.toml, i.e. ~/.config/s3share/config.toml)")
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
		MFACode:    g.mfaCode,
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
	c, err := config.Load(f, os.Getenv)
	var mfa *config.MFACodeNeeded
	if errors.As(err, &mfa) && f.MFACode == "" && term.IsTerminal(os.Stdin.Fd()) {
		// At a terminal, ask for the code instead of failing, as the AWS CLI does.
		var out io.Writer = os.Stderr
		if tty, terr := os.OpenFile("/dev/tty", os.O_WRONLY, 0); terr == nil {
			defer tty.Close()
			out = tty // stderr may go to a file; the question is for the person at the terminal
		}
		code, perr := promptLine(os.Stdin, out, "MFA code for "+mfa.Serial+": ")
		if perr != nil {
			return nil, err
		}
		g.mfaCode, f.MFACode = code, code
		return config.Load(f, os.Getenv)
	}
	return c, err
}

// promptLine writes prompt to w and reads one line from r, byte by byte
// so that nothing after the line is consumed.
func promptLine(r io.Reader, w io.Writer, prompt string) (string, error) {
	fmt.Fprint(w, prompt)
	var line []byte
	b := make([]byte, 1)
	for len(line) < 64 {
		n, err := r.Read(b)
		if n == 1 {
			if b[0] == '\n' || b[0] == '\r' {
				break
			}
			line = append(line, b[0])
		}
		if err != nil {
			if len(line) == 0 {
				return "", err
			}
			break
		}
	}
	return strings.TrimSpace(string(line)), nil
}

// warn prints the configuration's warnings (TLS checks off, readable
// secrets, …), one line each.
func warn(w io.Writer, warnings []string) {
	for _, s := range warnings {
		fmt.Fprintln(w, programName+": warning: "+s)
	}
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
	fmt.Fprintln(stderr, programName+": "+strings.TrimSpace(err.Error()))
	return exitFailed
}
