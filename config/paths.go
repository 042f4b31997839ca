package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// paths knows the home directory, so that it can expand "~" in paths
// read from files and show paths with "~" again.
type paths struct {
	home string
}

func newPaths(env Env) paths {
	home := env("HOME")
	if home == "" && runtime.GOOS == "windows" {
		home = env("USERPROFILE")
	}
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return paths{home: filepath.Clean(home)}
}

// show writes p with "~" for the home directory.
func (ps paths) show(p string) string {
	if ps.home == "" || ps.home == "." {
		return p
	}
	if p == ps.home {
		return "~"
	}
	if rest, ok := strings.CutPrefix(p, ps.home+string(filepath.Separator)); ok {
		return "~" + string(filepath.Separator) + rest
	}
	return p
}

// expand replaces a leading "~/" with the home directory.
func (ps paths) expand(p string) string {
	if p == "~" {
		return ps.home
	}
	if rest, ok := strings.CutPrefix(p, "~/"); ok && ps.home != "" {
		return filepath.Join(ps.home, rest)
	}
	return p
}

// maxConfigFile is the largest configuration file read: far more than
// any real one, and small enough that no value in it makes an unbounded
// error message or allocation.
const maxConfigFile = 1 << 20

// readFile reads a configuration file. A missing file gives (nil, nil);
// one larger than maxConfigFile is refused.
func (ps paths) readFile(p string) ([]byte, error) {
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read: %s", ps.show(p), describeFSError(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read: %s", ps.show(p), describeFSError(err))
	}
	if len(data) > maxConfigFile {
		return nil, fmt.Errorf("%s: the file is larger than %d KiB; s3share reads configuration files of at most that size", ps.show(p), maxConfigFile>>10)
	}
	if data == nil {
		data = []byte{}
	}
	return data, nil
}

// describeFSError says what went wrong without repeating the path.
func describeFSError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if errors.Is(err, fs.ErrPermission) {
		return "permission denied (check its owner and mode)"
	}
	return err.Error()
}

// secretFileWarning returns a warning when the file at p, which holds a
// secret, can be read by its group or by others.
func (ps paths) secretFileWarning(p string) string {
	if runtime.GOOS == "windows" {
		return ""
	}
	fi, err := os.Stat(p)
	if err != nil || fi.Mode().Perm()&0o044 == 0 {
		return ""
	}
	return fmt.Sprintf("%s holds secrets and can be read by other users (mode %04o): run chmod 600 %s",
		ps.show(p), fi.Mode().Perm(), ps.show(p))
}

// lineOf returns the 1-based number of the first line of data whose
// trimmed text equals text, or 0.
func lineOf(data []byte, text string) int {
	text = strings.TrimSpace(text)
	for i, l := range bytes.Split(data, []byte("\n")) {
		if strings.TrimSpace(string(l)) == text {
			return i + 1
		}
	}
	return 0
}

// offsetLine returns the 1-based line of byte offset off in data.
func offsetLine(data []byte, off int64) int {
	if off < 0 {
		off = 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// at formats a location: "file:line" or just "file" when line is 0.
func at(file string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", file, line)
	}
	return file
}
