package config

import (
	"net/http"
	"testing"
)

func TestSTSEndpoint(t *testing.T) {
	tests := []struct {
		name, config string
		env          map[string]string
		want, region string
	}{
		{"regional by default", "[profile p]\nregion = eu-west-1\n", nil, "https://sts.eu-west-1.amazonaws.com", "eu-west-1"},
		{"no region", "[profile p]\n", nil, "https://sts.us-east-1.amazonaws.com", "us-east-1"},
		{"legacy", "[profile p]\nregion = eu-west-1\nsts_regional_endpoints = legacy\n", nil, "https://sts.amazonaws.com", "us-east-1"},
		{"legacy, a newer region", "[profile p]\nregion = af-south-1\nsts_regional_endpoints = legacy\n", nil, "https://sts.af-south-1.amazonaws.com", "af-south-1"},
		{"services", "[profile p]\nservices = local\n[services local]\nsts =\n  endpoint_url = http://127.0.0.1:9/\n", nil, "http://127.0.0.1:9", "us-east-1"},
		{"env wins", "[profile p]\nservices = local\n[services local]\nsts =\n  endpoint_url = http://127.0.0.1:9\n",
			map[string]string{"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:8"}, "http://127.0.0.1:8", "us-east-1"},
		{"china", "[profile p]\nregion = cn-north-1\n", nil, "https://sts.cn-north-1.amazonaws.com.cn", "cn-north-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := home(t, map[string]string{".aws/config": tt.config})
			r := newResolver(Flags{}, envFor(dir, tt.env))
			a, err := r.aws()
			if err != nil {
				t.Fatal(err)
			}
			ep, region := r.stsFor(a, "p")
			if ep != tt.want || region != tt.region {
				t.Errorf("STS %s (%s), want %s (%s)", ep, region, tt.want, tt.region)
			}
		})
	}
}

func TestMetadataNoProxy(t *testing.T) {
	t.Setenv("HTTP_PROXY", "http://proxy.invalid:3128")
	t.Setenv("NO_PROXY", "")
	for host, direct := range map[string]bool{"169.254.169.254": true, "169.254.170.2": true, "[fd00:ec2::254]": true} {
		req, _ := http.NewRequest("GET", "http://"+host+"/", nil)
		u, err := metadataNoProxy(req)
		if err != nil || (u == nil) != direct {
			t.Errorf("%s: proxy %v, %v", host, u, err)
		}
	}
}
