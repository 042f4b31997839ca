package config

import (
	"fmt"
	"strings"
	"time"
)

// settleSignWith resolves the sign_with of the selected store: the
// credentials of the profile, alias or store it names, found as if that
// one had been picked on the command line. Only its own credentials
// count: the environment's or the AWS chain's would not be the identity
// asked for. A store named by sign_with does not bring its own sign_with.
func (r *resolver) settleSignWith(c *Config, sel selected, env Env) error {
	if sel.choice.Kind != KindStore || r.nested {
		return nil
	}
	name := sel.choice.Name
	sw := r.file.cfg.Stores[name].SignWith
	if sw == "" {
		return nil
	}
	where := r.file.where(name, "sign_with")
	kind, id, ok := strings.Cut(sw, ":")
	f := Flags{ConfigFile: r.f.ConfigFile, Timeout: r.f.Timeout, MFACode: r.f.MFACode}
	switch {
	case !ok || id == "":
		return fmt.Errorf("%s = %q: write profile:NAME, alias:NAME or store:NAME", where, sw)
	case kind == "profile":
		f.Profile = id
	case kind == "alias":
		f.Alias = id
	case kind == "store":
		if id == name {
			return fmt.Errorf("%s = %q: a store cannot sign with itself: name another profile, alias or store", where, sw)
		}
		f.Store = id
	default:
		return fmt.Errorf("%s = %q: %q is not profile, alias or store", where, sw, kind)
	}
	nr := newResolver(f, env)
	nr.nested = true
	sc, err := nr.load()
	if err != nil {
		return fmt.Errorf("%s = %q: %v", where, sw, err)
	}
	used := ""
	for _, st := range sc.Chain {
		if st.Outcome == "used" {
			used = st.Name
		}
	}
	own := strings.HasPrefix(used, "profile ") || strings.HasPrefix(used, "alias ") || strings.HasPrefix(used, "store ")
	if sc.Store.Creds.Anonymous() || !own {
		return fmt.Errorf("%s = %q: %s %s has no credentials of its own to sign with", where, sw, kind, id)
	}
	c.Store.SignWith = &SignWith{Name: sw, Creds: sc.Store.Creds, Renew: sc.Store.Renew}
	v := sw + ", access key id " + sc.Store.Creds.MaskedKeyID()
	if !sc.Store.Creds.Expires.IsZero() {
		v += ", expires " + sc.Store.Creds.Expires.UTC().Format(time.RFC3339)
	}
	c.Settings = append(c.Settings, Setting{"sign with", v, where + " (credentials from " + sc.Store.Creds.Source + ")"})
	for _, w := range sc.Warnings {
		r.warn("sign_with " + sw + ": " + w)
	}
	return nil
}
