package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/s3model"
)

// completionCommand prints a shell's completion script. The scripts hand
// the command line to the hidden __complete command, which answers from
// the command table (commands, flags) and from the store (s3:// buckets
// and prefixes), so they never go stale.
func completionCommand() *command {
	return &command{
		name:    "completion",
		args:    "bash|zsh|fish",
		summary: "print the shell completion script for bash, zsh or fish",
		about: `
Prints a script that completes s3share's commands and flags, and s3://
locations from the store: buckets after s3://, then the prefixes and objects
under what is typed, listed with the store and flags already on the line.

  bash:  source <(s3share completion bash)      (or save it under
         ~/.local/share/bash-completion/completions/s3share)
  zsh:   s3share completion zsh > "${fpath[1]}/_s3share"
  fish:  s3share completion fish > ~/.config/fish/completions/s3share.fish`,
		flags: func(fs *flag.FlagSet) runFunc {
			return func(c *call, pos []string) int {
				if len(pos) != 1 {
					return c.usageError("completion: name one shell: bash, zsh or fish")
				}
				script, ok := completionScripts[pos[0]]
				if !ok {
					return c.usageError(fmt.Sprintf("completion: unknown shell %q: want bash, zsh or fish", sanitize.Text(pos[0])))
				}
				fmt.Fprint(c.stdout, strings.ReplaceAll(script, "PROG", programName))
				return exitOK
			}
		},
	}
}

var completionScripts = map[string]string{
	"bash": `# bash completion for PROG (PROG completion bash)
_PROG() {
    local line="${COMP_LINE:0:COMP_POINT}"
    local IFS=$'\n' c
    local -a out
    out=($("${COMP_WORDS[0]}" __complete "$line" 2>/dev/null)) || return 0
    # bash splits words at : and =; answer for the part after the last one.
    local word="${line##*[[:space:]]}"
    local strip="${word%"${word##*[:=]}"}"
    COMPREPLY=()
    for c in "${out[@]}"; do
        COMPREPLY+=("${c#"$strip"}")
        [[ $c == */ ]] && compopt -o nospace 2>/dev/null
    done
    return 0
}
complete -o default -F _PROG PROG
`,
	"zsh": `#compdef PROG
# zsh completion for PROG (PROG completion zsh)
_PROG() {
    local -a out dirs words_
    out=("${(@f)$("${words[1]}" __complete "${(j: :)${(@)words[1,CURRENT]}}" 2>/dev/null)}")
    out=(${out:#})
    if (( ${#out} == 0 )); then
        _files
        return
    fi
    dirs=(${(M)out:#*/})
    words_=(${out:#*/})
    (( ${#dirs} )) && compadd -S '' -Q -- "${dirs[@]}"
    (( ${#words_} )) && compadd -Q -- "${words_[@]}"
}
compdef _PROG PROG
`,
	"fish": `# fish completion for PROG (PROG completion fish)
function __PROG_complete
    set -l cmd (commandline -opc)[1]
    $cmd __complete (commandline -cp) 2>/dev/null
end
complete -c PROG -a '(__PROG_complete)'
`,
}

// completeCommand is the hidden `s3share __complete LINE`: it prints the
// completions of the last word of LINE (the command line up to the
// cursor), one a line. It never fails loudly: a completion that cannot
// be had prints nothing.
func completeCommand() *command {
	return &command{
		name:    "__complete",
		hidden:  true,
		summary: "complete a command line (for the completion scripts)",
		flags: func(fs *flag.FlagSet) runFunc {
			return func(c *call, pos []string) int {
				line := strings.Join(pos, " ")
				for _, s := range completeLine(line, listerFor) {
					fmt.Fprintln(c.stdout, s)
				}
				return exitOK
			}
		},
	}
}

// lister lists what s3:// completion offers: the buckets, or the entries
// under a prefix.
type lister interface {
	ListBuckets(ctx context.Context) ([]s3model.Bucket, error)
	ListPage(ctx context.Context, bucket, prefix, token string) (s3model.Page, error)
}

// completeTimeout bounds the store's answer to a completion: a shell
// waits on it.
const completeTimeout = 5 * time.Second

// listerFor connects to the store the flags typed so far pick.
func listerFor(g *globalFlags) (lister, error) {
	if g.timeout == "" {
		g.timeout = completeTimeout.String()
	}
	cfg, err := g.load()
	if err != nil {
		return nil, err
	}
	return s3model.New(cfg.Store)
}

// completeLine completes the last word of line: a command, a flag, or an
// s3:// location (from the store the earlier words pick, through
// connect). Nothing (and the shell's file completion) for anything else.
func completeLine(line string, connect func(*globalFlags) (lister, error)) []string {
	words := strings.Fields(line)
	cur := ""
	if len(words) > 0 && !strings.HasSuffix(line, " ") {
		cur, words = words[len(words)-1], words[:len(words)-1]
	}
	if len(words) > 0 {
		words = words[1:] // the program
	}
	cmd := rootCommand()
	var typed []string // the words after the command, for its flags
	for _, w := range words {
		if sub := cmd.lookup(w); sub != nil && len(typed) == 0 && !sub.hidden {
			cmd = sub
			continue
		}
		typed = append(typed, w)
	}
	c := &call{stdout: io.Discard, stderr: io.Discard}
	fs, _ := cmd.flagSet(c)
	if len(typed) > 0 && takesValue(fs, typed[len(typed)-1]) {
		return nil // a flag's value: the shell's own completion
	}
	switch {
	case strings.HasPrefix(cur, "-"):
		return completeFlags(fs, cur)
	case strings.HasPrefix(cur, "s3://") || (cur != "" && strings.HasPrefix("s3://", cur)):
		if !strings.HasPrefix(cur, "s3://") {
			return []string{"s3://"}
		}
		_, _ = parseArgs(fs, typed) // the store and connection flags typed so far
		l, err := connect(&c.g)
		if err != nil {
			return nil
		}
		return completeS3(l, cur)
	}
	var out []string
	if len(typed) == 0 {
		for _, s := range cmd.sub {
			if !s.hidden && strings.HasPrefix(s.name, cur) {
				out = append(out, s.name)
			}
		}
	}
	return out
}

// takesValue reports whether word is a flag of fs that needs a value
// next (not a bool flag, and not written with =).
func takesValue(fs *flag.FlagSet, word string) bool {
	name := strings.TrimLeft(word, "-")
	if name == word || strings.Contains(name, "=") {
		return false
	}
	f := fs.Lookup(name)
	if f == nil {
		return false
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return !ok || !b.IsBoolFlag()
}

// completeFlags lists the flags of fs that start with cur, written as
// they are typed (-e, --expires).
func completeFlags(fs *flag.FlagSet, cur string) []string {
	var out []string
	fs.VisitAll(func(f *flag.Flag) {
		if n := flagName(f.Name); strings.HasPrefix(n, cur) {
			out = append(out, n)
		}
	})
	sort.Strings(out)
	return out
}

// completeS3 lists the buckets that start with what follows s3:// in
// cur, or the entries of the prefix cur is in that start with its last
// part. Names that could not be typed back (control characters, spaces)
// are left out.
func completeS3(l lister, cur string) []string {
	ctx, cancel := context.WithTimeout(context.Background(), completeTimeout)
	defer cancel()
	rest := strings.TrimPrefix(cur, "s3://")
	bucket, key, hasSlash := strings.Cut(rest, "/")
	var out []string
	if !hasSlash {
		bs, err := l.ListBuckets(ctx)
		if err != nil {
			return nil
		}
		for _, b := range bs {
			if strings.HasPrefix(b.Name, bucket) {
				out = append(out, "s3://"+b.Name+"/")
			}
		}
		return out
	}
	dir := key[:strings.LastIndex(key, "/")+1]
	token := ""
	for range 5 { // at most 5,000 names: enough to pick from
		page, err := l.ListPage(ctx, bucket, dir, token)
		if err != nil {
			return out
		}
		for _, e := range page.Entries {
			full := dir + e.Name
			if strings.HasPrefix(full, key) && typeable(full) {
				out = append(out, "s3://"+bucket+"/"+full)
			}
		}
		if page.Done {
			break
		}
		token = page.Next
	}
	return out
}

// typeable reports whether a key can be offered to a shell as it is.
func typeable(s string) bool {
	return sanitize.Text(s) == s && !strings.ContainsAny(s, " \t'\"\\$`")
}
