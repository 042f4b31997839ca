package config_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/credtest"
	"github.com/s3share/s3share/internal/demo"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/s3model"
)

// Secrets the fake credential services hand out; no output may hold them.
const (
	chainSecret = "CHAINsecretKEYvalue00000000000000000000010"
	chainToken  = "CHAINsessionTOKENvalue0000000000000000011"
	authToken   = "CONTAINERauthTOKENvalue00000000000000013"
	webToken    = "WEBidentityTOKENvalue0000000000000000014"
)

// startDemo starts the demo endpoint with the keys the fakes hand out.
func startDemo(t *testing.T) *demo.Server {
	t.Helper()
	srv, err := demo.Start(demo.Options{AccessKey: "ASIACHAINKEY0001", SecretKey: chainSecret, SessionToken: chainToken, NoSeed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	srv.MakeBucket("chain")
	srv.PutObject("chain", "docs/readme.txt", []byte("hello"), "text/plain", nil)
	return srv
}

func keys(srv *demo.Server, ttl time.Duration) credtest.Keys {
	return credtest.Keys{AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, SessionToken: srv.SessionToken, TTL: ttl}
}

// useStore lists s3://chain/docs/ and fetches a presigned GET of
// docs/readme.txt, both with the store's credentials.
func useStore(t *testing.T, st config.Store) {
	t.Helper()
	client, err := s3model.New(st)
	if err != nil {
		t.Fatal(err)
	}
	page, err := client.ListPage(context.Background(), "chain", "docs/", "")
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if len(page.Entries) != 1 || page.Entries[0].Name != "readme.txt" {
		t.Fatalf("list = %+v, want readme.txt", page.Entries)
	}
	sst, err := client.SigningStore(context.Background(), "chain")
	if err != nil {
		t.Fatal(err)
	}
	s, err := presign.NewSigner(sst)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Sign(presign.Request{Bucket: "chain", Key: "docs/readme.txt", Expires: presign.In(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if !sst.Creds.Expires.IsZero() && !res.EffectiveExpiresAt.Equal(sst.Creds.Expires.UTC().Truncate(time.Second)) && res.EffectiveExpiresAt.After(sst.Creds.Expires) {
		t.Errorf("link works until %s, but its credentials end at %s", res.EffectiveExpiresAt, sst.Creds.Expires)
	}
	resp, err := http.Get(res.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "hello" {
		t.Fatalf("presigned GET: %s %q", resp.Status, body)
	}
}

// baseEnv is an environment with nothing but HOME, the endpoint of srv,
// and every AWS service endpoint pointed at a closed loopback port.
func baseEnv(t *testing.T, srv *demo.Server) map[string]string {
	return map[string]string{
		"HOME":                      t.TempDir(),
		"AWS_ENDPOINT_URL":          srv.URL,
		"AWS_EC2_METADATA_DISABLED": "true",
		"AWS_ENDPOINT_URL_STS":      "http://127.0.0.1:1",
		"AWS_ENDPOINT_URL_SSO":      "http://127.0.0.1:1",
		"AWS_ENDPOINT_URL_SSO_OIDC": "http://127.0.0.1:1",
	}
}

func chainOf(c *config.Config) string {
	var b strings.Builder
	for _, s := range c.Chain {
		fmt.Fprintf(&b, "%s: %s", s.Name, s.Outcome)
		if s.Why != "" {
			b.WriteString(" (" + s.Why + ")")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func checkNoSecrets(t *testing.T, s string) {
	t.Helper()
	for _, sec := range []string{chainSecret, chainToken, credtest.IMDSToken, authToken, webToken} {
		if strings.Contains(s, sec) {
			t.Fatalf("output holds a secret:\n%s", s)
		}
	}
}

func TestInstanceMetadataCredentials(t *testing.T) {
	srv := startDemo(t)
	imds, log := credtest.IMDS(t, keys(srv, time.Hour))
	env := baseEnv(t, srv)
	delete(env, "AWS_EC2_METADATA_DISABLED")
	env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.URL
	c, err := config.Load(config.Flags{}, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	if c.Store.Creds.Source != "EC2 instance metadata, role share-role" || c.Store.Creds.Expires.IsZero() || c.Store.Renew == nil {
		t.Fatalf("creds from %q, expiring %v", c.Store.Creds.Source, c.Store.Creds.Expires)
	}
	want := "environment: skipped (no credentials)\nweb identity: skipped (AWS_WEB_IDENTITY_TOKEN_FILE is not set)\n" +
		"container credentials: skipped (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set)\n" +
		"EC2 instance metadata: used (EC2 instance metadata, role share-role)\n"
	if got := chainOf(c); got != want {
		t.Errorf("chain:\n%s\nwant:\n%s", got, want)
	}
	checkNoSecrets(t, chainOf(c)+fmt.Sprint(c.Settings, c.Warnings))
	if log.Count("PUT /latest/api/token") != 1 {
		t.Errorf("IMDS requests: %v", log.All())
	}
	useStore(t, c.Store)
}

func TestInstanceMetadataDisabled(t *testing.T) {
	srv := startDemo(t)
	imds, log := credtest.IMDS(t, keys(srv, time.Hour))
	env := baseEnv(t, srv)
	env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.URL
	c, err := config.Load(config.Flags{}, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Store.Creds.Anonymous() || len(log.All()) != 0 {
		t.Fatalf("creds from %q, IMDS asked %v", c.Store.Creds.Source, log.All())
	}
	if got := chainOf(c); !strings.HasSuffix(got, "EC2 instance metadata: skipped (AWS_EC2_METADATA_DISABLED is true)\n") {
		t.Errorf("chain:\n%s", got)
	}
}

// TestInstanceMetadataNotAnswering: a metadata service that refuses
// leaves the store anonymous, and the chain says why.
func TestInstanceMetadataNotAnswering(t *testing.T) {
	srv := startDemo(t)
	env := baseEnv(t, srv)
	delete(env, "AWS_EC2_METADATA_DISABLED")
	env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:1"
	c, err := config.Load(config.Flags{}, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	last := c.Chain[len(c.Chain)-1]
	if !c.Store.Creds.Anonymous() || last.Outcome != "failed" || !strings.Contains(last.Why, "127.0.0.1:1") {
		t.Fatalf("creds %q, chain:\n%s", c.Store.Creds.Source, chainOf(c))
	}
}

func TestContainerCredentials(t *testing.T) {
	srv := startDemo(t)
	ecs, _ := credtest.Container(t, keys(srv, time.Hour), authToken)
	env := baseEnv(t, srv)
	tokenFile := filepath.Join(env["HOME"], "token")
	write(t, env["HOME"], map[string]string{"token": authToken + "\n"})
	env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = ecs.URL + "/v2/credentials"
	env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = tokenFile
	c, err := config.Load(config.Flags{}, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	if c.Store.Creds.Source != "container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI)" || c.Store.Renew == nil {
		t.Fatalf("creds from %q:\n%s", c.Store.Creds.Source, chainOf(c))
	}
	if got := chainOf(c); !strings.HasSuffix(got, "EC2 instance metadata: not tried\n") {
		t.Errorf("chain:\n%s", got)
	}
	useStore(t, c.Store)

	// A full URI over plain http to a remote host is refused, as the SDKs do.
	env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://192.0.2.1/creds"
	if _, err := config.Load(config.Flags{}, envOf(env)); err == nil || !strings.Contains(err.Error(), "only to loopback") {
		t.Errorf("remote http full URI: %v", err)
	}
}

func TestWebIdentityCredentials(t *testing.T) {
	srv := startDemo(t)
	sts, log := credtest.STS(t, keys(srv, time.Hour), webToken)
	env := baseEnv(t, srv)
	write(t, env["HOME"], map[string]string{"web-token": webToken})
	env["AWS_ENDPOINT_URL_STS"] = sts.URL
	env["AWS_WEB_IDENTITY_TOKEN_FILE"] = filepath.Join(env["HOME"], "web-token")
	env["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/web"
	env["AWS_ROLE_SESSION_NAME"] = "ci-job-7"
	c, err := config.Load(config.Flags{}, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	if c.Store.Creds.Source != "web identity arn:aws:iam::123456789012:role/web" || c.Store.Renew == nil {
		t.Fatalf("creds from %q:\n%s", c.Store.Creds.Source, chainOf(c))
	}
	if log.Count("AssumeRoleWithWebIdentity arn:aws:iam::123456789012:role/web") != 1 {
		t.Errorf("STS requests: %v", log.All())
	}
	if calls := log.Calls(); calls[0].Form.Get("RoleSessionName") != "ci-job-7" || calls[0].KeyID != "" {
		t.Errorf("AssumeRoleWithWebIdentity form %v, signed by %q: want the session AWS_ROLE_SESSION_NAME names, unsigned", calls[0].Form, calls[0].KeyID)
	}
	checkNoSecrets(t, chainOf(c)+fmt.Sprint(c.Settings, c.Warnings))
	useStore(t, c.Store)

	// The profile form: web_identity_token_file and role_arn.
	penv := baseEnv(t, srv)
	penv["AWS_ENDPOINT_URL_STS"] = sts.URL
	write(t, penv["HOME"], map[string]string{"web-token": webToken,
		".aws/config": "[profile k8s]\nrole_arn = arn:aws:iam::123456789012:role/pod\nweb_identity_token_file = ~/web-token\nrole_session_name = pod-1\n"})
	pc, err := config.Load(config.Flags{Profile: "k8s"}, envOf(penv))
	if err != nil {
		t.Fatal(err)
	}
	if pc.Store.Creds.Source != "web identity arn:aws:iam::123456789012:role/pod of ~/.aws/config [profile k8s]" || pc.Store.Renew == nil {
		t.Fatalf("profile form: creds from %q", pc.Store.Creds.Source)
	}
	if calls := log.Calls(); calls[len(calls)-1].Form.Get("RoleSessionName") != "pod-1" {
		t.Errorf("profile form: AssumeRoleWithWebIdentity form %v, want role_session_name's session", calls[len(calls)-1].Form)
	}
	useStore(t, pc.Store)

	// A refused token fails Load with STS's code, never the token.
	write(t, env["HOME"], map[string]string{"web-token": "wrong"})
	_, err = config.Load(config.Flags{}, envOf(env))
	if err == nil || !strings.Contains(err.Error(), "InvalidIdentityToken") {
		t.Fatalf("refused token: %v", err)
	}
}

// TestRenewal: credentials that expire 3 s after they are handed out are
// renewed before they do, so a client keeps listing and signing for
// 10 s; the fake metadata service's log shows the renewals.
func TestRenewal(t *testing.T) {
	srv := startDemo(t)
	imds, log := credtest.IMDS(t, keys(srv, 3*time.Second))
	env := baseEnv(t, srv)
	delete(env, "AWS_EC2_METADATA_DISABLED")
	env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.URL
	c, err := config.Load(config.Flags{}, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	first := c.Store.Creds.Expires
	client, err := s3model.New(c.Store)
	if err != nil {
		t.Fatal(err)
	}
	const credsPath = "GET " + credtest.IMDSCredsPath
	end := time.Now().Add(10 * time.Second)
	for time.Now().Before(end) {
		if _, err := client.ListPage(context.Background(), "chain", "docs/", ""); err != nil {
			t.Fatalf("list after %d credential fetches: %v", log.Count(credsPath), err)
		}
		st, err := client.SigningStore(context.Background(), "chain")
		if err != nil {
			t.Fatal(err)
		}
		if !st.Creds.Expires.After(time.Now()) {
			t.Fatalf("signing with credentials that expired at %s", st.Creds.Expires)
		}
		time.Sleep(500 * time.Millisecond)
	}
	st, _ := client.SigningStore(context.Background(), "chain")
	if n := log.Count(credsPath); n < 4 || !st.Creds.Expires.After(first.Add(5*time.Second)) {
		t.Errorf("%d credential fetches in 10 s of 3 s credentials; signing creds expire %s (first %s)", n, st.Creds.Expires, first)
	}
	useStore(t, st)
}
