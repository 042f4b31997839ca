package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// mcAlias is one alias of the MinIO client's config.json.
type mcAlias struct {
	URL          string `json:"url"`
	AccessKey    string `json:"accessKey"`
	SecretKey    string `json:"secretKey"`
	SessionToken string `json:"sessionToken"`
	API          string `json:"api"`
	Path         string `json:"path"`
	Lookup       string `json:"lookup"` // "path" before mc's config version 10
}

// mcFile is ~/.mc/config.json, or config.json in MC_CONFIG_DIR.
type mcFile struct {
	path, shown, source string
	found               bool
	aliases             map[string]mcAlias
}

// mcPath returns where mc's config.json is, and why.
func mcPath(ps paths, env Env) (string, string) {
	if v := env("MC_CONFIG_DIR"); v != "" {
		return filepath.Join(ps.expand(v), "config.json"), "env MC_CONFIG_DIR"
	}
	return filepath.Join(ps.home, ".mc", "config.json"), "default"
}

func loadMC(ps paths, env Env) (*mcFile, error) {
	p, src := mcPath(ps, env)
	m := &mcFile{path: p, source: src}
	m.shown = ps.show(m.path)
	data, err := ps.readFile(m.path)
	if err != nil || data == nil {
		return m, err
	}
	m.found = true
	var doc struct {
		Version string             `json:"version"`
		Aliases map[string]mcAlias `json:"aliases"`
		Hosts   map[string]mcAlias `json:"hosts"` // before mc's config version 10
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return nil, fmt.Errorf("%s: not valid JSON: fix the file or recreate the alias with `mc alias set`", at(m.shown, offsetLine(data, syn.Offset)))
		case errors.As(err, &typ):
			return nil, fmt.Errorf("%s: %s should be a %s: fix the file or recreate the alias with `mc alias set`", at(m.shown, offsetLine(data, typ.Offset)), typ.Field, typ.Type)
		}
		return nil, fmt.Errorf("%s: not a valid mc config: fix the file or recreate the alias with `mc alias set`", m.shown)
	}
	m.aliases = doc.Aliases
	if m.aliases == nil {
		m.aliases = doc.Hosts
	}
	return m, nil
}

func (m *mcFile) names() []string {
	var out []string
	for n := range m.aliases {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

func (m *mcFile) holdsSecrets() bool {
	for _, a := range m.aliases {
		if a.SecretKey != "" || a.SessionToken != "" {
			return true
		}
	}
	return false
}

// aliasLayer reads the settings of an mc alias. via says what selected it.
func (r *resolver) aliasLayer(name, via string) (*layer, error) {
	m, err := r.mc()
	if err != nil {
		return nil, err
	}
	if !m.found {
		return nil, fmt.Errorf("%s: alias %q: there is no mc config at %s: create the alias with `mc alias set %s URL ACCESS_KEY SECRET_KEY` (or point MC_CONFIG_DIR at mc's directory)",
			via, name, m.shown, name)
	}
	a, ok := m.aliases[name]
	if !ok {
		if len(m.aliases) == 0 {
			return nil, fmt.Errorf("%s: alias %q: %s has no aliases: create one with `mc alias set %s URL ACCESS_KEY SECRET_KEY`", via, name, m.shown, name)
		}
		return nil, fmt.Errorf("%s: no alias %q in %s; aliases there: %s", via, name, m.shown, strings.Join(m.names(), ", "))
	}
	src := m.shown + " alias " + name
	l := &layer{name: "alias " + name}
	if a.URL != "" {
		l.endpoint = value{v: a.URL, src: src, where: src + " url"}
	}
	if a.Path == "" {
		a.Path = a.Lookup
	}
	switch strings.ToLower(strings.TrimSpace(a.Path)) {
	case "", "auto":
		if a.Path != "" {
			l.addressing = value{v: string(AddressingAuto), src: src, where: src + " path"}
		}
	case "on", "path":
		l.addressing = value{v: string(AddressingPath), src: src, where: src + " path"}
	case "off", "dns", "virtual":
		l.addressing = value{v: string(AddressingVirtual), src: src, where: src + " path"}
	default:
		return nil, fmt.Errorf("%s path %q: want auto, on or off: fix it with `mc alias set %s … --path auto`", src, a.Path, name)
	}
	if api := strings.ToLower(a.API); api != "" && api != "s3v4" {
		r.warn(fmt.Sprintf("%s has api %s; s3share signs with S3v4 (signature version 4) only", src, a.API))
	}
	l.creds = func() (Credentials, bool, error) {
		switch {
		case a.AccessKey == "" && a.SecretKey == "":
			return Credentials{}, false, nil
		case a.AccessKey == "" || a.SecretKey == "":
			return Credentials{}, false, fmt.Errorf("%s has only one of accessKey and secretKey: set both with `mc alias set %s URL ACCESS_KEY SECRET_KEY`", src, name)
		}
		return Credentials{AccessKeyID: a.AccessKey, SecretAccessKey: a.SecretKey, SessionToken: a.SessionToken, Source: src}, true, nil
	}
	return l, nil
}
