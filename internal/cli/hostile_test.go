package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/internal/sanitize"
)

// rawControl names the first rune of out that a terminal would act on
// (anything sanitize.Text escapes, but the newline), or "".
func rawControl(out string) string {
	for _, line := range strings.Split(out, "\n") {
		if !utf8.ValidString(line) {
			return "invalid UTF-8"
		}
		for i, r := range line {
			if sanitize.Text(string(r)) != string(r) {
				return fmt.Sprintf("%U at byte %d", r, i)
			}
		}
	}
	return ""
}

// TestHostileStoreCLIOutputs runs every command's output against a store
// that names things with escapes, line breaks, C1 and bidi characters
// and invalid UTF-8: nothing a terminal acts on reaches stdout or
// stderr, whatever the output form, and JSON still carries the exact
// keys.
func TestHostileStoreCLIOutputs(t *testing.T) {
	h := s3test.StartHostile(t)
	presignEnv(t, "AKIDHOSTILE", "hostile-secret-0123456789")
	ep := []string{"--endpoint", h.Endpoint, "--region", "us-east-1", "--path-style"}
	var uris []string // every hostile key but the one no link can name
	for _, k := range s3test.HostileKeys {
		if k != "bad\xffutf8.txt" {
			uris = append(uris, "s3://"+s3test.HostileBucket+"/"+k)
		}
	}
	for _, args := range [][]string{
		append([]string{"presign"}, uris...),
		append([]string{"presign", "-o", "curl"}, uris...),
		append([]string{"presign", "-o", "csv"}, uris...),
		append([]string{"presign", "-o", "json"}, uris...),
		{"presign", "--recursive", "s3://" + s3test.HostileBucket + "/dir\x1b[31m/"},
		{"presign", "--recursive", "s3://" + s3test.HostileBucket + "/"}, // fails: the invalid UTF-8 key
		{"presign", "-m", "PUT", "-o", "curl", "s3://" + s3test.HostileBucket + "/" + s3test.HostileKeys[1]},
		{"presign", "--version-id", s3test.HostileVersions[0], "-o", "json", "s3://" + s3test.HostileBucket + "/" + s3test.HostileKeys[0]},
		{"shares"},
		{"shares", "--all", "-o", "json"},
		{"doctor"},
		{"doctor", "s3://" + s3test.HostileBucket},
	} {
		code, out, errs := runCLI(t, append(args, ep...)...)
		if bad := rawControl(out); bad != "" {
			t.Errorf("%q: stdout holds raw %s:\n%q", args, bad, out)
		}
		if bad := rawControl(errs); bad != "" {
			t.Errorf("%q: stderr holds raw %s:\n%q", args, bad, errs)
		}
		whole := strings.Join(args, " ") == "presign --recursive s3://"+s3test.HostileBucket+"/"
		switch {
		case whole && (code == 0 || out != "" || !strings.Contains(errs, `bad\xffutf8.txt: key "bad\xffutf8.txt" is not valid UTF-8`)):
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want the invalid key named and nothing printed", args, code, out, errs)
		case !whole && args[0] == "presign" && code != 0:
			t.Errorf("%q: exit %d: %s", args, code, errs)
		}
		if args[0] == "presign" && args[1] == "-o" && args[2] == "json" {
			var rs []struct{ Key string }
			if err := json.Unmarshal([]byte(out), &rs); err != nil {
				t.Fatalf("JSON: %v", err)
			}
			for i, r := range rs {
				if want := strings.TrimPrefix(uris[i], "s3://"+s3test.HostileBucket+"/"); r.Key != want {
					t.Errorf("JSON key %q, want the exact key %q", r.Key, want)
				}
			}
		}
	}
}
