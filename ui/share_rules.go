package ui

import (
	"fmt"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/presign"
)

// ruleLines say, before signing, which [[ui.rules]] set the links of a
// batch or a prefix: a batch counts the objects each rule takes.
func (p *sharePanel) ruleLines(w int) []string {
	rules := p.s.prefs.Rules
	if len(rules) == 0 || p.methodNow() != presign.GET || !(p.kind == kindPrefix || p.kind == kindBatch && len(p.targets) > 1) {
		return nil
	}
	count := map[string]int{}
	if p.kind == kindBatch {
		for _, t := range p.targets {
			if r, ok := config.MatchRule(rules, t.Key); ok {
				count[r.Match]++
			}
		}
	}
	var out []string
	for _, r := range rules {
		line := "rule " + r.String()
		if p.kind == kindBatch {
			if count[r.Match] == 0 {
				continue
			}
			line += fmt.Sprintf(": %d of %d objects", count[r.Match], len(p.targets))
		} else {
			line += ": the keys it matches"
		}
		out = append(out, p.st.Warn.Render(cut(safe(line), w)))
	}
	return out
}

// ruleResultLine says, over a batch's links, how many a rule set.
func (p *sharePanel) ruleResultLine(w int) []string {
	n := 0
	for _, r := range p.results {
		if r.Options["rule"] != "" {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return []string{p.st.Warn.Render(cut(fmt.Sprintf("rules set the expiry and disposition of %d of %d links (the expiry above is the first link's)", n, len(p.results)), w))}
}
