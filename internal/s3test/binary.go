package s3test

import (
	"debug/buildinfo"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

const (
	// VersitygwVersion is the versitygw release the tests run against.
	VersitygwVersion = "v1.8.0"
	// VersitygwPackage is the Go package path of the versitygw command.
	VersitygwPackage = "github.com/versity/versitygw/cmd/versitygw"

	// EnvBinary names an environment variable holding the path of a ready
	// versitygw binary. When set, nothing is built.
	EnvBinary = "S3SHARE_VERSITYGW"
	// EnvCacheDir names an environment variable that overrides the directory
	// in which the versitygw binary is built and cached.
	EnvCacheDir = "S3SHARE_VERSITYGW_CACHE"
)

var (
	binaryMu   sync.Mutex
	binaryPath string // set once a usable binary is known
)

// installCommand is the command line EnsureBinary runs, for messages.
func installCommand() string {
	return "go install " + VersitygwPackage + "@" + VersitygwVersion
}

// CacheDir returns the directory holding the cached versitygw binary:
// $S3SHARE_VERSITYGW_CACHE if set, otherwise
// $(os.UserCacheDir)/s3share/versitygw-v1.8.0.
func CacheDir() (string, error) {
	if d := os.Getenv(EnvCacheDir); d != "" {
		return filepath.Abs(d)
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no user cache directory (%v); set %s to a writable directory or %s=/path/to/versitygw", err, EnvCacheDir, EnvBinary)
	}
	return filepath.Join(base, "s3share", "versitygw-"+VersitygwVersion), nil
}

// EnsureBinary returns the path of a versitygw binary, building it once if
// needed.
//
// The binary named by $S3SHARE_VERSITYGW is used as is. Otherwise the binary
// cached in CacheDir is used, and when it is missing it is built there with
// `go install github.com/versity/versitygw/cmd/versitygw@v1.8.0`. The build
// holds a file lock, so parallel test processes build it only once, and the
// result is renamed into place, so nobody sees a half-written binary.
//
// logf, which may be nil, receives progress lines such as the notice that a
// build is starting.
func EnsureBinary(logf func(string, ...any)) (string, error) {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	binaryMu.Lock()
	defer binaryMu.Unlock()
	if binaryPath != "" {
		return binaryPath, nil
	}

	if p := os.Getenv(EnvBinary); p != "" {
		abs, err := filepath.Abs(p)
		if err == nil {
			err = checkExecutable(abs)
		}
		if err != nil {
			return "", fmt.Errorf("%s=%q is not usable: %v; point it at a versitygw %s binary, or unset it to have the tests build one with %q", EnvBinary, p, err, VersitygwVersion, installCommand())
		}
		if v := moduleVersion(abs); v != VersitygwVersion {
			logf("s3test: note: %s=%s reports versitygw version %q; the tests expect %s", EnvBinary, p, v, VersitygwVersion)
		}
		binaryPath = abs
		return abs, nil
	}

	dir, err := CacheDir()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "versitygw")
	if usableCached(bin) {
		binaryPath = bin
		return bin, nil
	}

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create versitygw cache directory: %v; set %s to a writable directory or %s=/path/to/versitygw", err, EnvCacheDir, EnvBinary)
	}
	unlock, err := lockFile(filepath.Join(dir, ".lock"), func() {
		logf("s3test: waiting for another process that is building versitygw %s into %s", VersitygwVersion, dir)
	})
	if err != nil {
		return "", fmt.Errorf("lock versitygw cache directory %s: %v; set %s=/path/to/versitygw to skip the build", dir, err, EnvBinary)
	}
	defer unlock()

	// Another process may have finished the build while we waited.
	if usableCached(bin) {
		binaryPath = bin
		return bin, nil
	}

	if err := build(dir, bin, logf); err != nil {
		return "", err
	}
	binaryPath = bin
	return bin, nil
}

// build runs go install into a private directory next to bin and renames
// the result into place. The caller holds the cache lock.
func build(dir, bin string, logf func(string, ...any)) error {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("cannot build versitygw: the go command is not in PATH (%v); install Go or set %s=/path/to/versitygw", err, EnvBinary)
	}
	gobin, err := os.MkdirTemp(dir, ".gobin-")
	if err != nil {
		return fmt.Errorf("cannot build versitygw: %v; set %s=/path/to/versitygw", err, EnvBinary)
	}
	defer os.RemoveAll(gobin)
	// Run from an empty directory so that no enclosing go.mod or go.work
	// takes part in the build.
	work, err := os.MkdirTemp("", "s3share-versitygw-build-")
	if err != nil {
		return fmt.Errorf("cannot build versitygw: %v; set %s=/path/to/versitygw", err, EnvBinary)
	}
	defer os.RemoveAll(work)

	logf("s3test: building versitygw %s once into %s (takes a few minutes; later runs reuse it)", VersitygwVersion, dir)
	start := time.Now()
	cmd := exec.Command(goCmd, "install", VersitygwPackage+"@"+VersitygwVersion)
	cmd.Dir = work
	// Later entries win over the inherited ones.
	cmd.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=", "GOWORK=off", "GO111MODULE=on")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s failed: %v\n%s\ncheck Go module proxy access (GOPROXY, GOPRIVATE, network) or set %s=/path/to/versitygw", installCommand(), err, tail(string(out), 4000), EnvBinary)
	}
	built := filepath.Join(gobin, "versitygw")
	if err := checkExecutable(built); err != nil {
		return fmt.Errorf("%s succeeded but produced no binary: %v; set %s=/path/to/versitygw", installCommand(), err, EnvBinary)
	}
	if err := os.Rename(built, bin); err != nil {
		return fmt.Errorf("install versitygw into %s: %v; set %s=/path/to/versitygw", bin, err, EnvBinary)
	}
	logf("s3test: built %s in %s", bin, time.Since(start).Round(time.Second))
	return nil
}

// usableCached reports whether bin is an executable versitygw built from
// the expected module version. Anything else is rebuilt.
func usableCached(bin string) bool {
	return checkExecutable(bin) == nil && moduleVersion(bin) == VersitygwVersion
}

// moduleVersion returns the versitygw module version recorded in the
// binary's build information, or a description of why there is none.
func moduleVersion(bin string) string {
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	if info.Main.Path == "github.com/versity/versitygw" {
		return info.Main.Version
	}
	return "unknown (main module " + info.Main.Path + ")"
}

// checkExecutable reports why path is not a runnable regular file.
func checkExecutable(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	switch {
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file", path)
	case fi.Mode().Perm()&0o111 == 0:
		return fmt.Errorf("%s is not executable", path)
	case fi.Size() == 0:
		return fmt.Errorf("%s is empty", path)
	}
	return nil
}

// tail returns the last n bytes of s, marking a cut.
func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
