package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/s3model"
)

// corsMaxAge is the MaxAgeSeconds of the rule doctor suggests: how long
// a browser may keep the answer to its preflight.
const corsMaxAge = 3000

// What the upload page of a drop link sends straight to the store (--via
// direct): a PUT with the Content-Type its presigned URL was signed with.
const (
	uploadCORSMethod = "PUT"
	uploadCORSHeader = "content-type"
)

// uploadCORSRule is the rule that lets the upload page on origin PUT to
// a bucket.
func uploadCORSRule(origin string) s3model.CORSRule {
	return s3model.CORSRule{AllowedOrigins: []string{origin}, AllowedMethods: []string{uploadCORSMethod},
		AllowedHeaders: []string{uploadCORSHeader}, MaxAgeSeconds: corsMaxAge}
}

// webOrigin is the origin a browser gives a page at raw:
// scheme://host[:port], lower-case, without the scheme's default port.
func webOrigin(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("gateway %q: want http(s)://HOST[:PORT]", sanitize.Bounded(raw))
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if p := u.Port(); p != "" && !(scheme == "http" && p == "80") && !(scheme == "https" && p == "443") {
		host += ":" + p
	}
	return scheme + "://" + host, nil
}

// checkGatewayCORS tells whether the bucket's CORS rules let the upload
// page of the share gateway at gateway PUT files straight to the store (drop links with --via direct), and when they do not,
// prints the configuration that does. It only informs: drop links
// stream through the gateway by default, which needs no CORS rule.
func checkGatewayCORS(w io.Writer, st config.Store, gateway, bucket string) {
	origin, err := webOrigin(gateway)
	if err != nil {
		fmt.Fprintf(w, "  CORS for the share gateway: %s\n", sanitize.Text(err.Error()))
		return
	}
	if bucket == "" {
		fmt.Fprintf(w, "  CORS for uploads from the share gateway %s: name a bucket to check it (s3share doctor s3://BUCKET)\n", sanitize.Text(origin))
		return
	}
	what := "CORS of s3://" + bucket + " for uploads from the share gateway " + sanitize.Text(origin)
	client, err := s3model.New(st)
	var rules []s3model.CORSRule
	if err == nil {
		rules, err = client.BucketCORS(context.Background(), bucket) // bounded by --timeout
	}
	if err != nil {
		fmt.Fprintf(w, "  %s: could not read the rules\n  %s\n", what, sanitize.Text(err.Error()))
		if se, ok := s3model.AsStoreError(err); ok && se.Code == "AccessDenied" {
			fmt.Fprintln(w, "  hint: reading them needs s3:GetBucketCORS; whoever manages the bucket can check them")
		}
		fmt.Fprintln(w, "  drop links with --via direct need this rule among the bucket's CORS rules:")
		writeCORS(w, []s3model.CORSRule{uploadCORSRule(origin)})
		fmt.Fprintln(w, "  without it, drop links must use --via gateway (the default): the files stream through the gateway")
		return
	}
	v := s3model.CORSAllows(rules, origin, uploadCORSMethod, uploadCORSHeader)
	if v.Allowed() {
		fmt.Fprintf(w, "  %s: ok (rule %d lets the upload page PUT with a Content-Type)\n", what, v.Rule+1)
		return
	}
	fmt.Fprintf(w, "  %s: not allowed: %s\n", what, sanitize.Text(v.Why))
	fmt.Fprintln(w, "  drop links with --via direct fail in the browser; without the rule below, they must use --via gateway (the default): the files stream through the gateway")
	note := "adds the rule the upload page needs"
	if n := len(rules); n > 0 {
		note = fmt.Sprintf("adds that rule to the bucket's %d, kept as they are: put-bucket-cors replaces the whole configuration", n)
	}
	fmt.Fprintf(w, "  to let the page PUT, save this as cors.json (it %s):\n", note)
	writeCORS(w, append(rules, uploadCORSRule(origin)))
	endpoint := ""
	if !st.IsAWS() && st.Endpoint != nil {
		endpoint = " --endpoint-url " + st.Endpoint.String()
	}
	fmt.Fprintf(w, "  then run: aws s3api put-bucket-cors%s --bucket %s --cors-configuration file://cors.json\n", endpoint, bucket)
}

// writeCORS prints a CORS configuration as the JSON put-bucket-cors
// takes, a rule a line, indented under doctor's lines; what came from
// the store is escaped as JSON carries it.
func writeCORS(w io.Writer, rules []s3model.CORSRule) {
	var out bytes.Buffer
	out.WriteString("    {\"CORSRules\": [\n")
	for i, r := range rules {
		b, err := json.Marshal(r)
		if err != nil {
			return
		}
		out.WriteString("      ")
		out.Write(sanitize.JSON(b))
		if i < len(rules)-1 {
			out.WriteByte(',')
		}
		out.WriteByte('\n')
	}
	out.WriteString("    ]}\n")
	w.Write(out.Bytes())
}
