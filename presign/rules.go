package presign

import "github.com/s3share/s3share/config"

// rulesApply reports whether the plan's rules ([[ui.rules]]) set the
// links of a share of targets: GET links of a batch (more than one
// target) or of a recursive share. A single object's link keeps what
// was asked for it.
func (p Plan) rulesApply(targets []Target) bool {
	return len(p.Rules) > 0 && p.Method() == GET && (p.Recursive || len(targets) > 1)
}

// applyRule gives req the expiry and disposition of the first rule that
// matches its key, and returns the link's own options for the ledger
// ("rule", and "expires" and "disposition" where the rule set them);
// nil when no rule matches.
func (p Plan) applyRule(req *Request) (map[string]string, error) {
	r, ok := config.MatchRule(p.Rules, req.Key)
	if !ok {
		return nil, nil
	}
	o := map[string]string{"rule": r.Match}
	if r.Expiry > 0 {
		req.Expires = In(r.Expiry)
		o["expires"] = req.Expires.String()
	}
	if r.Disposition != "" {
		d, err := ContentDisposition(r.Disposition, req.Key)
		if err != nil {
			return nil, err
		}
		req.ResponseContentDisposition = d
		o["disposition"] = r.Disposition
	}
	return o, nil
}
