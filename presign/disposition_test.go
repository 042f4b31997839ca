package presign

import (
	"mime"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestContentDisposition(t *testing.T) {
	emoji := strings.Repeat("😀", 75) // 300 bytes
	cases := []struct {
		kind, name string
		want       string
		param      string // what mime.ParseMediaType must give as filename; "" for none
	}{
		{"attachment", "report.pdf", `attachment; filename="report.pdf"`, "report.pdf"},
		{"INLINE", "a b.txt", `inline; filename="a b.txt"`, "a b.txt"},
		{"attachment", `a"; x=y`, `attachment; filename="a\"; x=y"`, `a"; x=y`},
		{"attachment", "evil\r\nSet-Cookie: x=1", `attachment; filename="evilSet-Cookie: x=1"`, "evilSet-Cookie: x=1"},
		{"attachment", "../../etc/passwd", `attachment; filename="passwd"`, "passwd"},
		{"attachment", `..\..\windows\system.ini`, `attachment; filename=".._.._windows_system.ini"`, ".._.._windows_system.ini"},
		{"attachment", `a"b;c=d\"e.txt`, `attachment; filename="a\"b;c=d_\"e.txt"`, `a"b;c=d_"e.txt`},
		{"attachment", "zero\u200bwidth\u2060join\ufeff.txt", `attachment; filename="zerowidthjoin.txt"`, "zerowidthjoin.txt"},
		{"attachment", "👩\u200d💻.png", `attachment; filename="_.png"; filename*=UTF-8''%F0%9F%91%A9%E2%80%8D%F0%9F%92%BB.png`, "👩\u200d💻.png"},
		{"attachment", "dir/", `attachment; filename="dir"`, "dir"},
		{"attachment", "a/..", `attachment; filename="a"`, "a"},
		{"attachment", "", "attachment", ""},
		{"attachment", "../..", "attachment", ""},
		{"attachment", "\x00\x1b\x7f", "attachment", ""},
		{"attachment", " name. ", `attachment; filename="name"`, "name"},
		{"attachment", "日本語.txt", `attachment; filename="_.txt"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E.txt`, "日本語.txt"},
		{"inline", "naïve café.pdf", `inline; filename="naive cafe.pdf"; filename*=UTF-8''na%C3%AFve%20caf%C3%A9.pdf`, "naïve café.pdf"},
		{"attachment", "cv\u202egpj.exe", `attachment; filename="cvgpj.exe"`, "cvgpj.exe"},
		{"attachment", "100% \"sure\";x.txt", `attachment; filename="100% \"sure\";x.txt"`, `100% "sure";x.txt`},
		{"attachment", "bad\xffutf8é", `attachment; filename="badutf8e"; filename*=UTF-8''badutf8%C3%A9`, "badutf8é"},
	}
	for _, c := range cases {
		got, err := ContentDisposition(c.kind, c.name)
		if err != nil {
			t.Errorf("ContentDisposition(%q, %q): %v", c.kind, c.name, err)
			continue
		}
		if got != c.want {
			t.Errorf("ContentDisposition(%q, %q)\n got  %s\n want %s", c.kind, c.name, got, c.want)
		}
		checkParses(t, c.name, got, strings.ToLower(c.kind), c.param)
	}

	long, _ := ContentDisposition("attachment", emoji)
	name := SafeFilename(emoji)
	if len(name) > 255 || !utf8.ValidString(name) || !strings.HasPrefix(name, "😀") {
		t.Errorf("300 bytes of emoji → %d bytes %q", len(name), name)
	}
	if !strings.HasPrefix(long, `attachment; filename="_"; filename*=UTF-8''%F0%9F%98%80`) {
		t.Errorf("emoji header = %s", long)
	}
	checkParses(t, emoji, long, "attachment", name)

	ext := SafeFilename(strings.Repeat("x", 300) + ".tar.gz")
	if len(ext) != 255 || !strings.HasSuffix(ext, "x.gz") {
		t.Errorf("long name with extension → %d bytes %q", len(ext), ext)
	}

	if _, err := ContentDisposition("form-data", "x"); err == nil {
		t.Error("kind form-data accepted")
	}
}

// checkParses asserts the header has no line breaks or control
// characters and parses with exactly the expected filename parameter.
func checkParses(t *testing.T, in, header, kind, filename string) {
	t.Helper()
	for _, r := range header {
		if r < 0x20 || r == 0x7f || r >= 0x80 {
			t.Fatalf("header for %q holds %U: %q", in, r, header)
		}
	}
	typ, params, err := mime.ParseMediaType(header)
	if err != nil {
		t.Fatalf("header for %q does not parse: %q: %v", in, header, err)
	}
	if typ != kind {
		t.Fatalf("header for %q parses as %q, want %q", in, typ, kind)
	}
	want := map[string]string{}
	if filename != "" {
		want["filename"] = filename
	}
	if len(params) != len(want) || params["filename"] != want["filename"] {
		t.Fatalf("header for %q: %q parses to %q, want %q", in, header, params, want)
	}
}

func FuzzContentDisposition(f *testing.F) {
	for _, s := range []string{"report.pdf", `a"; x=y`, "a\r\nb", "../../etc/passwd", strings.Repeat("😀", 75), "", "日本語.txt", "\\\"\\", "\xff", "a\u202eb"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, name string, attach bool) {
		kind := Inline
		if attach {
			kind = Attachment
		}
		h, err := ContentDisposition(kind, name)
		if err != nil {
			t.Fatalf("ContentDisposition(%q): %v", name, err)
		}
		safe := SafeFilename(name)
		if strings.ContainsAny(safe, "/\\") || safe == "." || safe == ".." || len(safe) > 255 || !utf8.ValidString(safe) {
			t.Fatalf("SafeFilename(%q) = %q", name, safe)
		}
		checkParses(t, name, h, kind, safe)
	})
}
