package config

import (
	"errors"
	"strings"
)

// Kind says what a Choice names.
type Kind string

// Kinds of Choice.
const (
	KindStore   Kind = "store"   // a [stores.NAME] table of s3share's config file
	KindProfile Kind = "profile" // an AWS profile
	KindAlias   Kind = "alias"   // an mc alias
)

// Choice is one store a user can switch to.
type Choice struct {
	Kind Kind
	Name string
	// Endpoint is the endpoint the choice itself names; "" for the AWS
	// default or when it names none (the environment may still set one).
	Endpoint string
	// Source is the file that defines it, shown with "~".
	Source string
}

// String gives "profile prod", "alias local" or "store r2".
func (c Choice) String() string {
	if c.Kind == "" {
		return c.Name
	}
	return string(c.Kind) + " " + c.Name
}

// Select returns f changed to connect to c, as `--store`, `--profile` or
// `--alias` would: the other selection flags and the flags that describe
// a single store (--endpoint, --region, --addressing) are dropped; the
// TLS flags and --config stay. Load(f.Select(c), env) resolves c.
func (f Flags) Select(c Choice) Flags {
	f.Store, f.Profile, f.Alias = "", "", ""
	f.Endpoint, f.Region, f.Addressing = "", "", ""
	switch c.Kind {
	case KindStore:
		f.Store = c.Name
	case KindProfile:
		f.Profile = c.Name
	case KindAlias:
		f.Alias = c.Name
	}
	return f
}

// ListStores lists what a store picker offers: the stores of s3share's
// config file, then the AWS profiles, then the mc aliases, each group in
// name order. A file that cannot be read gives an error, but the choices
// of the other files are still returned.
func ListStores(f Flags, env Env) ([]Choice, error) {
	ps := newPaths(env)
	var out []Choice
	var errs []error
	if t, err := loadTOML(ps, f, env); err != nil {
		errs = append(errs, err)
	} else {
		for _, name := range t.storeNames() {
			st := t.cfg.Stores[name]
			out = append(out, Choice{Kind: KindStore, Name: name, Endpoint: string(st.Endpoint), Source: t.shown})
		}
	}
	if a, err := loadAWS(ps, env); err != nil {
		errs = append(errs, err)
	} else {
		for _, name := range a.profiles() {
			c := Choice{Kind: KindProfile, Name: name, Source: a.creds.shown}
			if cs := a.configProfile(name); cs != nil {
				c.Source = a.config.shown
				c.Endpoint = get(cs, "endpoint_url")
				if svc := get(cs, "services"); svc != "" {
					if v := nested(a.config.section("services "+svc), "s3")["endpoint_url"]; v != "" {
						c.Endpoint = v
					}
				}
			}
			out = append(out, c)
		}
	}
	if m, err := loadMC(ps, env); err != nil {
		errs = append(errs, err)
	} else {
		for _, name := range m.names() {
			out = append(out, Choice{Kind: KindAlias, Name: name, Endpoint: strings.TrimRight(m.aliases[name].URL, "/"), Source: m.shown})
		}
	}
	return out, errors.Join(errs...)
}
