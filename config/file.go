package config

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/s3share/s3share/internal/sanitize"
)

// fileConfig is s3share's own config.toml.
type fileConfig struct {
	DefaultStore string               `toml:"default_store"`
	Stores       map[string]fileStore `toml:"stores"`
	UI           fileUI               `toml:"ui"`
	Keys         map[string]keyList   `toml:"keys"`
	Gateway      Gateway              `toml:"gateway"`
}

// fileStore is one [stores.NAME] table.
type fileStore struct {
	Endpoint        tomlEndpoint   `toml:"endpoint"`
	Region          string         `toml:"region"`
	Addressing      tomlAddressing `toml:"addressing"`
	Profile         string         `toml:"profile"`
	Alias           string         `toml:"alias"`
	PublicBaseURL   tomlBaseURL    `toml:"public_base_url"`
	Insecure        *bool          `toml:"insecure"`
	CABundle        string         `toml:"ca_bundle"`
	Timeout         tomlTimeout    `toml:"timeout"`
	ListWorkers     tomlWorkers    `toml:"list_workers"`
	AccessKeyID     string         `toml:"access_key_id"`
	SecretAccessKey string         `toml:"secret_access_key"`
	SessionToken    string         `toml:"session_token"`
	// SignWith names another identity to sign links with:
	// "profile:NAME", "alias:NAME" or "store:NAME".
	SignWith string    `toml:"sign_with"`
	Color    tomlColor `toml:"color"`
	// Gateway is the share gateway (s3share serve) whose links the TUI
	// offers for this store; its admin token is read from
	// GatewayTokenFile, else $S3SHARE_GATEWAY_TOKEN.
	Gateway          tomlGatewayURL `toml:"gateway"`
	GatewayTokenFile string         `toml:"gateway_token_file"`
}

type fileUI struct {
	DefaultExpiry      tomlExpiry      `toml:"default_expiry"`
	ExpiryPresets      []tomlExpiry    `toml:"expiry_presets"`
	DefaultDisposition tomlDisposition `toml:"default_disposition"`
	Theme              string          `toml:"theme"`
	Clipboard          tomlClipboard   `toml:"clipboard"`
	Hyperlinks         string          `toml:"hyperlinks"`
	CacheMB            *tomlCacheMB    `toml:"cache_mb"`
	Notify             tomlNotify      `toml:"notify"`
	Rules              []fileRule      `toml:"rules"`
}

// tomlWorkers is a store's list_workers: how many key ranges a listing
// lists at once.
type tomlWorkers int

// MaxListWorkers is the most list_workers may be.
const MaxListWorkers = 64

func (w *tomlWorkers) UnmarshalTOML(v any) error {
	n, ok := v.(int64)
	if !ok || n < 1 || n > MaxListWorkers {
		return fmt.Errorf("list_workers: want a whole number from 1 (one page after another) to %d", MaxListWorkers)
	}
	*w = tomlWorkers(n)
	return nil
}

// tomlCacheMB is [ui] cache_mb: the memory budget of listings kept for
// going back, in MiB.
type tomlCacheMB int

func (c *tomlCacheMB) UnmarshalTOML(v any) error {
	n, ok := v.(int64)
	if !ok || n < 0 || n > 1<<20 {
		return fmt.Errorf("cache_mb: want a whole number of MiB from 0 (keep no listing but the current one) to %d", 1<<20)
	}
	*c = tomlCacheMB(n)
	return nil
}

// The toml* types check values while the file is decoded, so that errors
// carry the line number.

type tomlEndpoint string

func (e *tomlEndpoint) UnmarshalText(b []byte) error {
	if _, err := ParseEndpoint(string(b)); err != nil {
		return err
	}
	*e = tomlEndpoint(b)
	return nil
}

type tomlAddressing string

func (a *tomlAddressing) UnmarshalText(b []byte) error {
	v, err := ParseAddressing(string(b))
	*a = tomlAddressing(v)
	return err
}

type tomlBaseURL string

func (u *tomlBaseURL) UnmarshalText(b []byte) error {
	if err := checkBaseURL(string(b)); err != nil {
		return err
	}
	*u = tomlBaseURL(b)
	return nil
}

type tomlTimeout string

func (d *tomlTimeout) UnmarshalText(b []byte) error {
	if _, err := ParseTimeout(string(b)); err != nil {
		return err
	}
	*d = tomlTimeout(b)
	return nil
}

type tomlExpiry time.Duration

func (e *tomlExpiry) UnmarshalText(b []byte) error {
	d, err := ParseExpiry(string(b))
	*e = tomlExpiry(d)
	return err
}

type tomlDisposition string

func (d *tomlDisposition) UnmarshalText(b []byte) error {
	switch v := strings.ToLower(strings.TrimSpace(string(b))); v {
	case "inline", "attachment":
		*d = tomlDisposition(v)
		return nil
	}
	return fmt.Errorf("disposition %q: want inline or attachment", sanitize.Bounded(b))
}

// tomlColor is a store's label colour: a colour name, an ANSI number
// (0-255) or #RRGGBB.
type tomlColor string

func (c *tomlColor) UnmarshalText(b []byte) error {
	v := strings.ToLower(strings.TrimSpace(string(b)))
	if !ValidColor(v) {
		return fmt.Errorf("color %q: want a name (%s), a number 0-255 or #RRGGBB", sanitize.Bounded(b), strings.Join(ColorNames, ", "))
	}
	*c = tomlColor(v)
	return nil
}

// ColorNames are the colour names a store's color may be.
var ColorNames = []string{"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"}

// ValidColor reports whether v (lower case) is a colour name, an ANSI
// number 0-255 or #RRGGBB.
func ValidColor(v string) bool {
	if slices.Contains(ColorNames, v) {
		return true
	}
	if n, err := strconv.Atoi(v); err == nil {
		return n >= 0 && n <= 255 && v == strconv.Itoa(n)
	}
	if len(v) == 7 && v[0] == '#' {
		_, err := strconv.ParseUint(v[1:], 16, 32)
		return err == nil
	}
	return false
}

type tomlClipboard ClipboardMode

func (c *tomlClipboard) UnmarshalText(b []byte) error {
	m, err := ParseClipboardMode(string(b))
	*c = tomlClipboard(m)
	return err
}

// keyList is one [keys] entry: a key or a list of keys.
type keyList []string

func (k *keyList) UnmarshalTOML(v any) error {
	const want = `want a key such as "q" or a list of keys such as ["q", "ctrl+c"]`
	switch v := v.(type) {
	case string:
		if strings.TrimSpace(v) == "" {
			return errors.New("empty key: " + want)
		}
		*k = keyList{v}
		return nil
	case []any:
		out := make(keyList, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok || strings.TrimSpace(s) == "" {
				return errors.New(want)
			}
			out = append(out, s)
		}
		*k = out
		return nil
	}
	return errors.New(want)
}

// checkBaseURL checks a public base URL: http or https, a host, an
// optional path prefix, no query, fragment or credentials.
func checkBaseURL(s string) error {
	u, err := url.Parse(strings.TrimSpace(s))
	switch {
	case err != nil:
		return fmt.Errorf("public base URL %q is not a URL", sanitize.Bounded(s))
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("public base URL %q: scheme must be http or https", sanitize.Bounded(s))
	case u.Host == "":
		return fmt.Errorf("public base URL %q has no host", sanitize.Bounded(s))
	case u.User != nil:
		return errors.New("public base URL must not hold credentials")
	case strings.ContainsAny(s, "?#"):
		return fmt.Errorf("public base URL %q must not have a query or fragment", sanitize.Bounded(s))
	}
	return nil
}

// tomlLineKey matches the start of the TOML decoder's type errors.
var tomlLineKey = regexp.MustCompile(`^line (\d+) \(last key "([^"]*)"\): `)

// tomlFile is s3share's own config file.
type tomlFile struct {
	path, shown, source string
	data                []byte // nil when the file does not exist
	cfg                 fileConfig
}

func loadTOML(ps paths, f Flags, env Env) (*tomlFile, error) {
	t := &tomlFile{source: "default"}
	switch {
	case f.ConfigFile != "":
		t.path, t.source = ps.expand(f.ConfigFile), "--config"
	case env("XDG_CONFIG_HOME") != "":
		t.path = filepath.Join(env("XDG_CONFIG_HOME"), "s3share", "config.toml")
		t.source = "env XDG_CONFIG_HOME"
	default:
		t.path = filepath.Join(ps.home, ".config", "s3share", "config.toml")
	}
	t.shown = ps.show(t.path)
	data, err := ps.readFile(t.path)
	if err != nil {
		return nil, err
	}
	if data == nil {
		if f.ConfigFile != "" {
			return nil, fmt.Errorf("--config %s: no such file", t.shown)
		}
		return t, nil
	}
	t.data = data
	md, err := toml.Decode(string(data), &t.cfg)
	if err != nil {
		return nil, t.decodeError(err)
	}
	if un := md.Undecoded(); len(un) > 0 {
		k := un[0]
		known := "default_store, [stores.NAME], [ui] and [keys]"
		switch {
		case len(k) > 1 && k[0] == "stores":
			known = "endpoint, region, addressing, profile, alias, public_base_url, insecure, ca_bundle, timeout, list_workers, access_key_id, secret_access_key, session_token and color"
		case len(k) > 1 && k[0] == "ui":
			known = "default_expiry, expiry_presets, default_disposition, theme, clipboard, hyperlinks, cache_mb, notify and [[ui.rules]] (match, expiry, disposition)"
		}
		return nil, fmt.Errorf("%s: unknown setting %s: check its spelling; known here: %s", at(t.shown, t.keyLine(k...)), k, known)
	}
	if _, err := t.rules(); err != nil {
		return nil, err
	}
	if ds := t.cfg.DefaultStore; ds != "" {
		if _, ok := t.cfg.Stores[ds]; !ok {
			return nil, fmt.Errorf("%s: default_store %q: %s", at(t.shown, t.keyLine("default_store")), ds, t.noStoreHint())
		}
	}
	return t, nil
}

// decodeError formats a TOML error as file:line. A syntax error on a line
// that seems to hold a secret is reported without the parser's message,
// which may quote the line.
func (t *tomlFile) decodeError(err error) error {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		msg := strings.TrimPrefix(err.Error(), "toml: ")
		if m := tomlLineKey.FindStringSubmatch(msg); m != nil {
			return fmt.Errorf("%s:%s: %s: %s", t.shown, m[1], m[2], strings.TrimPrefix(msg, m[0]))
		}
		return fmt.Errorf("%s: %s", t.shown, msg)
	}
	line := pe.Position.Line
	lines := strings.Split(string(t.data), "\n")
	text := ""
	if line > 0 && line <= len(lines) {
		text = strings.ToLower(lines[line-1])
	}
	msg := pe.Message
	if strings.Contains(text, "secret") || strings.Contains(text, "token") {
		msg = `not valid TOML: write name = "value" with the value in double quotes`
	}
	if pe.LastKey != "" && !strings.HasPrefix(msg, "not valid") {
		msg = pe.LastKey + ": " + msg
	}
	return fmt.Errorf("%s: %s", at(t.shown, line), msg)
}

func (t *tomlFile) storeNames() []string {
	var out []string
	for n := range t.cfg.Stores {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

func (t *tomlFile) noStoreHint() string {
	if names := t.storeNames(); len(names) > 0 {
		return "no such store in " + t.shown + "; stores there: " + strings.Join(names, ", ")
	}
	if t.data == nil {
		return "there is no config file at " + t.shown + "; create it with a [stores.NAME] table"
	}
	return t.shown + " has no stores; add a [stores.NAME] table"
}

func (t *tomlFile) holdsSecrets() bool {
	for _, st := range t.cfg.Stores {
		if st.SecretAccessKey != "" || st.SessionToken != "" {
			return true
		}
	}
	return false
}

// keyLine finds the line of a dotted key for error messages: the header
// [a.b] and then "c =" under it, or "c =" at the top for a one-part key.
// It returns 0 when it cannot tell.
func (t *tomlFile) keyLine(key ...string) int {
	if len(key) == 0 || t.data == nil {
		return 0
	}
	table, last := strings.Join(key[:len(key)-1], "."), key[len(key)-1]
	cur := ""
	for i, raw := range strings.Split(string(t.data), "\n") {
		l := strings.TrimSpace(raw)
		if strings.HasPrefix(l, "[") {
			cur = strings.NewReplacer(" ", "", "\t", "", `"`, "", "'", "", "[", "", "]", "").Replace(strings.SplitN(l, "#", 2)[0])
			if table != "" && cur == table+"."+last {
				return i + 1 // the key is itself a table
			}
			continue
		}
		if cur != table {
			continue
		}
		name, _, ok := strings.Cut(l, "=")
		if ok && strings.Trim(strings.TrimSpace(name), `"'`) == last {
			return i + 1
		}
	}
	return 0
}

// where formats "file:line: [stores.NAME] key".
func (t *tomlFile) where(store, key string) string {
	return at(t.shown, t.keyLine("stores", store, key)) + ": [stores." + store + "] " + key
}

// storeLayer reads the settings of store name.
func (r *resolver) storeLayer(name string) (*layer, error) {
	t := r.file
	st := t.cfg.Stores[name]
	src := t.shown + " [stores." + name + "]"
	l := &layer{name: "store " + name}
	set := func(v *value, key, s string) {
		if s != "" {
			*v = value{v: s, src: src, where: t.where(name, key)}
		}
	}
	set(&l.endpoint, "endpoint", string(st.Endpoint))
	set(&l.region, "region", st.Region)
	set(&l.addressing, "addressing", string(st.Addressing))
	set(&l.publicBaseURL, "public_base_url", string(st.PublicBaseURL))
	set(&l.caBundle, "ca_bundle", r.ps.expand(st.CABundle))
	set(&l.timeout, "timeout", string(st.Timeout))
	if st.ListWorkers > 0 {
		l.listWorkers = int(st.ListWorkers)
	}
	if st.Insecure != nil {
		set(&l.insecure, "insecure", fmt.Sprint(*st.Insecure))
	}
	l.creds = func() (Credentials, bool, error) {
		switch {
		case st.AccessKeyID == "" && st.SecretAccessKey == "":
			return Credentials{}, false, nil
		case st.AccessKeyID == "":
			return Credentials{}, false, fmt.Errorf("%s has secret_access_key but no access_key_id: add the key id", t.where(name, "secret_access_key"))
		case st.SecretAccessKey == "":
			return Credentials{}, false, fmt.Errorf("%s has access_key_id but no secret_access_key: add the secret, or use a profile instead", t.where(name, "access_key_id"))
		}
		return Credentials{AccessKeyID: st.AccessKeyID, SecretAccessKey: st.SecretAccessKey, SessionToken: st.SessionToken, Source: src}, true, nil
	}
	return l, nil
}

// prefs turns [ui] and [keys] into Prefs.
func (t *tomlFile) prefs() Prefs {
	ui := t.cfg.UI
	p := Prefs{
		DefaultExpiry:      time.Duration(ui.DefaultExpiry),
		DefaultDisposition: string(ui.DefaultDisposition),
		Theme:              ui.Theme,
		Clipboard:          ClipboardMode(ui.Clipboard),
		Hyperlinks:         ui.Hyperlinks,
		Notify:             NotifyMode(ui.Notify),
	}
	if ui.CacheMB != nil {
		p.CacheMB, p.CacheSet = int(*ui.CacheMB), true
	}
	p.Rules, _ = t.rules() // checked when the file was read
	for _, e := range ui.ExpiryPresets {
		p.ExpiryPresets = append(p.ExpiryPresets, time.Duration(e))
	}
	if p.Clipboard == "" {
		p.Clipboard = ClipboardAuto
	}
	if len(t.cfg.Keys) > 0 {
		p.Keys = make(map[string][]string, len(t.cfg.Keys))
		for action, keys := range t.cfg.Keys {
			p.Keys[action] = []string(keys)
		}
	}
	return p
}
