package cli

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strings"
)

// Layout of the generated help.
const (
	helpWidth  = 92 // wrap flag descriptions at this column
	flagColumn = 30 // where flag descriptions start
)

// writeHelp prints the help of cmd, called as path: its summary, synopsis
// and prose from the table, its subcommands, then every flag it takes,
// generated from its flag sets.
func (cmd *command) writeHelp(w io.Writer, path string) {
	fmt.Fprintf(w, "%s: %s\n\nUsage:\n", path, cmd.summary)
	synopsis := path
	if cmd.hasFlags() {
		synopsis += " [flags]"
	}
	if cmd.args != "" {
		synopsis += " " + cmd.args
	}
	fmt.Fprintln(w, "  "+synopsis)
	if len(cmd.sub) > 0 {
		fmt.Fprintln(w, "  "+path+" COMMAND [flags] [arguments]")
	}
	if cmd.about != "" {
		fmt.Fprintln(w)
		fmt.Fprintln(w, strings.TrimSpace(cmd.about))
	}
	if len(cmd.sub) > 0 {
		fmt.Fprintln(w, "\nCommands:")
		width := 0
		for _, s := range cmd.sub {
			if !s.hidden {
				width = max(width, len(s.name))
			}
		}
		for _, s := range cmd.sub {
			if !s.hidden {
				fmt.Fprintf(w, "  %-*s  %s\n", width, s.name, s.summary)
			}
		}
		fmt.Fprintf(w, "\n'%s COMMAND --help' shows the flags of a command.\n", path)
	}
	if cmd.flags != nil {
		fs := newHelpFlagSet()
		cmd.flags(fs)
		writeFlagGroup(w, "Flags", fs)
	}
	for _, g := range cmd.shared {
		fs := newHelpFlagSet()
		g.register(fs, &call{})
		writeFlagGroup(w, g.title, fs)
	}
}

// hasFlags reports whether the command takes any flag.
func (cmd *command) hasFlags() bool {
	fs, _ := cmd.flagSet(&call{})
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

func newHelpFlagSet() *flag.FlagSet {
	fs := flag.NewFlagSet("help", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// writeFlagGroup prints the flags of fs under title, one line (or more,
// wrapped) per flag; a short and a long name for the same value, such as
// -m and --method, share a line.
func writeFlagGroup(w io.Writer, title string, fs *flag.FlagSet) {
	entries := flagEntries(fs)
	if len(entries) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s:\n", title)
	for _, e := range entries {
		left := "  " + strings.Join(e.names, ", ")
		if e.placeholder != "" {
			left += " " + e.placeholder
		}
		lines := wrap(e.usage, helpWidth-flagColumn)
		if len(left) > flagColumn-2 {
			fmt.Fprintln(w, left)
		} else {
			fmt.Fprintf(w, "%-*s%s\n", flagColumn, left, lines[0])
			lines = lines[1:]
		}
		for _, l := range lines {
			fmt.Fprintf(w, "%*s%s\n", flagColumn, "", l)
		}
	}
}

// flagEntry is one flag as help and the man page write it.
type flagEntry struct {
	names       []string // as typed, short first: -m, --method
	placeholder string   // the value's name, "" for a bool flag
	usage       string   // with the default, when there is one
}

// flagEntries lists the flags of fs by long name, the names that share a
// value (-m and --method) in one entry.
func flagEntries(fs *flag.FlagSet) []flagEntry {
	type entry struct {
		names []string
		f     *flag.Flag
	}
	var entries []*entry
	byValue := map[flag.Value]*entry{}
	fs.VisitAll(func(f *flag.Flag) {
		if e := byValue[f.Value]; e != nil {
			e.names = append(e.names, f.Name)
			return
		}
		e := &entry{names: []string{f.Name}, f: f}
		byValue[f.Value] = e
		entries = append(entries, e)
	})
	for _, e := range entries {
		sort.Slice(e.names, func(i, j int) bool { return len(e.names[i]) < len(e.names[j]) })
	}
	long := func(e *entry) string { return e.names[len(e.names)-1] }
	sort.Slice(entries, func(i, j int) bool { return long(entries[i]) < long(entries[j]) })
	out := make([]flagEntry, len(entries))
	for i, e := range entries {
		names := make([]string, len(e.names))
		for j, n := range e.names {
			names[j] = flagName(n)
		}
		placeholder, usage := flag.UnquoteUsage(e.f)
		if placeholder == "string" {
			placeholder = "VALUE"
		}
		// A usage that names its default already needs no "(default 0)".
		if d := e.f.DefValue; d != "" && d != "false" && !strings.Contains(usage, "default") {
			usage += " (default " + d + ")"
		}
		out[i] = flagEntry{names: names, placeholder: placeholder, usage: usage}
	}
	return out
}

// wrap breaks text into lines of at most width bytes, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	return append(lines, line)
}

// helpCommand is `s3share help [COMMAND [SUBCOMMAND]]`.
func helpCommand() *command {
	return &command{
		name:    "help",
		args:    "[COMMAND [SUBCOMMAND]]",
		summary: "show the help of s3share or of a command",
		flags: func(fs *flag.FlagSet) runFunc {
			return func(c *call, pos []string) int {
				cmd, path := rootCommand(), programName
				for _, name := range pos {
					sub := cmd.lookup(name)
					if sub == nil {
						c.path = path // the hint names the help that lists the commands
						return c.usageError(fmt.Sprintf("unknown command %q", strings.TrimPrefix(path+" "+name, programName+" ")))
					}
					cmd, path = sub, path+" "+name
				}
				cmd.writeHelp(c.stdout, path)
				return exitOK
			}
		},
	}
}

// versionCommand is `s3share version`, the same as `s3share --version`.
func versionCommand() *command {
	return &command{
		name:    "version",
		summary: "print s3share's version, the commit it was built from and the Go version",
		flags: func(fs *flag.FlagSet) runFunc {
			return func(c *call, pos []string) int {
				if len(pos) > 0 {
					return c.unexpected(pos[0])
				}
				writeVersion(c.stdout)
				return exitOK
			}
		},
	}
}

// writeVersion prints the version, the commit (with "modified" when the
// tree had uncommitted changes) and its date, and the Go version: stamped
// by the release build, else from the build information.
func writeVersion(w io.Writer) {
	version, commit, when, modified := buildStamp()
	goVersion := runtime.Version()
	var notes []string
	if when != "" {
		notes = append(notes, when)
	}
	if modified {
		notes = append(notes, "modified")
	}
	if len(notes) > 0 {
		commit += " (" + strings.Join(notes, ", ") + ")"
	}
	fmt.Fprintf(w, "%s %s\ncommit %s\n%s %s/%s\n", programName, version, commit, goVersion, runtime.GOOS, runtime.GOARCH)
}
