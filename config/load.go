package config

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/minio/minio-go/v7/pkg/s3utils"
)

// value is one setting as one source gives it.
type value struct {
	v     string
	src   string // shown as the setting's source: "~/.aws/config [profile prod]"
	where string // prefix for errors: "~/.aws/config:12: [profile prod] endpoint_url"
}

// layer is what one source says about the store.
type layer struct {
	name                              string
	endpoint, region, addressing      value
	insecure, caBundle, publicBaseURL value
	timeout                           value
	listWorkers                       int // 0: not set
	creds                             func() (Credentials, bool, error)
	// renew, set by creds, fetches temporary credentials again; nil
	// when they cannot be (static keys, an MFA code good once).
	renew    func(context.Context) (Credentials, error)
	selected bool // picked on the command line
}

// resolver holds what Load has read so far.
type resolver struct {
	f   Flags
	env Env
	ps  paths
	now func() time.Time
	// nested is set when resolving a store's sign_with.
	nested bool
	// timeout bounds each request to a credential service; set before
	// the credentials are looked for.
	timeout time.Duration

	file *tomlFile

	awsFiles *awsFiles
	awsErr   error
	awsRead  bool
	mcFile   *mcFile
	mcErr    error
	mcRead   bool

	warnings []string
}

func newResolver(f Flags, env Env) *resolver {
	return &resolver{f: f, env: env, ps: newPaths(env), now: time.Now}
}

func (r *resolver) warn(s string) {
	for _, w := range r.warnings {
		if w == s {
			return
		}
	}
	r.warnings = append(r.warnings, s)
}

func (r *resolver) aws() (*awsFiles, error) {
	if !r.awsRead {
		r.awsRead = true
		r.awsFiles, r.awsErr = loadAWS(r.ps, r.env)
	}
	return r.awsFiles, r.awsErr
}

func (r *resolver) mc() (*mcFile, error) {
	if !r.mcRead {
		r.mcRead = true
		r.mcFile, r.mcErr = loadMC(r.ps, r.env)
	}
	return r.mcFile, r.mcErr
}

// Load resolves flags, environment and files into a Config. It reads only
// the files it needs: the AWS files when a profile is involved, the mc
// config when an alias is. A profile's credential_process runs only when
// its credentials are the ones used.
func Load(f Flags, env Env) (*Config, error) {
	return newResolver(f, env).load()
}

func (r *resolver) load() (*Config, error) {
	f, env := r.f, r.env
	file, err := loadTOML(r.ps, f, env)
	if err != nil {
		return nil, err
	}
	r.file = file

	sel, err := r.selection()
	if err != nil {
		return nil, err
	}
	layers, err := r.layers(sel)
	if err != nil {
		return nil, err
	}
	c := &Config{Selected: sel.choice}
	c.Store.Name = sel.choice.Name
	if c.Store.Name == "" {
		c.Store.Name = "default"
	}
	if sel.choice.Kind == KindStore {
		c.Store.Color = string(r.file.cfg.Stores[sel.choice.Name].Color)
		c.Store.Gateway = r.storeGateway(sel.choice.Name)
	}
	storeValue, storeSrc := "default", "default"
	if sel.choice.Kind != "" {
		storeValue, storeSrc = sel.choice.String(), sel.via
	}
	c.Settings = append(c.Settings, Setting{"store", storeValue, storeSrc})

	if err := r.settle(c, layers); err != nil {
		return nil, err
	}
	if err := r.settleCreds(c, layers, sel); err != nil {
		return nil, err
	}
	if err := r.settleSignWith(c, sel, env); err != nil {
		return nil, err
	}
	c.Prefs = r.file.prefs()
	c.Gateway = r.file.cfg.Gateway
	if r.env("NO_COLOR") != "" {
		c.Prefs.NoColor = true
	}
	c.Settings = append(c.Settings, prefSettings(c.Prefs, r.file.shown)...)
	r.fileReport(c)
	c.Warnings = r.warnings
	return c, nil
}

// selected is what chooses the store.
type selected struct {
	choice   Choice
	via      string // "--profile", "env AWS_PROFILE", "~/…/config.toml:1: default_store"
	explicit bool   // chosen on the command line
}

func (r *resolver) selection() (selected, error) {
	f := r.f
	var given []string
	for _, g := range []struct{ flag, v string }{{"--store", f.Store}, {"--profile", f.Profile}, {"--alias", f.Alias}} {
		if g.v != "" {
			given = append(given, g.flag)
		}
	}
	if len(given) > 1 {
		return selected{}, fmt.Errorf("%s each pick a store: give only one", strings.Join(given, " and "))
	}
	switch {
	case f.Store != "":
		return selected{Choice{Kind: KindStore, Name: f.Store}, "--store", true}, nil
	case f.Profile != "":
		return selected{Choice{Kind: KindProfile, Name: f.Profile}, "--profile", true}, nil
	case f.Alias != "":
		return selected{Choice{Kind: KindAlias, Name: f.Alias}, "--alias", true}, nil
	case r.env("AWS_PROFILE") != "":
		return selected{Choice{Kind: KindProfile, Name: r.env("AWS_PROFILE")}, "env AWS_PROFILE", false}, nil
	case r.env("AWS_DEFAULT_PROFILE") != "":
		return selected{Choice{Kind: KindProfile, Name: r.env("AWS_DEFAULT_PROFILE")}, "env AWS_DEFAULT_PROFILE", false}, nil
	case r.file.cfg.DefaultStore != "":
		return selected{Choice{Kind: KindStore, Name: r.file.cfg.DefaultStore},
			at(r.file.shown, r.file.keyLine("default_store")) + ": default_store", false}, nil
	}
	return selected{}, nil
}

// layers returns the sources in precedence order: flags, environment,
// profile, alias, store of the config file, defaults.
func (r *resolver) layers(sel selected) ([]*layer, error) {
	flags, env := r.flagLayer(), r.envLayer()
	var profile, alias, store *layer
	var err error
	switch sel.choice.Kind {
	case KindStore:
		if _, ok := r.file.cfg.Stores[sel.choice.Name]; !ok {
			return nil, fmt.Errorf("%s %s: %s", sel.via, sel.choice.Name, r.file.noStoreHint())
		}
		if store, err = r.storeLayer(sel.choice.Name); err != nil {
			return nil, err
		}
		st := r.file.cfg.Stores[sel.choice.Name]
		if st.Profile != "" {
			if profile, err = r.profileLayer(st.Profile, r.file.where(sel.choice.Name, "profile")); err != nil {
				return nil, err
			}
		}
		if st.Alias != "" {
			if alias, err = r.aliasLayer(st.Alias, r.file.where(sel.choice.Name, "alias")); err != nil {
				return nil, err
			}
		}
	case KindProfile:
		if profile, err = r.profileLayer(sel.choice.Name, sel.via); err != nil {
			return nil, err
		}
	case KindAlias:
		if alias, err = r.aliasLayer(sel.choice.Name, sel.via); err != nil {
			return nil, err
		}
	default:
		// Nothing selected: the AWS CLI's default profile, if there is one.
		a, err := r.aws()
		if err != nil {
			return nil, err
		}
		if a.has("default") {
			if profile, err = r.profileLayer("default", "default"); err != nil {
				return nil, err
			}
		}
	}
	out := []*layer{flags, env}
	for _, l := range []*layer{profile, alias, store} {
		if l != nil {
			l.selected = sel.explicit
			out = append(out, l)
		}
	}
	return out, nil
}

func (r *resolver) flagLayer() *layer {
	f := r.f
	l := &layer{name: "flags"}
	flag := func(v *value, name, s string) {
		if s != "" {
			*v = value{v: s, src: name, where: name}
		}
	}
	flag(&l.endpoint, "--endpoint", f.Endpoint)
	flag(&l.region, "--region", f.Region)
	flag(&l.addressing, "--addressing", f.Addressing)
	flag(&l.caBundle, "--ca-bundle", r.ps.expand(f.CABundle))
	flag(&l.timeout, "--timeout", f.Timeout)
	if f.Insecure {
		flag(&l.insecure, "--insecure", "true")
	}
	return l
}

func (r *resolver) envLayer() *layer {
	l := &layer{name: "environment"}
	first := func(v *value, names ...string) {
		for _, n := range names {
			if s := r.env(n); s != "" {
				*v = value{v: s, src: "env " + n, where: n}
				return
			}
		}
	}
	first(&l.endpoint, "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")
	first(&l.region, "AWS_REGION", "AWS_DEFAULT_REGION")
	first(&l.caBundle, "AWS_CA_BUNDLE")
	l.caBundle.v = r.ps.expand(l.caBundle.v)
	l.creds = func() (Credentials, bool, error) {
		id, secret := r.env("AWS_ACCESS_KEY_ID"), r.env("AWS_SECRET_ACCESS_KEY")
		switch {
		case id == "" && secret == "":
			return Credentials{}, false, nil
		case id == "":
			return Credentials{}, false, errors.New("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not: set both, or unset AWS_SECRET_ACCESS_KEY to use a profile")
		case secret == "":
			return Credentials{}, false, errors.New("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both, or unset AWS_ACCESS_KEY_ID to use a profile")
		}
		c := Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: r.env("AWS_SESSION_TOKEN"), Source: envCredsSource}
		if v := r.env("AWS_CREDENTIAL_EXPIRATION"); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return Credentials{}, false, fmt.Errorf("AWS_CREDENTIAL_EXPIRATION %q: not an RFC 3339 time such as 2026-01-02T15:04:05Z", v)
			}
			c.Expires = t
		}
		return c, true, nil
	}
	return l
}

// pick returns the first value a layer has.
func pick(layers []*layer, get func(*layer) value) value {
	for _, l := range layers {
		if v := get(l); v.v != "" {
			return v
		}
	}
	return value{}
}

// settle resolves every setting but the credentials.
func (r *resolver) settle(c *Config, layers []*layer) error {
	st := &c.Store
	add := func(name, v, src string) { c.Settings = append(c.Settings, Setting{name, v, src}) }

	ep := pick(layers, func(l *layer) value { return l.endpoint })
	if ep.v == "" {
		ep = value{v: DefaultEndpoint, src: "default", where: "default endpoint"}
	}
	u, err := ParseEndpoint(ep.v)
	if err != nil {
		return fmt.Errorf("%s: %v", ep.where, err)
	}
	r.warnOverride(layers, ep, "endpoint", func(l *layer) value { return l.endpoint })
	st.Endpoint = u
	add("endpoint", u.String(), ep.src)

	rg := pick(layers, func(l *layer) value { return l.region })
	r.warnOverride(layers, rg, "region", func(l *layer) value { return l.region })
	implied := s3utils.GetRegionFromURL(*u)
	switch {
	case rg.v != "":
		if strings.ContainsAny(rg.v, " \t/") {
			return fmt.Errorf("%s: region %q is not a region name such as us-east-1", rg.where, rg.v)
		}
		if implied != "" && rg.v != implied {
			return fmt.Errorf("%s: region %s does not match endpoint %s (from %s), which serves %s: drop the region setting or use the endpoint of %s",
				rg.where, rg.v, u, ep.src, implied, rg.v)
		}
		st.Region, st.RegionFromUser = rg.v, true
		add("region", rg.v, rg.src)
	case implied != "":
		st.Region, st.RegionFromUser = implied, true
		add("region", implied, "endpoint "+u.Host)
	default:
		st.Region = DefaultRegion
		how := "default"
		if st.IsAWS() {
			how = "default; each bucket's region is looked up once"
		}
		add("region", DefaultRegion, how)
	}

	ad := pick(layers, func(l *layer) value { return l.addressing })
	st.Addressing = AddressingAuto
	if ad.v != "" {
		a, err := ParseAddressing(ad.v)
		if err != nil {
			return fmt.Errorf("%s: %v", ad.where, err)
		}
		st.Addressing = a
		add("addressing", string(a), ad.src)
	} else {
		add("addressing", string(AddressingAuto), "default")
	}

	in := pick(layers, func(l *layer) value { return l.insecure })
	if in.v == "true" {
		st.Insecure = true
		add("insecure", "true (TLS certificates are not checked)", in.src)
		if st.Secure() {
			r.warn(fmt.Sprintf("TLS certificate verification is off (%s): anyone between you and %s can read and change the traffic", in.src, u.Host))
		} else {
			r.warn(fmt.Sprintf("%s has no effect: %s does not use TLS", in.src, u))
		}
	} else {
		src := "default"
		if in.v != "" {
			src = in.src
		}
		add("insecure", "false", src)
	}

	ca := pick(layers, func(l *layer) value { return l.caBundle })
	switch {
	case ca.v != "" && !st.Secure() && strings.HasPrefix(ca.src, "env "):
		// AWS_CA_BUNDLE is often set for every command, for other
		// endpoints: on a plain-http one it is not used, checked or
		// warned about. A bundle asked for by flag or file is.
		add("ca bundle", r.ps.show(ca.v)+" (not used: "+u.String()+" does not use TLS)", ca.src)
	case ca.v != "":
		if err := checkCABundle(ca.v); err != nil {
			return fmt.Errorf("%s: CA bundle %s: %v", ca.where, r.ps.show(ca.v), err)
		}
		st.CABundle = ca.v
		add("ca bundle", r.ps.show(ca.v), ca.src)
		if !st.Secure() {
			r.warn(fmt.Sprintf("the CA bundle (%s) is not used: %s does not use TLS", ca.src, u))
		}
	default:
		add("ca bundle", "none (system certificates)", "default")
	}

	to := pick(layers, func(l *layer) value { return l.timeout })
	st.Timeout = DefaultTimeout
	if to.v != "" {
		d, err := ParseTimeout(to.v)
		if err != nil {
			return fmt.Errorf("%s: %v", to.where, err)
		}
		st.Timeout = d
		add("timeout", d.String(), to.src)
	} else {
		add("timeout", DefaultTimeout.String(), "default")
	}

	for _, l := range layers {
		if l.listWorkers > 0 {
			st.ListWorkers = l.listWorkers
			add("list workers", fmt.Sprint(l.listWorkers), l.name)
			break
		}
	}

	pb := pick(layers, func(l *layer) value { return l.publicBaseURL })
	if pb.v != "" {
		if err := checkBaseURL(pb.v); err != nil {
			return fmt.Errorf("%s: %v", pb.where, err)
		}
		st.PublicBaseURL = pb.v
		add("public base url", pb.v, pb.src)
	}
	return nil
}

// warnOverride warns when the environment overrides a setting of the
// store picked on the command line: with AWS_ENDPOINT_URL left set,
// --alias minio would otherwise talk to another endpoint unnoticed.
func (r *resolver) warnOverride(layers []*layer, got value, name string, get func(*layer) value) {
	if !strings.HasPrefix(got.src, "env ") {
		return
	}
	for _, l := range layers {
		if v := get(l); l.selected && v.v != "" && v.v != got.v {
			r.warn(fmt.Sprintf("%s (%s) overrides the %s of %s (%s)", got.src, got.v, name, l.name, v.v))
			return
		}
	}
}

// checkCABundle reads a PEM file and checks that it holds a certificate.
func checkCABundle(p string) error {
	data, err := os.ReadFile(p)
	if err != nil {
		return errors.New(describeFSError(err))
	}
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return errors.New("no PEM certificate in it (want -----BEGIN CERTIFICATE----- blocks)")
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		if _, err := x509.ParseCertificate(b.Bytes); err != nil {
			return fmt.Errorf("a certificate in it cannot be read: %v", err)
		}
		return nil
	}
}

// settleCreds picks the credentials. Normally the environment's win over
// the files'; when the store was picked on the command line (--profile,
// --alias, --store), its own credentials win, as the AWS CLI does for
// --profile, and environment credentials are used only if it has none.
func (r *resolver) settleCreds(c *Config, layers []*layer, sel selected) error {
	order := layers
	if sel.explicit {
		order = nil
		for _, l := range layers {
			if l.selected {
				order = append(order, l)
			}
		}
		for _, l := range layers {
			if !l.selected {
				order = append(order, l)
			}
		}
	}
	creds, err := r.walkChain(c, order)
	if err != nil {
		return err
	}
	if sel.explicit && r.env("AWS_ACCESS_KEY_ID") != "" && creds.Source != "" && !strings.HasPrefix(creds.Source, "env ") {
		r.warn(fmt.Sprintf("AWS_ACCESS_KEY_ID is set but not used: %s %s has its own credentials (%s)", sel.via, sel.choice.Name, creds.Source))
	}
	add := func(name, v, src string) { c.Settings = append(c.Settings, Setting{name, v, src}) }
	if creds.Anonymous() {
		creds = Credentials{Source: "none"}
		c.Store.Creds = creds
		add("access key id", "none: no credentials found, requests are anonymous", "")
		return nil
	}
	c.Store.Creds = creds
	add("access key id", creds.MaskedKeyID(), creds.Source)
	add("secret access key", "set (hidden)", partSource(creds, "AWS_SECRET_ACCESS_KEY"))
	if creds.SessionToken != "" {
		add("session token", "set (hidden)", partSource(creds, "AWS_SESSION_TOKEN"))
	} else {
		add("session token", "none", partSource(creds, "AWS_SESSION_TOKEN"))
	}
	switch {
	case !creds.Expires.IsZero():
		v := creds.Expires.Format(time.RFC3339)
		if !creds.Expires.After(r.now()) {
			v += " (expired)"
			r.warn(fmt.Sprintf("the credentials from %s expired at %s: get fresh ones", creds.Source, creds.Expires.Format(time.RFC3339)))
		}
		add("credentials expire", v, partSource(creds, "AWS_CREDENTIAL_EXPIRATION"))
	case creds.SessionToken != "":
		add("credentials expire", "unknown (temporary credentials: links stop working when they expire)", partSource(creds, "AWS_CREDENTIAL_EXPIRATION"))
	}
	return nil
}

// envCredsSource is the Source of credentials from the environment.
const envCredsSource = "env AWS_ACCESS_KEY_ID"

// partSource says where one part of creds came from: in the environment
// each part has its own variable, envVar; a file gives them together.
func partSource(creds Credentials, envVar string) string {
	if creds.Source == envCredsSource {
		return "env " + envVar
	}
	return creds.Source
}

// prefSettings lists the preferences that are set.
func prefSettings(p Prefs, file string) []Setting {
	var out []Setting
	add := func(name, v string) { out = append(out, Setting{name, v, file}) }
	if p.DefaultExpiry > 0 {
		add("default expiry", formatExpiry(p.DefaultExpiry))
	}
	if len(p.ExpiryPresets) > 0 {
		var s []string
		for _, d := range p.ExpiryPresets {
			s = append(s, formatExpiry(d))
		}
		add("expiry presets", strings.Join(s, ", "))
	}
	if p.DefaultDisposition != "" {
		add("default disposition", p.DefaultDisposition)
	}
	if p.Theme != "" {
		add("theme", p.Theme)
	}
	if p.Clipboard != ClipboardAuto {
		add("clipboard", string(p.Clipboard))
	}
	if p.Hyperlinks != "" {
		add("hyperlinks", p.Hyperlinks)
	}
	if len(p.Keys) > 0 {
		add("key overrides", fmt.Sprintf("%d actions", len(p.Keys)))
	}
	if p.NoColor {
		out = append(out, Setting{"color", "off", "env NO_COLOR"})
	}
	return out
}

// fileReport lists the files Load looked at and warns about readable secrets.
func (r *resolver) fileReport(c *Config) {
	state := func(found bool) string {
		if found {
			return "read"
		}
		return "not found"
	}
	if r.awsFiles != nil {
		for _, f := range []*iniFile{r.awsFiles.config, r.awsFiles.creds} {
			c.Files = append(c.Files, File{f.what, f.shown, f.source, state(f.exists())})
			if f.holdsSecrets() {
				if w := r.ps.secretFileWarning(f.path); w != "" {
					r.warn(w)
				}
			}
		}
	} else {
		cfg, cfgSrc, cred, credSrc := awsPaths(r.ps, r.env)
		c.Files = append(c.Files, File{"AWS config", r.ps.show(cfg), cfgSrc, "not needed"},
			File{"AWS credentials", r.ps.show(cred), credSrc, "not needed"})
	}
	if r.mcFile != nil {
		c.Files = append(c.Files, File{"mc config", r.mcFile.shown, r.mcFile.source, state(r.mcFile.found)})
		if r.mcFile.holdsSecrets() {
			if w := r.ps.secretFileWarning(r.mcFile.path); w != "" {
				r.warn(w)
			}
		}
	} else {
		p, src := mcPath(r.ps, r.env)
		c.Files = append(c.Files, File{"mc config", r.ps.show(p), src, "not needed"})
	}
	t := r.file
	c.Files = append(c.Files, File{"s3share config", t.shown, t.source, state(t.data != nil)})
	if t.holdsSecrets() {
		if w := r.ps.secretFileWarning(t.path); w != "" {
			r.warn(w)
		}
	}
}
