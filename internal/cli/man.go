package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// manCommand prints the manual page, made from the command table: the
// same synopses, prose and flags as --help.
func manCommand() *command {
	return &command{
		name:    "man",
		summary: "print s3share's manual page (roff), made from the commands' own help",
		about: `
Prints the manual page in roff to stdout. To read it: s3share man | man -l -
To install it: s3share man > ~/.local/share/man/man1/s3share.1`,
		flags: func(fs *flag.FlagSet) runFunc {
			return func(c *call, pos []string) int {
				if len(pos) > 0 {
					return c.unexpected(pos[0])
				}
				writeMan(c.stdout, rootCommand())
				return exitOK
			}
		},
	}
}

// writeMan writes the manual page of root and every command under it.
func writeMan(w io.Writer, root *command) {
	v, _, d, _ := buildStamp()
	if len(d) >= 10 {
		d = d[:10]
	}
	fmt.Fprintf(w, ".TH S3SHARE 1 %q %q \"User Commands\"\n", d, programName+" "+v)
	fmt.Fprintf(w, ".SH NAME\n%s \\- %s\n", programName, roff(root.summary))
	fmt.Fprintln(w, ".SH SYNOPSIS")
	fmt.Fprintf(w, ".B %s\n[flags] %s\n.br\n.B %s\nCOMMAND [flags] [arguments]\n", programName, roff(root.args), programName)
	fmt.Fprintln(w, ".SH DESCRIPTION")
	manProse(w, root.about)
	manFlags(w, root)
	fmt.Fprintln(w, ".SH COMMANDS")
	var walk func(cmd *command, path string)
	walk = func(cmd *command, path string) {
		for _, s := range cmd.sub {
			if s.hidden {
				continue
			}
			p := path + " " + s.name
			fmt.Fprintf(w, ".SS %s\n", roff(strings.TrimSpace(p+" "+s.args)))
			fmt.Fprintln(w, roff(capitalize(s.summary))+".")
			manProse(w, s.about)
			manFlags(w, s)
			walk(s, p)
		}
	}
	walk(root, programName)
	fmt.Fprintln(w, ".SH EXIT STATUS\n0 when the command worked, 1 when it failed, 2 when the command line is wrong, 3 when presign --check or shares --check found a link that does not work.")
	fmt.Fprintln(w, ".SH SEE ALSO\n.BR aws (1),\n.BR mc (1)")
}

// manProse writes help prose as paragraphs; indented lines (examples)
// keep their lines.
func manProse(w io.Writer, about string) {
	for _, para := range strings.Split(strings.TrimSpace(about), "\n\n") {
		if para == "" {
			continue
		}
		lines := strings.Split(para, "\n")
		indented := false
		for _, l := range lines[1:] {
			indented = indented || strings.HasPrefix(l, "  ")
		}
		if indented {
			fmt.Fprintln(w, ".PP\n.nf")
			for _, l := range lines {
				fmt.Fprintln(w, roff(l))
			}
			fmt.Fprintln(w, ".fi")
			continue
		}
		fmt.Fprintln(w, ".PP")
		fmt.Fprintln(w, roff(strings.Join(lines, " ")))
	}
}

// manFlags writes the flags cmd takes, its own then each shared group.
func manFlags(w io.Writer, cmd *command) {
	group := func(title string, fs *flag.FlagSet) {
		entries := flagEntries(fs)
		if len(entries) == 0 {
			return
		}
		fmt.Fprintf(w, ".PP\n%s:\n", roff(title))
		for _, e := range entries {
			names := make([]string, len(e.names))
			for i, n := range e.names {
				names[i] = "\\fB" + roff(n) + "\\fR"
			}
			head := strings.Join(names, ", ")
			if e.placeholder != "" {
				head += " \\fI" + roff(e.placeholder) + "\\fR"
			}
			fmt.Fprintf(w, ".TP\n%s\n%s\n", head, roff(e.usage))
		}
	}
	if cmd.flags != nil {
		fs := newHelpFlagSet()
		cmd.flags(fs)
		group("Flags", fs)
	}
	for _, g := range cmd.shared {
		fs := newHelpFlagSet()
		g.register(fs, &call{})
		group(g.title, fs)
	}
}

// roff escapes text for roff: backslashes, and a line that would start
// with a control character.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
