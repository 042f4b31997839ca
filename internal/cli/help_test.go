package cli

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/s3share/s3share/ui"
)

// eachCommand calls f with every command of the table and the words that
// name it ("" for the browser, "shares prune").
func eachCommand(f func(words []string, cmd *command)) {
	var walk func(words []string, cmd *command)
	walk = func(words []string, cmd *command) {
		f(words, cmd)
		for _, s := range cmd.sub {
			walk(append(append([]string{}, words...), s.name), s)
		}
	}
	walk(nil, rootCommand())
}

// TestHelpListsEveryFlag renders each command's --help and checks that it
// shows every flag the command parses, so the help cannot drift from the
// flags.
func TestHelpListsEveryFlag(t *testing.T) {
	eachCommand(func(words []string, cmd *command) {
		name := strings.Join(append([]string{programName}, words...), " ")
		var out, errb bytes.Buffer
		if code := Main(append(words, "--help"), &out, &errb); code != 0 || errb.Len() > 0 {
			t.Errorf("%s --help: exit %d, stderr %q", name, code, errb.String())
		}
		help := out.String()
		if !strings.HasPrefix(help, name+": "+cmd.summary+"\n") {
			t.Errorf("%s --help does not start with its summary:\n%s", name, help)
		}
		fs, _ := cmd.flagSet(&call{})
		fs.VisitAll(func(f *flag.Flag) {
			re := regexp.MustCompile(`(?m)^  (-[a-z], )?` + regexp.QuoteMeta(flagName(f.Name)) + `[ ,\n]|^  ` + regexp.QuoteMeta(flagName(f.Name)) + `, `)
			if !re.MatchString(help) {
				t.Errorf("%s --help lacks the flag %s:\n%s", name, flagName(f.Name), help)
			}
			if p, _ := flag.UnquoteUsage(f); p == "string" {
				t.Errorf("%s: the usage of %s names no `PLACEHOLDER`", name, flagName(f.Name))
			}
		})
		for _, s := range cmd.sub {
			if s.hidden {
				continue
			}
			if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(s.name) + ` +` + regexp.QuoteMeta(s.summary) + `$`).MatchString(help) {
				t.Errorf("%s --help does not list %s with its summary:\n%s", name, s.name, help)
			}
		}
		// s3share help WORDS… prints the same.
		var viaHelp bytes.Buffer
		if code := Main(append([]string{"help"}, words...), &viaHelp, &errb); code != 0 || viaHelp.String() != help {
			t.Errorf("s3share help %s: exit %d, and not the same as %s --help:\n%s", strings.Join(words, " "), code, name, viaHelp.String())
		}
	})
}

// TestHelpKeepsPresignDetails checks that the generated presign help still
// says what the hand-written one did.
func TestHelpKeepsPresignDetails(t *testing.T) {
	var out, errb bytes.Buffer
	Main([]string{"presign", "-h"}, &out, &errb)
	flat := strings.Join(strings.Fields(out.String()), " ")
	for _, want := range []string{
		"-m, --method METHOD", "-e, --expires DURATION", "-o, --output FORM", "(default GET)", "(default url)",
		"90s, 15m, 1h30m, 2d", "2026-12-24T18:00:00Z", "at most 7 days", "default_expiry, else 1h",
		"10MiB", "(default 5GiB)", "image/", "cannot be revoked", "env AWS_ENDPOINT_URL_S3", "env AWS_CA_BUNDLE",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("presign --help lacks %q:\n%s", want, out.String())
		}
	}
}

// TestCLIConventions runs the built binary: help and version go to
// stdout with exit 0; a wrong command line is one line on stderr, exit 2,
// and never opens the browser.
func TestCLIConventions(t *testing.T) {
	bin := buildS3share(t)
	home := t.TempDir()
	env := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "XDG_CONFIG_HOME=" + home, "XDG_STATE_HOME=" + home}
	for k, v := range closedServices {
		env = append(env, k+"="+v)
	}
	run := func(args ...string) (int, string, string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		cmd.Dir = home
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("s3share %q: %v", args, err)
		}
		return code, out.String(), errb.String()
	}
	for _, args := range [][]string{
		{"--version"}, {"version"}, {"--help"}, {"-h"}, {"-help"}, {"help"}, {"help", "presign"}, {"help", "shares", "prune"},
		{"presign", "--help"}, {"presign", "s3://bkt/k", "-h"}, {"shares", "--help"}, {"shares", "prune", "--help"},
		{"demo", "--help"}, {"doctor", "--help"}, {"doctor", "-help"}, {"version", "--help"},
	} {
		code, out, errs := run(args...)
		if code != 0 || strings.TrimSpace(out) == "" || errs != "" {
			t.Errorf("s3share %s: exit %d, stdout %d bytes, stderr %q; want 0, help or version on stdout, nothing on stderr",
				strings.Join(args, " "), code, len(out), errs)
		}
	}
	code, out, _ := run("--version")
	if code != 0 || !strings.HasPrefix(out, "s3share ") || !strings.Contains(out, "\ncommit ") || !strings.Contains(out, "go1.") {
		t.Errorf("s3share --version:\n%s", out)
	}

	for _, c := range []struct {
		args []string
		want string // in the one line
	}{
		{[]string{"bogus"}, `unknown command "bogus"`},
		{[]string{"Bad_Bucket"}, `unknown command "Bad_Bucket"`},
		{[]string{"--bogus"}, "unknown flag --bogus; see s3share --help"},
		{[]string{"-x"}, "unknown flag -x; see s3share --help"},
		{[]string{"presign", "--bogus"}, "unknown flag --bogus; see s3share presign --help"},
		{[]string{"presign"}, "name at least one s3://BUCKET/KEY; see s3share presign --help"},
		{[]string{"presign", "-e"}, "flag -e needs a value"},
		{[]string{"shares", "prune", "--all"}, "see s3share shares prune --help"},
		{[]string{"shares", "bogus"}, `unknown argument "bogus"`},
		{[]string{"demo", "extra"}, `unexpected argument "extra"`},
		{[]string{"version", "extra"}, `unexpected argument "extra"`},
		{[]string{"help", "bogus"}, `unknown command "bogus"; see s3share --help`},
		{[]string{"--profile", "p", "presign", "s3://bkt/k"}, "flags go after the command"},
		{[]string{"s3://bkt/a/", "s3://bkt/b/"}, "one location at most"},
		{[]string{"doctor", "s3://bkt", "s3://bkt2"}, "one bucket at most"},
		{[]string{"--insecure=maybe"}, `invalid boolean value "maybe" for --insecure`},
	} {
		code, out, errs := run(c.args...)
		if code != 2 || out != "" || strings.Count(errs, "\n") != 1 || !strings.HasSuffix(errs, "\n") ||
			!strings.HasPrefix(errs, "s3share: ") || !strings.Contains(errs, c.want) || !strings.Contains(errs, "--help") {
			t.Errorf("s3share %s: exit %d, stdout %q, stderr %q; want exit 2, no stdout, one line saying %q and where the help is",
				strings.Join(c.args, " "), code, out, errs, c.want)
		}
	}
}

// TestBrowserLocation: a positional argument opens the browser only when
// it is a location; a key opens its prefix with the key selected.
func TestBrowserLocation(t *testing.T) {
	for arg, want := range map[string]ui.Location{
		"s3://bkt/p/":           {Bucket: "bkt", Prefix: "p/"},
		"s3://bkt":              {Bucket: "bkt"},
		"bkt/":                  {Bucket: "bkt"},
		"bkt/prefix/":           {Bucket: "bkt", Prefix: "prefix/"},
		"bkt/dir/file.txt":      {Bucket: "bkt", Prefix: "dir/", Select: "file.txt"},
		"s3://my.bucket/a/b/c/": {Bucket: "my.bucket", Prefix: "a/b/c/"},
	} {
		if !isLocation(arg) {
			t.Errorf("isLocation(%q) = false", arg)
		}
		got, err := startLocation(arg)
		if err != nil || got != want {
			t.Errorf("startLocation(%q) = %+v, %v; want %+v", arg, got, err, want)
		}
	}
	for _, arg := range []string{"version", "bogus", "bkt", "help"} {
		if isLocation(arg) {
			t.Errorf("isLocation(%q) = true: a bare word is a command", arg)
		}
	}
	for arg, want := range map[string]string{
		"s3://Bad_Bucket/": `s3://Bad_Bucket/: "Bad_Bucket" is not a valid bucket name: uppercase`,
		"a/":               `a/: "a" is not a valid bucket name: too short`,
		"s3:///k":          "s3:///k: no bucket name",
	} {
		if _, err := startLocation(arg); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("startLocation(%q): %v, want %q…", arg, err, want)
		}
	}
}
