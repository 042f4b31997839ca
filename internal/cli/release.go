package cli

import "runtime/debug"

// The release build stamps these at link time (see .goreleaser.yaml):
//
//	-X github.com/s3share/s3share/internal/cli.version=1.2.3
//	-X github.com/s3share/s3share/internal/cli.commit=<full hash>
//	-X github.com/s3share/s3share/internal/cli.date=<RFC 3339 time>
//
// Other builds leave them empty, and the version comes from the build
// information Go records (the module version for go install, the VCS
// revision and time for a build in a clone).
var version, commit, date string

// buildStamp is the version, the commit (with "modified" when the tree
// had uncommitted changes) and the build or commit date, from the link
// time stamp or else from the build information.
func buildStamp() (v, c, d string, modified bool) {
	v, c, d = version, commit, date
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return or(v, "unknown"), or(c, "unknown"), d, false
	}
	if v == "" && bi.Main.Version != "" {
		v = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			if c == "" {
				c = s.Value
			}
		case "vcs.time":
			if d == "" {
				d = s.Value
			}
		case "vcs.modified":
			modified = commit == "" && s.Value == "true"
		}
	}
	return or(v, "unknown"), or(c, "unknown"), d, modified
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
