package ui

// The share result's link check: once GET links are made, the first ones
// are fetched (one byte each, off the update loop, linkcheck) while the
// copy goes ahead, and the panel shows beside them whether they work and,
// if not, why. x checks them again; Q shows a link as a QR code.

import (
	"context"
	"fmt"
	"slices"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/internal/linkcheck"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/s3model"
)

// maxUIChecks is the most links of one share the panel checks; a bigger
// batch is checked from the command line (s3share shares --check).
const maxUIChecks = 20

// uiCheckWorkers is how many links the panel checks at once.
const uiCheckWorkers = 4

// linkChecks is the state of the result's check.
type linkChecks struct {
	gen     int                // numbers each round, so a late answer is dropped
	running bool               // a round is under way
	reports []linkcheck.Report // of the first results; nil before the first round ends
	cancel  context.CancelFunc // stops the round under way (the panel closes)
	skipped string             // why the links are not checked at all
}

// startChecks checks the first links off the update loop: GET links
// when they are made, upload links too when asked (x; linkcheck checks
// them without writing). Nothing for a store that is not a real one (the
// tests' in-memory store).
func (p *sharePanel) startChecks(asked bool) tea.Cmd {
	c, ok := p.s.client.(*s3model.Client)
	if !ok || c == nil || len(p.results) == 0 || p.results[0].Method != presign.GET && !asked {
		return nil
	}
	if p.results[0].Share != "" {
		// A visit to a gateway link is what its download limit counts:
		// fetching it would spend a download the recipient was meant to
		// have, and its answer is the gateway's redirect, not the store's.
		p.checks.skipped = "not checked: a visit to a gateway link counts as one of its downloads"
		return nil
	}
	if p.checks.cancel != nil {
		p.checks.cancel() // the round before, if it still runs
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.checks.gen++
	p.checks.running, p.checks.cancel = true, cancel
	id, gen, st := p.id, p.checks.gen, c.Store()
	links := slices.Clone(p.results[:min(len(p.results), maxUIChecks)])
	return func() tea.Msg {
		checker, err := linkcheck.New(st, c)
		if err != nil {
			return linksCheckedMsg{id: id, gen: gen, err: err}
		}
		return linksCheckedMsg{id: id, gen: gen, reports: checker.CheckAll(ctx, links, uiCheckWorkers)}
	}
}

// linksChecked takes a round's reports.
func (p *sharePanel) linksChecked(msg linksCheckedMsg) {
	if msg.gen != p.checks.gen {
		return
	}
	if p.checks.cancel != nil {
		p.checks.cancel() // the round is over: release its context
	}
	p.checks.running, p.checks.cancel = false, nil
	p.checks.reports = msg.reports
	if msg.err != nil {
		p.checks.reports = []linkcheck.Report{{Size: -1, Cause: linkcheck.Other, Why: "cannot check: " + safe(oneLine(msg.err.Error()))}}
	}
}

// checkLines are the header's lines about the check: "checking…", the
// one link's ✓ or ✗, or a batch's count and its first failure.
func (p *sharePanel) checkLines(w int) []string {
	c := p.checks
	switch {
	case c.skipped != "":
		return []string{p.st.Dim.Render(cut(c.skipped, w))}
	case c.gen == 0:
		return nil
	case c.running:
		return []string{p.st.Dim.Render(cut("checking the link…", w))}
	case len(p.results) == 1 || len(c.reports) == 1:
		r := c.reports[0]
		if r.OK {
			return wrapStyled(p.st.Status, r.Line(), w, 2)
		}
		return wrapStyled(p.st.Error, r.Line(), w, 3)
	}
	bad := -1
	n := 0
	for i, r := range c.reports {
		if r.OK {
			n++
		} else if bad < 0 {
			bad = i
		}
	}
	line := fmt.Sprintf("checked %d of %d: %d work", len(c.reports), len(p.results), n)
	if bad < 0 {
		return []string{p.st.Status.Render(cut("✓ "+line, w))}
	}
	out := []string{p.st.Error.Render(cut(fmt.Sprintf("✗ %s, %d fail", line, len(c.reports)-n), w))}
	return append(out, wrapStyled(p.st.Error, safe(p.results[bad].Key)+": "+c.reports[bad].Why, w, 2)...)
}

// checkMark is a batch link's mark, "✓ " or "✗ ", once it is checked.
func (p *sharePanel) checkMark(i int) string {
	if p.checks.running || i >= len(p.checks.reports) {
		return ""
	}
	if p.checks.reports[i].OK {
		return p.st.Status.Render("✓ ")
	}
	return p.st.Error.Render("✗ ")
}

// showQR opens the QR code of the link on screen: the one link, or in a
// batch the one at the top of the list.
func (p *sharePanel) showQR() tea.Cmd {
	if len(p.results) == 0 {
		return nil
	}
	r := p.results[0]
	if p.starts != nil {
		i, _ := slices.BinarySearch(p.starts, p.offset+1)
		r = p.results[max(0, i-1)]
	}
	if r.Method == presign.POST {
		return status("a POST upload needs its form fields as well as the URL: a QR code cannot carry them", true)
	}
	return openQR(p.s, r.URL, string(r.Method)+" "+safe("s3://"+r.Bucket+"/"+r.Key))
}
