package credtest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unicode"
)

// Every secret key, session token, bearer, refresh or metadata token and
// client secret the tests hand to s3share is written NAME + KIND +
// "value" + digits, KIND being KEY, TOKEN or SECRET:
// "CHAINsecretKEYvalue00000000000000000000020". That marker lets one
// check find any of them in any output, without a list of them all.
var markerRE = regexp.MustCompile(`(?i:x-amz-security-token(?:["']?[=:,]["']?|","value":"))?([A-Za-z]*)((?:KEY|TOKEN|SECRET)value0000[0-9]*)`)

// Marked reports whether s is written as a test secret.
func Marked(s string) bool {
	m := markerRE.FindStringSubmatchIndex(s)
	return m != nil && m[0] == 0 && m[2] == 0 && m[1] == len(s)
}

// Leak is a marked secret found in output, and the line it starts on.
type Leak struct {
	Secret string
	Line   int
}

func (l Leak) String() string { return fmt.Sprintf("line %d: %s", l.Line, l.Secret) }

// Leaks finds the marked secrets in out. A session token in a presigned
// link (X-Amz-Security-Token=…, or the x-amz-security-token field of a
// POST form, in a curl line or in JSON) is no leak: a link signed with temporary credentials carries
// it by design. Whitespace and box-drawing characters are dropped before
// looking, so a secret or a link wrapped over several lines of a screen
// is seen whole.
func Leaks(out string) []Leak {
	var b strings.Builder
	var line []int      // the line of each byte kept
	var afterGap []bool // whether bytes were dropped just before it
	n, gap := 1, false
	for _, r := range out {
		if r == '\n' {
			n++
		}
		if unicode.IsSpace(r) || (r >= 0x2500 && r <= 0x257f) {
			gap = true
			continue
		}
		b.WriteRune(r)
		for i := range len(string(r)) {
			line = append(line, n)
			afterGap = append(afterGap, gap && i == 0)
		}
		gap = false
	}
	s := b.String()
	var leaks []Leak
	for _, m := range markerRE.FindAllStringSubmatchIndex(s, -1) {
		if m[0] != m[2] {
			continue // a session token in a link
		}
		// The secret starts where its letters do, not at the words the
		// dropped spaces joined to it.
		start := m[4]
		for start > m[2] && !afterGap[start] {
			start--
		}
		leaks = append(leaks, Leak{Secret: s[start:m[5]], Line: line[start]})
	}
	return leaks
}

// outputEnv names a directory where Output appends what it checks, for
// the whole suite's check in .ci/test.
const outputEnv = "S3SHARE_TEST_OUTPUT"

var outputMu sync.Mutex

// Output checks what s3share wrote (a command's stdout or stderr, a
// screen of the TUI, doctor's report): the test fails when it holds a
// marked secret. When S3SHARE_TEST_OUTPUT names a directory, out is also
// appended there, so that .ci/test can check all output of the suite.
func Output(t testing.TB, what, out string) {
	t.Helper()
	for _, l := range Leaks(out) {
		t.Errorf("%s shows a secret (%s)", what, l)
	}
	dir := os.Getenv(outputEnv)
	if dir == "" || out == "" {
		return
	}
	outputMu.Lock()
	defer outputMu.Unlock()
	name := fmt.Sprintf("%s-%d.out", strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()), os.Getpid())
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Errorf("%s: %v", outputEnv, err)
		return
	}
	defer f.Close()
	if _, err := fmt.Fprintf(f, "=== %s\n%s\n", what, out); err != nil {
		t.Errorf("%s: %v", outputEnv, err)
	}
}

// mustBeMarked fails the test when a fake would hand out a secret the
// suite's check cannot see.
func mustBeMarked(t testing.TB, k Keys) {
	t.Helper()
	if !Marked(k.SecretKey) || (k.SessionToken != "" && !Marked(k.SessionToken)) {
		t.Fatalf("credtest: write the fake's secret key and session token as NAME+KIND+\"value0000…\" (see Marked), so that a leak of them is found")
	}
}
