package config

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/ini.v1"
)

// iniFile is one AWS shared file, parsed as the AWS CLI reads it: no
// inline comments, quotes kept, nested values ("s3 =" followed by
// indented "key = value" lines).
type iniFile struct {
	what   string
	path   string
	shown  string
	source string
	data   []byte    // nil when the file does not exist
	f      *ini.File // nil when the file does not exist
}

func loadINI(ps paths, what, path, source string) (*iniFile, error) {
	f := &iniFile{what: what, path: path, shown: ps.show(path), source: source}
	data, err := ps.readFile(path)
	if err != nil {
		return nil, err
	}
	if data == nil {
		return f, nil
	}
	parsed, err := ini.LoadSources(ini.LoadOptions{
		AllowNestedValues:       true,
		IgnoreInlineComment:     true,
		PreserveSurroundedQuote: true,
	}, data)
	if err != nil {
		return nil, f.parseError(data, err)
	}
	f.data, f.f = data, parsed
	return f, nil
}

// parseError turns a go-ini error into one line naming the file and
// line. go-ini quotes the offending line, which may hold a secret, so its
// text is never shown.
func (f *iniFile) parseError(data []byte, err error) error {
	var noDelim ini.ErrDelimiterNotFound
	var noKey ini.ErrEmptyKeyName
	switch {
	case errors.As(err, &noDelim):
		return fmt.Errorf(`%s: not a "name = value" line, a [section] header or a # comment: fix or remove the line`,
			at(f.shown, lineOf(data, noDelim.Line)))
	case errors.As(err, &noKey):
		return fmt.Errorf(`%s: the line has no name before "=": write name = value`,
			at(f.shown, lineOf(data, noKey.Line)))
	case strings.HasPrefix(err.Error(), "unclosed section: "):
		line := lineOf(data, strings.TrimPrefix(err.Error(), "unclosed section: "))
		return fmt.Errorf(`%s: section header without "]": write [profile NAME]`, at(f.shown, line))
	case strings.HasPrefix(err.Error(), "empty section name"):
		return fmt.Errorf(`%s: empty section header "[]": write [profile NAME] or remove it`, at(f.shown, lineOf(data, "[]")))
	}
	return fmt.Errorf("%s: not a valid INI file: check it with `aws configure list`", f.shown)
}

func (f *iniFile) exists() bool { return f != nil && f.f != nil }

// sectionName normalizes whitespace in a section name: "profile  x" → "profile x".
func sectionName(s string) string { return strings.Join(strings.Fields(s), " ") }

// section returns the section of that (normalized) name, or nil.
func (f *iniFile) section(name string) *ini.Section {
	if !f.exists() {
		return nil
	}
	for _, s := range f.f.Sections() {
		if sectionName(s.Name()) == name {
			return s
		}
	}
	return nil
}

// line finds the line of key in section (and, for nested values, of the
// nested key under it), for error messages. It returns 0 when it cannot
// tell. Later lines win, as they do for the parser.
func (f *iniFile) line(section string, keys ...string) int {
	if f == nil || f.data == nil {
		return 0
	}
	cur, found, nested := "", 0, false
	for i, raw := range strings.Split(string(f.data), "\n") {
		t := strings.TrimSpace(raw)
		indented := len(raw) > 0 && (raw[0] == ' ' || raw[0] == '\t')
		switch {
		case t == "" || t[0] == '#' || t[0] == ';':
			continue
		case t[0] == '[':
			cur, nested = sectionName(strings.Trim(t, "[] \t\r")), false
			continue
		}
		if cur != section {
			continue
		}
		if len(keys) == 0 {
			continue
		}
		if !indented {
			nested = false
			if iniKeyIs(t, keys[0]) {
				if len(keys) == 1 {
					found = i + 1
				}
				nested = len(keys) > 1
			}
			continue
		}
		if nested && iniKeyIs(t, keys[1]) {
			found = i + 1
		}
	}
	if found == 0 && len(keys) == 0 {
		return lineOf(f.data, "["+section+"]")
	}
	return found
}

func iniKeyIs(line, key string) bool {
	rest, ok := strings.CutPrefix(line, key)
	if !ok {
		return false
	}
	rest = strings.TrimLeft(rest, " \t")
	return rest != "" && (rest[0] == '=' || rest[0] == ':')
}

// where formats "file:line: [section] key" for errors and sources.
func (f *iniFile) where(section string, keys ...string) string {
	s := at(f.shown, f.line(section, keys...)) + ": [" + section + "]"
	if len(keys) > 0 {
		s += " " + strings.Join(keys, ".")
	}
	return s
}

// nested returns the nested values of key in sec as a map.
func nested(sec *ini.Section, key string) map[string]string {
	if sec == nil || !sec.HasKey(key) {
		return nil
	}
	m := map[string]string{}
	for _, l := range sec.Key(key).NestedValues() {
		if k, v, ok := strings.Cut(l, "="); ok {
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return m
}

func get(sec *ini.Section, key string) string {
	if sec == nil || !sec.HasKey(key) {
		return ""
	}
	return strings.TrimSpace(sec.Key(key).String())
}

// awsFiles are ~/.aws/config and ~/.aws/credentials (or where
// AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE point).
type awsFiles struct {
	config *iniFile
	creds  *iniFile
}

// awsPaths returns where the AWS config and credentials files are, and why.
func awsPaths(ps paths, env Env) (cfgPath, cfgSrc, credPath, credSrc string) {
	cfgPath, cfgSrc = filepath.Join(ps.home, ".aws", "config"), "default"
	if v := env("AWS_CONFIG_FILE"); v != "" {
		cfgPath, cfgSrc = ps.expand(v), "env AWS_CONFIG_FILE"
	}
	credPath, credSrc = filepath.Join(ps.home, ".aws", "credentials"), "default"
	if v := env("AWS_SHARED_CREDENTIALS_FILE"); v != "" {
		credPath, credSrc = ps.expand(v), "env AWS_SHARED_CREDENTIALS_FILE"
	}
	return cfgPath, cfgSrc, credPath, credSrc
}

func loadAWS(ps paths, env Env) (*awsFiles, error) {
	cfgPath, cfgSrc, credPath, credSrc := awsPaths(ps, env)
	cfg, err := loadINI(ps, "AWS config", cfgPath, cfgSrc)
	if err != nil {
		return nil, err
	}
	creds, err := loadINI(ps, "AWS credentials", credPath, credSrc)
	if err != nil {
		return nil, err
	}
	return &awsFiles{config: cfg, creds: creds}, nil
}

// profileSection is the name of profile's section in the config file.
func (a *awsFiles) profileSection(profile string) string {
	if profile == "default" && a.config.section("default") != nil {
		return "default"
	}
	return "profile " + profile
}

func (a *awsFiles) configProfile(profile string) *ini.Section {
	return a.config.section(a.profileSection(profile))
}

func (a *awsFiles) credsProfile(profile string) *ini.Section {
	return a.creds.section(profile)
}

func (a *awsFiles) has(profile string) bool {
	return a.configProfile(profile) != nil || a.credsProfile(profile) != nil
}

// profiles lists the profiles of both files, "default" first.
func (a *awsFiles) profiles() []string {
	var out []string
	add := func(name string) {
		if name != "" && name != ini.DefaultSection && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	if a.config.exists() {
		for _, s := range a.config.f.Sections() {
			n := sectionName(s.Name())
			if n == "default" {
				add(n)
			} else if p, ok := strings.CutPrefix(n, "profile "); ok {
				add(p)
			}
		}
	}
	if a.creds.exists() {
		for _, s := range a.creds.f.Sections() {
			add(sectionName(s.Name()))
		}
	}
	slices.SortFunc(out, func(x, y string) int {
		switch {
		case x == y:
			return 0
		case x == "default":
			return -1
		case y == "default":
			return 1
		}
		return strings.Compare(x, y)
	})
	return out
}

// unknownProfile explains that profile does not exist.
func (a *awsFiles) unknownProfile(profile, via string) error {
	msg := fmt.Sprintf("%s: no profile %q in %s or %s", via, profile, a.config.shown, a.creds.shown)
	if a.config.section(profile) != nil && profile != "default" {
		return fmt.Errorf("%s: %s has [%s]; in the config file a profile's section is written [profile %s]",
			msg, at(a.config.shown, a.config.line(profile)), profile, profile)
	}
	if ps := a.profiles(); len(ps) > 0 {
		return fmt.Errorf("%s; profiles there: %s", msg, strings.Join(ps, ", "))
	}
	return fmt.Errorf("%s, which have no profiles; create one with `aws configure --profile %s`", msg, profile)
}

// holdsSecrets reports whether any section of f has a secret key or token.
func (f *iniFile) holdsSecrets() bool {
	if !f.exists() {
		return false
	}
	for _, s := range f.f.Sections() {
		if s.HasKey("aws_secret_access_key") || s.HasKey("aws_session_token") {
			return true
		}
	}
	return false
}

// profileLayer reads the settings of profile. via says what selected it,
// for errors ("--profile", "env AWS_PROFILE", "~/.config/…:3: [stores.x] profile").
func (r *resolver) profileLayer(profile, via string) (*layer, error) {
	a, err := r.aws()
	if err != nil {
		return nil, err
	}
	if !a.has(profile) {
		return nil, a.unknownProfile(profile, via)
	}
	sec := a.profileSection(profile)
	cs := a.configProfile(profile)
	src := a.config.shown + " [" + sec + "]"
	l := &layer{name: "profile " + profile}

	if v := get(cs, "endpoint_url"); v != "" {
		l.endpoint = value{v: v, src: src, where: a.config.where(sec, "endpoint_url")}
	}
	if svc := get(cs, "services"); svc != "" {
		ss := "services " + svc
		s := a.config.section(ss)
		if s == nil {
			return nil, fmt.Errorf("%s = %s: there is no [%s] section in %s: add one with s3 = / endpoint_url = URL",
				a.config.where(sec, "services"), svc, ss, a.config.shown)
		}
		if v := nested(s, "s3")["endpoint_url"]; v != "" {
			l.endpoint = value{v: v, src: a.config.shown + " [" + ss + "]", where: a.config.where(ss, "s3", "endpoint_url")}
		}
	}
	if v := get(cs, "region"); v != "" {
		l.region = value{v: v, src: src, where: a.config.where(sec, "region")}
	}
	if v := nested(cs, "s3")["addressing_style"]; v != "" {
		l.addressing = value{v: v, src: src, where: a.config.where(sec, "s3", "addressing_style")}
	}
	if v := get(cs, "ca_bundle"); v != "" {
		l.caBundle = value{v: r.ps.expand(v), src: src, where: a.config.where(sec, "ca_bundle")}
	}
	l.creds = func() (Credentials, bool, error) {
		c, renew, ok, err := r.profileCredsFull(context.Background(), a, profile, nil)
		l.renew = renew
		return c, ok, err
	}
	return l, nil
}

// profileCreds finds the credentials of profile as the AWS CLI does:
// the credentials file, then credential_process, then keys in the config
// file, then source_profile. seen guards against source_profile loops.
func (r *resolver) profileCreds(a *awsFiles, profile string, seen []string) (Credentials, bool, error) {
	return r.profileCredsCtx(context.Background(), a, profile, seen)
}

func (r *resolver) profileCredsCtx(ctx context.Context, a *awsFiles, profile string, seen []string) (Credentials, bool, error) {
	c, _, ok, err := r.profileCredsFull(ctx, a, profile, seen)
	return c, ok, err
}

// profileCredsFull is profileCreds that also returns, for temporary
// credentials it can fetch again by itself, the function that does.
func (r *resolver) profileCredsFull(ctx context.Context, a *awsFiles, profile string, seen []string) (Credentials, func(context.Context) (Credentials, error), bool, error) {
	cs := a.configProfile(profile)
	if file := get(cs, "web_identity_token_file"); file != "" {
		sec := a.profileSection(profile)
		role := get(cs, "role_arn")
		if role == "" {
			return Credentials{}, nil, false, fmt.Errorf("%s: profile %s has web_identity_token_file but no role_arn: add the role to assume",
				a.config.where(sec, "web_identity_token_file"), profile)
		}
		endpoint, _ := r.stsFor(a, profile)
		client := credClient(r.credTimeout(), r.credTimeout())
		fetch := func(ctx context.Context) (Credentials, error) {
			c, err := r.assumeWebIdentity(ctx, client, r.ps.expand(file), role, get(cs, "role_session_name"), endpoint, a.config.where(sec, "web_identity_token_file"))
			c.Source = "web identity " + role + " of " + a.config.shown + " [" + sec + "]"
			return c, err
		}
		c, err := fetch(ctx)
		if err != nil {
			return Credentials{}, nil, false, err
		}
		return c, fetch, true, nil
	}
	if get(cs, "role_arn") != "" {
		c, renew, err := r.roleCredsOf(ctx, a, profile, seen)
		if err != nil {
			return Credentials{}, nil, false, err
		}
		return c, renew, true, nil
	}
	sp, ok, err := r.ssoOf(a, profile)
	if err != nil {
		return Credentials{}, nil, false, err
	}
	if ok {
		client := credClient(r.credTimeout(), r.credTimeout())
		source := "SSO of " + a.config.shown + " [" + a.profileSection(profile) + "], role " + sp.roleName + " in account " + sp.account
		fetch := func(ctx context.Context) (Credentials, error) { return r.ssoCreds(ctx, client, sp, profile, source) }
		c, err := fetch(ctx)
		if err != nil {
			return Credentials{}, nil, false, err
		}
		return c, fetch, true, nil
	}
	if get(cs, "login_session") != "" {
		c, err := r.exportCredentials(a, profile)
		return c, nil, err == nil, err
	}
	c, ok, err := r.profileKeys(a, profile, seen)
	return c, nil, ok, err
}

// profileKeys finds the credentials of a profile without role_arn.
func (r *resolver) profileKeys(a *awsFiles, profile string, seen []string) (Credentials, bool, error) {
	sec := a.profileSection(profile)
	cs, ks := a.configProfile(profile), a.credsProfile(profile)
	if c, ok, err := staticKeys(a.creds, ks, profile); ok || err != nil {
		return c, ok, err
	}
	if cmd := get(cs, "credential_process"); cmd != "" {
		c, err := r.runProcess(cmd, profile, a.config.where(sec, "credential_process"))
		if err != nil {
			return Credentials{}, false, err
		}
		c.Source = "credential_process of " + a.config.shown + " [" + sec + "]"
		return c, true, nil
	}
	if c, ok, err := staticKeys(a.config, cs, sec); ok || err != nil {
		return c, ok, err
	}
	if src := get(cs, "source_profile"); src != "" {
		where := a.config.where(sec, "source_profile")
		if slices.Contains(seen, src) || src == profile {
			return Credentials{}, false, fmt.Errorf("%s = %s: profiles refer to each other in a loop (%s → %s): point source_profile at a profile with keys",
				where, src, strings.Join(append(seen, profile), " → "), src)
		}
		if !a.has(src) {
			return Credentials{}, false, a.unknownProfile(src, where)
		}
		c, ok, err := r.profileCreds(a, src, append(seen, profile))
		if err == nil && !ok {
			err = fmt.Errorf("%s = %s: profile %s has no credentials either: add aws_access_key_id and aws_secret_access_key to [%s] in %s",
				where, src, src, src, a.creds.shown)
		}
		return c, ok, err
	}
	return Credentials{}, false, nil
}

// staticKeys reads aws_access_key_id, aws_secret_access_key and
// aws_session_token from section name of f.
func staticKeys(f *iniFile, sec *ini.Section, name string) (Credentials, bool, error) {
	id, secret := get(sec, "aws_access_key_id"), get(sec, "aws_secret_access_key")
	switch {
	case id == "" && secret == "":
		return Credentials{}, false, nil
	case id == "":
		return Credentials{}, false, fmt.Errorf("%s has aws_secret_access_key but no aws_access_key_id: add the key id",
			at(f.shown, f.line(name, "aws_secret_access_key"))+": ["+name+"]")
	case secret == "":
		return Credentials{}, false, fmt.Errorf("%s has aws_access_key_id but no aws_secret_access_key: add the secret key",
			at(f.shown, f.line(name, "aws_access_key_id"))+": ["+name+"]")
	}
	return Credentials{
		AccessKeyID:     id,
		SecretAccessKey: secret,
		SessionToken:    get(sec, "aws_session_token"),
		Source:          f.shown + " [" + name + "]",
	}, true, nil
}

// exportCredentials reads a profile s3share cannot read by itself through
// the AWS CLI: aws configure export-credentials --format process.
func (r *resolver) exportCredentials(a *awsFiles, profile string) (Credentials, error) {
	sec := a.profileSection(profile)
	if _, err := exec.LookPath("aws"); err != nil {
		return Credentials{}, fmt.Errorf("%s: profile %s uses login_session, which s3share reads through the AWS CLI: install it (aws on PATH), or export credentials and run again",
			a.config.where(sec, "login_session"), profile)
	}
	cmd := "aws configure export-credentials --profile '" + strings.ReplaceAll(profile, "'", `'\''`) + "' --format process"
	c, err := r.runProcess(cmd, profile, a.config.where(sec, "login_session")+" (through aws configure export-credentials)")
	if err != nil {
		return Credentials{}, err
	}
	c.Source = "aws configure export-credentials --profile " + profile
	return c, nil
}
