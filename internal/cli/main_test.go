package cli

import (
	"os"
	"testing"
)

// TestMain keeps every credential service of the AWS chain on loopback
// for this process and the s3share processes the tests start: instance
// metadata is off, and STS and SSO point at a closed local port. Tests
// that need one of them start a fake on loopback and set their own.
func TestMain(m *testing.M) {
	for _, k := range []string{"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
		"AWS_EC2_METADATA_SERVICE_ENDPOINT"} {
		os.Unsetenv(k)
	}
	for k, v := range closedServices {
		os.Setenv(k, v)
	}
	os.Exit(m.Run())
}

// closedServices point the AWS credential services nowhere.
var closedServices = map[string]string{
	"AWS_EC2_METADATA_DISABLED": "true",
	"AWS_ENDPOINT_URL_STS":      "http://127.0.0.1:1",
	"AWS_ENDPOINT_URL_SSO":      "http://127.0.0.1:1",
	"AWS_ENDPOINT_URL_SSO_OIDC": "http://127.0.0.1:1",
}
