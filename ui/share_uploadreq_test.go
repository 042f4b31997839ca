package ui

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/presign/gatewayapi"
	"github.com/s3share/s3share/presign/ledger"
	"github.com/s3share/s3share/s3model"
)

// dropFile sends one file through a drop link as its page does: ask for
// a ticket, send the bytes as told, say it is done.
func dropFile(t *testing.T, link, name, ctype, password string, body []byte) gatewayapi.ReceivedFile {
	t.Helper()
	got, err := gatewayapi.Drop(context.Background(), link, gatewayapi.FileRequest{Name: name, Size: int64(len(body)), Type: ctype, Password: password},
		bytes.NewReader(body), gatewayapi.SendOptions{HTTP: &http.Client{Timeout: 30 * time.Second}})
	if err != nil {
		t.Fatalf("drop %q: %v", name, err)
	}
	return got
}

// pollOnce runs the share panel's next look at its upload request, and
// not the timer it sets for the one after.
func pollOnce(t *testing.T, m tea.Model) tea.Model {
	t.Helper()
	p := sharePanelOf(t, m)
	m, cmd := m.Update(uploadPollTickMsg{id: p.id, gen: p.up.gen})
	if cmd == nil {
		t.Fatal("no look at the upload request")
	}
	m, _ = m.Update(cmd())
	return m
}

// hostileName is a file name an uploader may choose: control
// characters, a bidi override and 100 emoji.
var hostileName = "inv\x1b[31moice\u202egpj.exe\a " + strings.Repeat("📦", 100) + ".txt"

// TestShareUploadRequest makes an upload request from the share panel on
// a prefix, with rules and a password, against a real gateway; a file
// sent through its drop link shows in the result, escaped, and the
// ledger view counts it.
func TestShareUploadRequest(t *testing.T) {
	const password = "dropPWSECRETvalue00005151" // marked: .ci/test looks for it in all output
	e := startGatewayEnv(t)
	var screens []string
	var m tea.Model
	look := func() string {
		v := m.View()
		screens = append(screens, v)
		return v
	}
	m = drain(t, e.m, shareCmd(e.m, ShareTarget{Bucket: e.bucket, Key: "reports/", IsPrefix: true}))
	p := sharePanelOf(t, m)
	if got := p.methods[len(p.methods)-1]; got != methodUploadRequest || slices.Contains(p.methods, methodGateway) {
		t.Fatalf("the methods offered on a prefix are %v, want upload request last and no gateway link", p.methods)
	}
	m = press(t, m, "right", "right", "right")
	v := flat(look())
	for _, want := range []string{"[upload request]", "a drop link of the share gateway " + e.gw.URL, "Max file size", "Max files", "Max total", "Allowed types", "[gateway]", "Password", "[7d]"} {
		if !strings.Contains(v, want) {
			t.Errorf("the upload request form lacks %q:\n%s", want, v)
		}
	}
	for sharePanelOf(t, m).focus != fieldUpFileSize {
		m = press(t, m, "tab")
	}
	m = typeText(t, m, "10x")
	if v := flat(look()); !strings.Contains(v, "unknown unit") {
		t.Errorf("a bad size is not refused:\n%s", v)
	}
	m = press(t, m, "backspace")
	m = typeText(t, m, "MiB")
	m = press(t, m, "tab")
	m = typeText(t, m, "5")
	m = press(t, m, "tab", "tab")
	m = typeText(t, m, ".txt, pdf")
	m = press(t, m, "tab", "tab")
	m = typeText(t, m, password)
	if v := look(); !strings.Contains(v, strings.Repeat("•", len(password))) {
		t.Errorf("the password is not masked:\n%s", v)
	}
	m = press(t, m, "enter")
	v = flat(look())
	link := e.clip.last(t)
	if !strings.HasPrefix(link, e.gw.URL+"/u/") {
		t.Fatalf("copied %q, want a drop link of the gateway %s\n%s", link, e.gw.URL, v)
	}
	for _, want := range []string{"drop link made · upload request · s3://" + e.bucket + "/reports/", link, "drop link copied",
		"files up to 10 MiB · at most 5 files · only .txt .pdf · through the gateway · password required", "no files yet"} {
		if !strings.Contains(v, want) {
			t.Errorf("the result lacks %q:\n%s", want, v)
		}
	}
	recs := ledgerRecords(t, e.ledger)
	if len(recs) != 1 || recs[0].Method != ledger.MethodUpload || recs[0].URL != link || recs[0].Key != "reports/" ||
		recs[0].Options["max-files"] != "5" || recs[0].Options["password"] != "yes" {
		t.Fatalf("ledger: %+v", recs)
	}

	got := dropFile(t, link, hostileName, "text/plain", password, []byte("hello"))
	m = pollOnce(t, m)
	v = look()
	if !strings.Contains(v, "received 1 file · 5 B") || !strings.Contains(v, "from "+got.Client) || !strings.Contains(v, `inv\x1b[31moice`) {
		t.Errorf("the arrival is not shown (escaped):\n%s", v)
	}
	for _, size := range [][2]int{{80, 24}, {40, 10}} {
		m = send(t, m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		checkFits(t, look(), size[0], size[1])
		m = press(t, m, "G") // the list scrolls within the panel
		checkFits(t, look(), size[0], size[1])
	}
	if bad := rawControl(sgr.ReplaceAllString(strings.Join(screens, "\n"), "")); bad != "" {
		t.Errorf("a control character reached the screen: %s", bad)
	}
	m = send(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m = press(t, m, "c")
	if v := flat(look()); !strings.Contains(v, "a drop link is opened in a browser") {
		t.Errorf("c on a drop link says:\n%s", v)
	}

	// The gateway gone: said once, and the next look waits longer.
	if err := e.gw.Close(); err != nil {
		t.Fatal(err)
	}
	m = pollOnce(t, m)
	first := sharePanelOf(t, m).up.wait
	m = pollOnce(t, m)
	v = flat(look())
	if strings.Count(v, "the gateway does not answer") != 1 || sharePanelOf(t, m).up.wait <= first || first <= uploadPollEvery {
		t.Errorf("the polling does not back off (waits %s then %s):\n%s", first, sharePanelOf(t, m).up.wait, v)
	}

	m = press(t, m, "esc", "H")
	v = flat(look())
	for _, want := range []string{"UPLOAD", "s3://" + e.bucket + "/reports/*", "upload request " + recs[0].Upload + " · gateway unreachable"} {
		if !strings.Contains(v, want) {
			t.Errorf("the ledger view lacks %q:\n%s", want, v)
		}
	}
	e.noSecret(t, password, screens)
}

// TestLedgerUploadReceived: the ledger view asks the gateway once about
// an upload request and lists the files it received.
func TestLedgerUploadReceived(t *testing.T) {
	e := startGatewayEnv(t)
	m := drain(t, e.m, shareCmd(e.m, ShareTarget{Bucket: e.bucket, Key: "reports/", IsPrefix: true}))
	m = press(t, m, "right", "right", "right", "enter")
	link := e.clip.last(t)
	for _, name := range []string{"first.txt", "second.txt"} {
		dropFile(t, link, name, "text/plain", "", []byte(name))
	}
	m = press(t, m, "esc", "H")
	v := flat(m.View())
	for _, want := range []string{"2 files received (19 B)", "second.txt · from 127.0.0.1", "first.txt · from 127.0.0.1", link} {
		if !strings.Contains(v, want) {
			t.Errorf("the ledger view lacks %q:\n%s", want, m.View())
		}
	}
	if strings.Index(v, "second.txt") > strings.Index(v, "first.txt") {
		t.Errorf("the newest file is not first:\n%s", m.View())
	}
	// d offers to revoke it at its gateway; r does: the link takes no
	// more files.
	m = press(t, m, "d")
	if v := flat(m.View()); !strings.Contains(v, "r revokes it at its gateway and forgets it") {
		t.Errorf("d does not offer to revoke:\n%s", v)
	}
	m = press(t, m, "r")
	if v := flat(m.View()); !strings.Contains(v, "revoked s3://"+e.bucket+"/reports/ at its gateway (2 files received)") {
		t.Errorf("the revocation says:\n%s", v)
	}
	if n := len(ledgerRecords(t, e.ledger)); n != 0 {
		t.Errorf("%d records left in the ledger after revoke and forget", n)
	}
	resp, err := http.Post(link+"/files", "application/json", strings.NewReader(`{"name":"late.txt","size":1}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusGone {
		t.Errorf("a file after the revocation: HTTP %d, want 410", resp.StatusCode)
	}
}

// TestUploadRequestOnlyWithGateway: the kind is offered on a prefix or a
// place to upload to of a store with a gateway, and nowhere else.
func TestUploadRequestOnlyWithGateway(t *testing.T) {
	prefix := ShareTarget{Bucket: "media", Key: "inbox/", IsPrefix: true}
	into := ShareTarget{Bucket: "media", Key: "", IsPrefix: true, Upload: true}
	for _, tc := range []struct {
		gateway bool
		target  ShareTarget
		want    bool
	}{
		{false, prefix, false}, {false, into, false}, {false, photo, false},
		{true, prefix, true}, {true, into, true}, {true, photo, false},
	} {
		var gw *config.StoreGateway
		if tc.gateway {
			gw = &config.StoreGateway{URL: "http://127.0.0.1:9", Token: "t"}
		}
		m, _ := offlineGatewayShare(t, 80, 24, gw, tc.target)
		if got := slices.Contains(sharePanelOf(t, m).methods, methodUploadRequest); got != tc.want {
			t.Errorf("gateway %v, target %+v: upload request offered %v, want %v", tc.gateway, tc.target, got, tc.want)
		}
	}
}

// offlineGatewayShare is offlineShare on a store whose gateway is gw.
func offlineGatewayShare(t *testing.T, w, h int, gw *config.StoreGateway, target ShareTarget) (tea.Model, *recordingClipboard) {
	t.Helper()
	u, _ := url.Parse("http://127.0.0.1:9")
	c, err := s3model.New(config.Store{
		Name: "prod", Color: "red", Endpoint: u, Region: "eu-central-1", RegionFromUser: true, Addressing: config.AddressingPath,
		Creds:   config.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
		Gateway: gw,
	})
	if err != nil {
		t.Fatal(err)
	}
	cb := nativeOK()
	opts := Options{Client: c, Start: Location{Bucket: target.Bucket}, Keys: keymap.Default(), Clipboard: cb, Now: func() time.Time { return goldenTime }}
	var m tea.Model = New(opts)
	m, _ = m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m, _ = m.Update(pageMsg{reqID: 1, loc: opts.Start, page: s3model.Page{Done: true}})
	m = drain(t, m, shareCmd(m, target))
	return m, cb
}

// goldenUpload is an upload request as a gateway answers, with two
// files received, one of them with a hostile name.
func goldenUpload() gatewayapi.Upload {
	return gatewayapi.Upload{ID: "k3Jd9QwErTy", URL: "https://share.example.com/u/k3Jd9QwErTy", Bucket: "media", Prefix: "inbox/",
		MaxFileSize: 100 << 20, MaxFiles: 10, Types: []string{".pdf", "image/*"}, Via: "gateway", Password: true, State: "active",
		CreatedAt: goldenTime, ExpiresAt: goldenTime.Add(7 * 24 * time.Hour),
		Received: []gatewayapi.ReceivedFile{
			{ID: "f1", Name: "scan 2026-11-27.pdf", Key: "inbox/2026-11-27/0b6c3a2e-scan_2026-11-27.pdf", Size: 482_113, ContentType: "application/pdf", At: goldenTime.Add(2 * time.Minute), Client: "192.0.2.10"},
			{ID: "f2", Name: hostileName, Key: "inbox/2026-11-27/5f1d0c9a-invoice.txt", Size: 5, ContentType: "text/plain", At: goldenTime.Add(3 * time.Minute), Client: "2001:db8::7"},
		}}
}

func TestGoldenShareFormUploadRequest(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) {
		m, _ := offlineGatewayShare(t, w, h, &config.StoreGateway{URL: "https://share.example.com", Token: "t"}, ShareTarget{Bucket: "media", Key: "inbox/", IsPrefix: true})
		m = press(t, m, "right", "right", "right", "tab", "tab")
		requireGolden(t, m, w, h)
	})
}

func TestGoldenShareResultUploadRequest(t *testing.T) {
	eachSize(t, func(t *testing.T, w, h int) {
		m, _ := offlineGatewayShare(t, w, h, &config.StoreGateway{URL: "https://share.example.com", Token: "t"}, ShareTarget{Bucket: "media", Key: "inbox/", IsPrefix: true})
		m = press(t, m, "right", "right", "right")
		p := sharePanelOf(t, m)
		p.stage = stageSigning
		// The copy is answered; the look at the gateway is not run.
		m, _ = m.Update(uploadRequestMadeMsg{id: p.id, gateway: "https://share.example.com", upload: goldenUpload()})
		m, _ = m.Update(clipboardResultMsg{id: p.id, what: "drop link", res: nativeOK().res})
		requireGolden(t, m, w, h)
	})
}

// TestUploadArrivalNotifies: each new arrival is announced as [ui]
// notify says, once.
func TestUploadArrivalNotifies(t *testing.T) {
	gw := &config.StoreGateway{URL: "http://127.0.0.1:9", Token: "t"}
	m, _ := offlineGatewayShare(t, 80, 24, gw, ShareTarget{Bucket: "media", Key: "inbox/", IsPrefix: true})
	m = press(t, m, "right", "right", "right")
	p := sharePanelOf(t, m)
	p.stage = stageSigning
	u := goldenUpload()
	files := u.Received
	u.Received = nil
	m, _ = m.Update(uploadRequestMadeMsg{id: p.id, upload: u})
	p.s.prefs.Notify = config.NotifyBell
	count := func(cmd tea.Cmd) int {
		n := 0
		for _, c := range runCmd(cmd).(tea.BatchMsg) {
			if c != nil {
				n++
			}
		}
		return n - 1 // the timer of the next look
	}
	u.Received = files
	if n := count(p.uploadPolled(uploadPolledMsg{id: p.id, gen: p.up.gen, upload: u})); n != 2 {
		t.Errorf("two arrivals announced %d times", n)
	}
	if fresh := p.arrived(u.Received); len(fresh) != 0 {
		t.Errorf("a look with nothing new finds %d new files", len(fresh))
	}
	if v := m.View(); !strings.Contains(v, "received 2 files") {
		t.Errorf("the arrivals are not shown:\n%s", v)
	}
}
