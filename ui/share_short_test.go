package ui

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/credtest"
	"github.com/s3share/s3share/internal/demo"
	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/s3model"
)

// Credentials of the tests below: temporary ones that end 10 minutes
// after goldenTime, and a long-lived key to sign with.
var (
	tenMinuteCreds = config.Credentials{AccessKeyID: "ASIATEMPKEY0001", SecretAccessKey: "TEMPsecretKEYvalue000000000000000000000025",
		SessionToken: "TEMPsessionTOKENvalue00000000000000000026", Expires: goldenTime.Add(10 * time.Minute), Source: "EC2 instance metadata, role share-role"}
	shareBotCreds = config.Credentials{AccessKeyID: "AKIASHAREBOT0001", SecretAccessKey: "BOTsecretKEYvalue0000000000000000000000024",
		Source: "~/.aws/credentials [share-bot]"}
)

// tempShare opens the share panel on targets of a store that is never
// contacted, signing with creds (and sign_with, when not nil), at
// goldenTime. It returns the model, the clipboard and the ledger's path.
func tempShare(t *testing.T, w, h int, creds config.Credentials, sw *config.SignWith, targets ...ShareTarget) (tea.Model, *recordingClipboard, string) {
	t.Helper()
	return shareAt(t, w, h, "http://127.0.0.1:9", func() time.Time { return goldenTime }, creds, sw, targets...)
}

// shareAt is tempShare for the store at endpoint and the clock now.
func shareAt(t *testing.T, w, h int, endpoint string, now func() time.Time, creds config.Credentials, sw *config.SignWith,
	targets ...ShareTarget) (tea.Model, *recordingClipboard, string) {
	t.Helper()
	u, _ := url.Parse(endpoint)
	c, err := s3model.New(config.Store{Name: "work", Endpoint: u, Region: "us-east-1", RegionFromUser: true,
		Addressing: config.AddressingPath, Creds: creds, SignWith: sw})
	if err != nil {
		t.Fatal(err)
	}
	cb := nativeOK()
	opts := Options{Client: c, Start: Location{Bucket: targets[0].Bucket}, Keys: keymap.Default(), Clipboard: cb,
		LedgerPath: filepath.Join(t.TempDir(), "shares.jsonl"), Now: now}
	var m tea.Model = New(opts)
	m, _ = m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m, _ = m.Update(pageMsg{reqID: 1, loc: opts.Start, page: s3model.Page{Done: true}})
	m = drain(t, m, shareCmd(m, targets...))
	sharePanelOf(t, m)
	return m, cb, opts.LedgerPath
}

// TestShareCutShortOffersChoices signs a 1h link with credentials that
// end in 10 minutes: the panel holds the link and offers to shorten it,
// keep it, or go back; nothing is copied or recorded before the choice.
func TestShareCutShortOffersChoices(t *testing.T) {
	const ends = "2026-11-27 14:15 UTC"
	ask := func(t *testing.T) (tea.Model, *recordingClipboard, string) {
		m, cb, ledgerPath := tempShare(t, 100, 30, tenMinuteCreds, nil, photo)
		m = press(t, m, "enter") // the default expiry, 1h
		v := squeeze(flat(m.View()))
		for _, want := range []string{"this link would stop working at " + ends + ", 50m before the expiry asked for",
			"the temporary credentials that sign this link (access key id ***********0001) expire then",
			"s  shorten the expiry to 10m and sign again", "k  keep this link as signed: until 14:15 UTC (in 10m)",
			"n  back to the form", `give the store a sign_with = "profile:NAME"`} {
			if !strings.Contains(v, squeeze(want)) {
				t.Errorf("the question lacks %q:\n%s", want, m.View())
			}
		}
		if len(cb.all()) != 0 || len(ledgerRecords(t, ledgerPath)) != 0 {
			t.Errorf("copied %q or recorded before the choice", cb.all())
		}
		credtest.Output(t, "the share panel", m.View())
		return m, cb, ledgerPath
	}

	t.Run("shorten", func(t *testing.T) {
		m, cb, ledgerPath := ask(t)
		m = press(t, m, "s")
		v := flat(m.View())
		if !strings.Contains(v, "expires "+ends+" (in 10m) · signed by ***********0001") || strings.Contains(v, "stops working") {
			t.Errorf("the shortened link's result:\n%s", m.View())
		}
		if link := cb.last(t); !strings.Contains(link, "X-Amz-Expires=600&") {
			t.Errorf("copied %s, want a 10-minute link", link)
		}
		recs := ledgerRecords(t, ledgerPath)
		if len(recs) != 1 || !recs[0].ExpiresAt.Equal(goldenTime.Add(10*time.Minute)) || !recs[0].EffectiveExpiresAt.Equal(recs[0].ExpiresAt) {
			t.Errorf("ledger: %+v", recs)
		}
		if c := sharePanelOf(t, m).expiry.choice(); !c.custom || c.text != "10m" {
			t.Errorf("the expiry picker holds %+v, want the custom 10m", c)
		}
	})
	t.Run("keep", func(t *testing.T) {
		m, cb, ledgerPath := ask(t)
		m = press(t, m, "k")
		v := flat(m.View())
		if !strings.Contains(v, "expires "+ends+" (in 10m) · signed by ***********0001") || !strings.Contains(v, "the link stops working at 2026-11-27T14:15:00Z, 50m before") {
			t.Errorf("the kept link's result:\n%s", m.View())
		}
		if link := cb.last(t); !strings.Contains(link, "X-Amz-Expires=3600&") {
			t.Errorf("copied %s, want the 1h link as signed", link)
		}
		recs := ledgerRecords(t, ledgerPath)
		if len(recs) != 1 || !recs[0].ExpiresAt.Equal(goldenTime.Add(time.Hour)) || !recs[0].EffectiveExpiresAt.Equal(goldenTime.Add(10*time.Minute)) ||
			recs[0].Identity != tenMinuteCreds.AccessKeyID {
			t.Errorf("ledger: %+v", recs)
		}
	})
	t.Run("back", func(t *testing.T) {
		m, cb, ledgerPath := ask(t)
		m = press(t, m, "esc")
		p := sharePanelOf(t, m)
		if p.stage != stageForm || !strings.Contains(m.View(), "not made: nothing was recorded or copied") {
			t.Errorf("esc: stage %d\n%s", p.stage, m.View())
		}
		if len(cb.all()) != 0 || len(ledgerRecords(t, ledgerPath)) != 0 {
			t.Errorf("copied %q or recorded after esc", cb.all())
		}
	})
	t.Run("an expiry the credentials outlive", func(t *testing.T) {
		m, cb, ledgerPath := tempShare(t, 100, 30, tenMinuteCreds, nil, photo)
		m = press(t, m, "down", "5") // custom…
		m = typeText(t, m, "5m")
		m = press(t, m, "enter")
		if v := flat(m.View()); !strings.Contains(v, "expires 2026-11-27 14:10 UTC (in 5m)") || len(cb.all()) != 1 || len(ledgerRecords(t, ledgerPath)) != 1 {
			t.Errorf("a 5m link signed with 10m credentials:\n%s", m.View())
		}
	})
}

// TestShareSignWithLivesItsFullLength signs a link for the demo endpoint
// with credentials that end in 10 minutes, then through a sign_with with
// a long-lived key: no question, the full hour, the result names the
// identity, and the endpoint accepts the link.
func TestShareSignWithLivesItsFullLength(t *testing.T) {
	srv, err := demo.Start(demo.Options{AccessKey: tenMinuteCreds.AccessKeyID, SecretKey: tenMinuteCreds.SecretAccessKey,
		SessionToken: tenMinuteCreds.SessionToken, ExtraKeys: map[string]string{shareBotCreds.AccessKeyID: shareBotCreds.SecretAccessKey}, NoSeed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	srv.PutObject("media", photo.Key, []byte("the beach"), "image/png", nil)
	creds := tenMinuteCreds
	creds.Expires = time.Now().Add(10 * time.Minute)
	m, cb, ledgerPath := shareAt(t, 100, 30, srv.URL, time.Now, creds, &config.SignWith{Name: "profile:share-bot", Creds: shareBotCreds}, photo)
	m = press(t, m, "enter")
	v := flat(m.View())
	if !strings.Contains(v, " · signed by profile:share-bot (************0001)") || strings.Contains(v, "stops working") {
		t.Errorf("the result:\n%s", m.View())
	}
	link := cb.last(t)
	if !strings.Contains(link, "X-Amz-Credential=AKIASHAREBOT0001") || strings.Contains(link, "X-Amz-Security-Token") {
		t.Errorf("copied %s, want a link signed by the share bot", link)
	}
	if code, body, _ := httpGet(t, link); code != 200 || body != "the beach" {
		t.Errorf("GET of the link: %d %q", code, body)
	}
	recs := ledgerRecords(t, ledgerPath)
	if len(recs) != 1 || recs[0].Identity != "AKIASHAREBOT0001" || recs[0].SignedWith != "profile:share-bot" ||
		recs[0].EffectiveExpiresAt.Before(time.Now().Add(59*time.Minute)) {
		t.Errorf("ledger: %+v", recs)
	}
	credtest.Output(t, "the share panel", m.View())
}

// squeeze drops the spaces of s, so that text wrapped over lines
// compares with its unwrapped form.
func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }

func TestGoldenShareCutShort(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) {
		m, _, _ := tempShare(t, w, h, tenMinuteCreds, nil, photo)
		m = press(t, m, "enter")
		requireGolden(t, m, w, h)
	})
}
