package credtest

import (
	"reflect"
	"testing"
)

func TestLeaks(t *testing.T) {
	const key, tok = "CHAINsecretKEYvalue00000000000000000000020", "TEMPsessionTOKENvalue00000000000000000026"
	for _, tt := range []struct {
		name, out string
		want      []Leak
	}{
		{"none", "access key id ****0001\nok", nil},
		{"secret key", "a\nsecret " + key + " here", []Leak{{key, 2}}},
		{"session token alone", "token=" + tok, []Leak{{tok, 1}}},
		{"session token in a link", "https://h/b/k?X-Amz-Credential=x&X-Amz-Security-Token=" + tok + "&X-Amz-Signature=0", nil},
		{"in a POST form", "curl -F 'x-amz-security-token=" + tok + "' -F key=k", nil},
		{"in JSON fields", `{"x-amz-security-token": "` + tok + `"}`, nil},
		{"in presign's JSON fields", `"fields": [{"name": "X-Amz-Security-Token", "value": "` + tok + `"}]`, nil},
		{"a secret in JSON fields", `"fields": [{"name": "x-amz-secret", "value": "` + key + `"}]`, []Leak{{key, 1}}},
		{"a wrapped link", "│ https://h/b/k?X-Amz-Security-Token=TEMPsess │\n│ ionTOKENvalue00000000000000000026&X-Amz │", nil},
		{"a wrapped secret", "secret CHAINsecretKEYval\nue00000000000000000000020", []Leak{{key, 1}}},
		{"a secret after a link", "X-Amz-Security-Token=" + tok + "\n" + key, []Leak{{key, 2}}},
		{"a metadata token", "token IMDSapiTOKENvalue000000000000000000000012", []Leak{{IMDSToken, 1}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Leaks(tt.out); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Leaks(%q) = %v, want %v", tt.out, got, tt.want)
			}
		})
	}
}

func TestMarked(t *testing.T) {
	for s, want := range map[string]bool{
		IMDSToken: true, SSOAccessToken: true, SSORefreshedToken: true, SSORefreshToken: true, SSOClientSecret: true,
		"CHAINsessionTOKENvalue0000000000000000021": true, "secret-secret": false, "x": false, "": false,
		"X-Amz-Security-Token=TEMPsessionTOKENvalue00000000000000000026": false,
	} {
		if Marked(s) != want {
			t.Errorf("Marked(%q) = %v", s, !want)
		}
	}
}
