package presign

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestHTMLFormEscapes(t *testing.T) {
	r := Result{Method: POST, Bucket: "bkt", Key: "in/\x1b]52;c;x\a\"<b>\u202e/", Prefix: true, URL: "http://h/bkt?a=1&b=2",
		EffectiveExpiresAt: time.Date(2026, 11, 28, 14, 5, 0, 0, time.UTC),
		Fields:             []Field{{"key", "in/\x1b]52;c;x\a\"<b>\u202e/${filename}"}, {"policy", "eyJ4Ijoi"}}}
	page, err := HTMLForm([]Result{r})
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	for _, bad := range []string{"\x1b", "\a", "\u202e", "<b>", `"<`} {
		if strings.Contains(s, bad) {
			t.Errorf("the page holds %q raw:\n%s", bad, s)
		}
	}
	for _, want := range []string{`action="http://h/bkt?a=1&amp;b=2"`, `name="key" value="in/&#x1B;]52;c;x&#x7;&#34;&lt;b&gt;&#x202E;/${filename}"`,
		`<input type="file" name="file" required>`, "Sat, 28 Nov 2026 14:05:00 UTC"} {
		if !strings.Contains(s, want) {
			t.Errorf("the page lacks %s:\n%s", want, s)
		}
	}
	if _, err := HTMLForm([]Result{{Method: GET}}); !errors.Is(err, ErrNotPOST) {
		t.Errorf("a GET link: %v", err)
	}
}
