package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The release build stamps the version with -ldflags -X on the variables
// of release.go; --version prints them.
func TestVersionStampedAtLinkTime(t *testing.T) {
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	bin := filepath.Join(t.TempDir(), "s3share")
	pkg := "github.com/s3share/s3share/internal/cli"
	ld := "-X " + pkg + ".version=1.2.3 -X " + pkg + ".commit=0123456789abcdef -X " + pkg + ".date=2026-11-29T12:00:00Z"
	if out, err := exec.Command(goBin, "build", "-o", bin, "-ldflags", ld, "github.com/s3share/s3share").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "s3share 1.2.3\ncommit 0123456789abcdef (2026-11-29T12:00:00Z)\n"
	if !strings.HasPrefix(string(out), want) {
		t.Errorf("--version:\n%s\nwant it to start with\n%s", out, want)
	}
}

// The man page is made from the command table: every command, its
// synopsis and every flag it takes.
func TestManPageFromTheCommandTable(t *testing.T) {
	var b bytes.Buffer
	writeMan(&b, rootCommand())
	page := b.String()
	if !strings.HasPrefix(page, ".TH S3SHARE 1 ") {
		t.Fatalf("not a man page:\n%s", page[:min(200, len(page))])
	}
	var walk func(cmd *command, path string)
	walk = func(cmd *command, path string) {
		for _, s := range cmd.sub {
			p := path + " " + s.name
			if s.hidden {
				if strings.Contains(page, roff(p)) {
					t.Errorf("the hidden %s is in the man page", p)
				}
				continue
			}
			if !strings.Contains(page, ".SS "+roff(strings.TrimSpace(p+" "+s.args))+"\n") {
				t.Errorf("no section for %s", p)
			}
			fs, _ := s.flagSet(&call{})
			for _, e := range flagEntries(fs) {
				for _, n := range e.names {
					if !strings.Contains(page, `\fB`+roff(n)+`\fR`) {
						t.Errorf("%s: no flag %s", p, n)
					}
				}
			}
			walk(s, p)
		}
	}
	walk(rootCommand(), programName)
	for _, l := range strings.Split(page, "\n") {
		if strings.HasPrefix(l, ".") && !slices.Contains([]string{".TH", ".SH", ".SS", ".PP", ".TP", ".B", ".BR", ".br", ".nf", ".fi"}, strings.Fields(l)[0]) {
			t.Errorf("a text line reads as a roff request: %q", l)
		}
	}
}

// The release configuration builds what the README promises, static,
// and stamps the variables release.go declares. (goreleaser check is not
// run in CI: building GoReleaser cold costs minutes; this checks what
// matters to s3share in the file.)
func TestReleaseConfiguration(t *testing.T) {
	data, err := os.ReadFile("../../.goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Version int `yaml:"version"`
		Builds  []struct {
			Main    string   `yaml:"main"`
			Env     []string `yaml:"env"`
			Goos    []string `yaml:"goos"`
			Goarch  []string `yaml:"goarch"`
			Ldflags []string `yaml:"ldflags"`
		} `yaml:"builds"`
		Archives []map[string]any `yaml:"archives"`
		Checksum map[string]any   `yaml:"checksum"`
		Brews    []struct {
			Name    string `yaml:"name"`
			Install string `yaml:"install"`
		} `yaml:"brews"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&cfg); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}
	if cfg.Version != 2 || len(cfg.Builds) != 1 || len(cfg.Archives) == 0 || cfg.Checksum == nil || len(cfg.Brews) != 1 {
		t.Fatalf("want version 2, one build, archives, checksums and a Homebrew formula: %+v", cfg)
	}
	b := cfg.Builds[0]
	if !slices.Contains(b.Env, "CGO_ENABLED=0") {
		t.Errorf("the build is not static: env %v", b.Env)
	}
	slices.Sort(b.Goos)
	slices.Sort(b.Goarch)
	if !slices.Equal(b.Goos, []string{"darwin", "linux", "windows"}) || !slices.Equal(b.Goarch, []string{"amd64", "arm64"}) {
		t.Errorf("targets %v × %v", b.Goos, b.Goarch)
	}
	ld := strings.Join(b.Ldflags, " ")
	for _, v := range []string{"version", "commit", "date"} {
		if !strings.Contains(ld, "-X github.com/s3share/s3share/internal/cli."+v+"={{") {
			t.Errorf("ldflags do not stamp %s: %s", v, ld)
		}
	}
	if !strings.Contains(cfg.Brews[0].Install, `bin.install "s3share"`) {
		t.Errorf("the formula does not install the binary: %q", cfg.Brews[0].Install)
	}
}
