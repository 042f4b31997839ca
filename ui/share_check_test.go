package ui

import (
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/s3share/s3share/internal/qrtest"
	"github.com/s3share/s3share/internal/s3test"
)

func TestShareResultChecksTheLink(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "docs/a.txt", []byte("hello, world"), "text/plain")
	srv.Put(t, bucket, "docs/b.txt", []byte("b"), "text/plain")
	m, _ := startShare(t, testClient(t, srv), Location{Bucket: bucket, Prefix: "docs/"}, 100, 30, Options{})
	m = press(t, m, "s") // the share form of docs/a.txt

	// The links arrive: the copy and the check start together, and the
	// panel says it is checking before either answers.
	p := sharePanelOf(t, m)
	m, cmd := m.Update(keyMsg("enter"))
	signed := runCmd(cmd)
	m, cmd = m.Update(signed)
	if v := flat(m.View()); !strings.Contains(v, "checking the link…") || !strings.Contains(v, "copying…") {
		t.Fatalf("while the check runs, the panel does not say so:\n%s", m.View())
	}
	m = drain(t, m, cmd)
	v := flat(m.View())
	if !strings.Contains(v, "✓ 206 · 12 B · text/plain") || !strings.Contains(v, "link copied") {
		t.Fatalf("the checked link shows no ✓ with size and type:\n%s", m.View())
	}
	if p.checks.reports[0].Disposition == "" {
		t.Errorf("no disposition reported: %+v", p.checks.reports[0])
	}

	// The object goes away: x checks again and names the cause.
	if err := srv.Client.RemoveObject(t.Context(), bucket, "docs/a.txt", minio.RemoveObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	m = press(t, m, "x")
	if v := flat(m.View()); !strings.Contains(v, "✗ no such key") {
		t.Fatalf("x after the object went: no cause shown:\n%s", m.View())
	}

	// Q shows the link as a QR code that scans back to the link.
	m = press(t, m, "Q")
	if _, ok := topPanel(m).(*qrPanel); !ok {
		t.Fatalf("Q opens no QR code:\n%s", m.View())
	}
	qp := topPanel(m).(*qrPanel)
	qp.SetSize(qp.code.Width, qp.code.Height+1)
	got, err := qrtest.Decode(qp.View())
	if err != nil || got != p.results[0].URL {
		t.Fatalf("the QR code decodes to %q, %v; want the link %q", got, err, p.results[0].URL)
	}
	m = press(t, m, "esc")
	if _, ok := topPanel(m).(*sharePanel); !ok {
		t.Fatalf("esc does not return from the QR code to the result")
	}

	// Q in the ledger shows the recorded link's code.
	m = press(t, m, "esc", "H")
	if _, ok := topPanel(m).(*ledgerPanel); !ok {
		t.Fatalf("H opens no ledger:\n%s", m.View())
	}
	m = press(t, m, "Q")
	qp, ok := topPanel(m).(*qrPanel)
	if !ok {
		t.Fatalf("Q in the ledger opens no QR code:\n%s", m.View())
	}
	qp.SetSize(qp.code.Width, qp.code.Height+1)
	if got, err := qrtest.Decode(qp.View()); err != nil || got != p.results[0].URL {
		t.Fatalf("the ledger's QR code decodes to %q, %v", got, err)
	}
}

func TestQRPanelSizes(t *testing.T) {
	for _, n := range []int{600, 1500} {
		link := "https://s3.example.com/b/k?X-Amz-Security-Token=" + strings.Repeat("Ab0%2F", n/5)
		link = link[:n]
		s := newSession(Options{})
		cmd := openQR(s, link, "GET s3://b/k")
		p := runCmd(cmd).(pushPanelMsg).panel.(*qrPanel)
		// Too small: the size it needs.
		p.SetSize(80, 22)
		v := p.View()
		if !strings.Contains(v, "need ") {
			t.Errorf("%d characters at 80×22: %q", n, v)
		}
		checkFits(t, v, 80, 22)
		// At the size it needs, it decodes to the exact link.
		p.SetSize(p.code.Width, p.code.Height+1)
		got, err := qrtest.Decode(p.View())
		if err != nil || got != link {
			t.Errorf("%d characters: decoded %q, %v", n, got, err)
		}
	}
}
