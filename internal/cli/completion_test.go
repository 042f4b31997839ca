package cli

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/s3share/s3share/internal/demo"
)

// bashComplete sources the bash completion script in a real bash and
// completes line as if Tab were pressed at its end; it returns COMPREPLY.
func bashComplete(t *testing.T, bin, line string) []string {
	t.Helper()
	script := `source <("$BIN" completion bash) || exit 1
COMP_LINE="$BIN $LINE"
COMP_POINT=${#COMP_LINE}
read -r -a COMP_WORDS <<< "$COMP_LINE"
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
[[ $COMP_LINE == *" " ]] && { COMP_WORDS+=(""); COMP_CWORD=$(( COMP_CWORD + 1 )); }
_s3share
printf '%s\n' "${COMPREPLY[@]}"`
	cmd := exec.Command("bash", "--norc", "--noprofile", "-c", script)
	cmd.Env = append(cmd.Environ(), "BIN="+bin, "LINE="+line)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	return strings.Fields(string(out))
}

func TestBashCompletion(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatal("this test runs the bash completion script: install bash")
	}
	bin := buildS3share(t)
	srv, err := demo.Start(demo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	presignEnv(t, srv.AccessKey, srv.SecretKey)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)

	// bash splits words at ":", so a reply stands for the part after
	// "s3:": "//demo-docs/" completes s3://demo-d to s3://demo-docs/.
	cases := []struct{ line, want string }{
		{"pr", "presign"},
		{"presign --exp", "--expires"},
		{"presign s3://demo-d", "//demo-docs/"},
		{"presign s3://demo-", "//demo-docs/ //demo-logs/ //demo-media/ //demo-uploads/"},
		{"get s3://demo-docs/rep", "//demo-docs/reports/"},
		{"get s3://demo-docs/reports/", "//demo-docs/reports/2025/ //demo-docs/reports/summary.json"},
		{"get --endpoint " + srv.URL + " s3://demo-docs/notes/to", "//demo-docs/notes/todo.txt"},
		{"shares p", "prune"},
		{"put --share -e ", ""}, // a flag's value: the shell's own completion
	}
	for _, c := range cases {
		got := strings.Join(bashComplete(t, bin, c.line), " ")
		if got != c.want {
			t.Errorf("complete %q: %q, want %q", c.line, got, c.want)
		}
	}
	// __complete never lists itself.
	if got := bashComplete(t, bin, "__"); len(got) != 0 {
		t.Errorf("complete __: %q", got)
	}
}
