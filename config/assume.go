package config

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/signer"
)

// assumeRole is one STS AssumeRole call as a profile describes it.
type assumeRole struct {
	role, externalID, sessionName string
	duration                      int // seconds; 0 lets STS choose
	mfaSerial, mfaCode            string
	endpoint, region              string
}

var mfaCodeRE = regexp.MustCompile(`^[0-9]{6}$`)

// stsFor is where a profile's STS requests go: AWS_ENDPOINT_URL_STS, the
// sts endpoint_url of the profile's [services] section, else AWS's STS
// for the profile's region (the global endpoint when
// sts_regional_endpoints = legacy and the region is a legacy one).
func (r *resolver) stsFor(a *awsFiles, profile string) (endpoint, region string) {
	cs := a.configProfile(profile)
	region = get(cs, "region")
	if region == "" {
		region = r.env("AWS_REGION")
	}
	if region == "" {
		region = r.env("AWS_DEFAULT_REGION")
	}
	if region == "" {
		region = DefaultRegion
	}
	if v := r.env("AWS_ENDPOINT_URL_STS"); v != "" {
		return strings.TrimRight(v, "/"), region
	}
	if svc := get(cs, "services"); svc != "" {
		if v := nested(a.config.section("services "+svc), "sts")["endpoint_url"]; v != "" {
			return strings.TrimRight(v, "/"), region
		}
	}
	mode := r.env("AWS_STS_REGIONAL_ENDPOINTS")
	if mode == "" {
		mode = get(cs, "sts_regional_endpoints")
	}
	if strings.EqualFold(mode, "legacy") && slices.Contains(legacySTSRegions, region) {
		// The global endpoint takes requests signed for us-east-1 only.
		return "https://sts.amazonaws.com", "us-east-1"
	}
	ep, _ := r.stsEndpoint(region)
	return ep, region
}

// legacySTSRegions are served by the global STS endpoint when
// sts_regional_endpoints = legacy.
var legacySTSRegions = []string{"ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "aws-global",
	"ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1",
	"us-east-1", "us-east-2", "us-west-1", "us-west-2"}

// roleProfile reads the assume-role settings of a profile that has
// role_arn; where locates them for errors.
func (r *resolver) roleProfile(a *awsFiles, profile string) (assumeRole, error) {
	sec := a.profileSection(profile)
	cs := a.configProfile(profile)
	ar := assumeRole{
		role:        get(cs, "role_arn"),
		externalID:  get(cs, "external_id"),
		sessionName: get(cs, "role_session_name"),
		mfaSerial:   get(cs, "mfa_serial"),
	}
	if ar.sessionName == "" {
		ar.sessionName = "s3share-" + strconv.FormatInt(r.now().Unix(), 10)
	}
	if v := get(cs, "duration_seconds"); v != "" {
		d, err := strconv.Atoi(v)
		if err != nil || d < 900 || d > 43200 {
			return assumeRole{}, fmt.Errorf("%s = %s: want a number of seconds from 900 to 43200", a.config.where(sec, "duration_seconds"), v)
		}
		ar.duration = d
	}
	if ar.mfaSerial != "" {
		ar.mfaCode = strings.TrimSpace(r.f.MFACode)
		if ar.mfaCode == "" {
			return assumeRole{}, &MFACodeNeeded{Profile: profile, Serial: ar.mfaSerial, where: a.config.where(sec, "mfa_serial")}
		}
		if !mfaCodeRE.MatchString(ar.mfaCode) {
			return assumeRole{}, errors.New("--mfa-code: want the 6 digits your MFA device shows")
		}
	}
	ar.endpoint, ar.region = r.stsFor(a, profile)
	return ar, nil
}

// assume calls STS AssumeRole with the source credentials. minio-go's
// STSAssumeRole provider is not used: it cannot send an MFA serial and code.
func (ar assumeRole) assume(ctx context.Context, client *http.Client, src Credentials) (Credentials, error) {
	v := url.Values{}
	v.Set("Action", "AssumeRole")
	v.Set("Version", "2011-06-15")
	v.Set("RoleArn", ar.role)
	v.Set("RoleSessionName", ar.sessionName)
	if ar.externalID != "" {
		v.Set("ExternalId", ar.externalID)
	}
	if ar.duration > 0 {
		v.Set("DurationSeconds", strconv.Itoa(ar.duration))
	}
	if ar.mfaSerial != "" {
		v.Set("SerialNumber", ar.mfaSerial)
		v.Set("TokenCode", ar.mfaCode)
	}
	what := "AssumeRole " + ar.role + " at " + ar.endpoint
	sign := func(req *http.Request) *http.Request {
		if src.SessionToken != "" {
			req.Header.Set("X-Amz-Security-Token", src.SessionToken)
		}
		return signer.SignV4STS(*req, src.AccessKeyID, src.SecretAccessKey, ar.region)
	}
	var out credentials.AssumeRoleResponse
	if err := stsPost(ctx, client, ar.endpoint, v, sign, what, &out); err != nil {
		return Credentials{}, err
	}
	c := out.Result.Credentials
	if c.AccessKey == "" || c.SecretKey == "" {
		return Credentials{}, fmt.Errorf("%s: the answer has no credentials", what)
	}
	return Credentials{AccessKeyID: c.AccessKey, SecretAccessKey: c.SecretKey, SessionToken: c.SessionToken, Expires: c.Expiration}, nil
}

// stsPost sends the STS request form to endpoint, signed by sign when it
// is not nil, and decodes the answer into out. what names the call in
// errors, which hold STS's error code and message, never the body.
func stsPost(ctx context.Context, client *http.Client, endpoint string, form url.Values, sign func(*http.Request) *http.Request, what string, out any) error {
	body := form.Encode()
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return fmt.Errorf("STS endpoint %q is not a URL", endpoint)
	}
	u.Path = "/"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(body))
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	if sign != nil {
		req = sign(req)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %s", what, netError(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("%s: %s", what, netError(err))
	}
	if resp.StatusCode != http.StatusOK {
		var er credentials.ErrorResponse
		if xml.NewDecoder(bytes.NewReader(data)).Decode(&er) == nil && er.STSError.Code != "" {
			return fmt.Errorf("%s: %s: %s", what, er.STSError.Code, oneLine(er.STSError.Message))
		}
		return fmt.Errorf("%s: HTTP %s", what, resp.Status)
	}
	if err := xml.NewDecoder(bytes.NewReader(data)).Decode(out); err != nil {
		return fmt.Errorf("%s: the answer is not STS's", what)
	}
	return nil
}

// credTimeout bounds each request to a credential service: the store's
// timeout, else DefaultTimeout.
func (r *resolver) credTimeout() time.Duration {
	if r.timeout > 0 {
		return r.timeout
	}
	return DefaultTimeout
}

// roleCreds assumes the role of profile (which has role_arn) with the
// credentials of its source_profile or credential_source. seen guards
// against loops. It returns, besides the credentials, a function that
// fetches them again (nil when they cannot be fetched without the user:
// an MFA code is good once).
func (r *resolver) roleCredsOf(ctx context.Context, a *awsFiles, profile string, seen []string) (Credentials, func(context.Context) (Credentials, error), error) {
	sec := a.profileSection(profile)
	cs := a.configProfile(profile)
	ar, err := r.roleProfile(a, profile)
	if err != nil {
		return Credentials{}, nil, err
	}
	srcProfile, credSource := get(cs, "source_profile"), get(cs, "credential_source")
	var source func(context.Context) (Credentials, error)
	var sourceName string
	switch {
	case srcProfile != "" && credSource != "":
		return Credentials{}, nil, fmt.Errorf("%s: profile %s has both source_profile and credential_source: keep one", a.config.where(sec, "role_arn"), profile)
	case srcProfile != "":
		where := a.config.where(sec, "source_profile")
		if slices.Contains(seen, srcProfile) || srcProfile == profile && get(a.configProfile(srcProfile), "aws_access_key_id") == "" && get(a.credsProfile(srcProfile), "aws_access_key_id") == "" {
			return Credentials{}, nil, fmt.Errorf("%s = %s: profiles refer to each other in a loop (%s → %s): point source_profile at a profile with keys",
				where, srcProfile, strings.Join(append(seen, profile), " → "), srcProfile)
		}
		if !a.has(srcProfile) {
			return Credentials{}, nil, a.unknownProfile(srcProfile, where)
		}
		sourceName = "profile " + srcProfile
		source = func(ctx context.Context) (Credentials, error) {
			if srcProfile == profile {
				// A profile may be its own source: its keys assume its role.
				c, ok, err := staticKeys(a.creds, a.credsProfile(profile), profile)
				if !ok && err == nil {
					c, ok, err = staticKeys(a.config, cs, sec)
				}
				if err == nil && !ok {
					err = fmt.Errorf("%s = %s: the profile has no keys of its own", where, srcProfile)
				}
				return c, err
			}
			c, ok, err := r.profileCredsCtx(ctx, a, srcProfile, append(seen, profile))
			if err == nil && !ok {
				err = fmt.Errorf("%s = %s: profile %s has no credentials: add aws_access_key_id and aws_secret_access_key to [%s] in %s",
					where, srcProfile, srcProfile, srcProfile, a.creds.shown)
			}
			return c, err
		}
	case credSource != "":
		where := a.config.where(sec, "credential_source")
		client := credClient(r.credTimeout(), r.credTimeout())
		switch credSource {
		case "Environment":
			sourceName = "the environment"
			source = func(context.Context) (Credentials, error) {
				c, ok, err := r.envLayer().creds()
				if err == nil && !ok {
					err = fmt.Errorf("%s = Environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set", where)
				}
				return c, err
			}
		case "Ec2InstanceMetadata":
			sourceName = "EC2 instance metadata"
			source = func(ctx context.Context) (Credentials, error) {
				c, ok, why, err := r.instanceMetadata(ctx, credClient(r.credTimeout(), min(r.credTimeout(), metadataConnectTimeout)))
				if err == nil && !ok {
					err = fmt.Errorf("%s = Ec2InstanceMetadata: %s", where, why)
				}
				return c, err
			}
		case "EcsContainer":
			sourceName = "container credentials"
			source = func(ctx context.Context) (Credentials, error) {
				c, ok, why, err := r.container(ctx, client)
				if err == nil && !ok {
					err = fmt.Errorf("%s = EcsContainer: %s", where, why)
				}
				return c, err
			}
		default:
			return Credentials{}, nil, fmt.Errorf("%s = %s: want Environment, Ec2InstanceMetadata or EcsContainer", where, credSource)
		}
	default:
		return Credentials{}, nil, fmt.Errorf("%s: profile %s has role_arn but neither source_profile nor credential_source: add one to say whose credentials assume the role",
			a.config.where(sec, "role_arn"), profile)
	}
	client := credClient(r.credTimeout(), r.credTimeout())
	fetch := func(ctx context.Context) (Credentials, error) {
		src, err := source(ctx)
		if err != nil {
			return Credentials{}, err
		}
		c, err := ar.assume(ctx, client, src)
		if err != nil {
			return Credentials{}, fmt.Errorf("%s: profile %s: %v", a.config.where(sec, "role_arn"), profile, err)
		}
		c.Source = "role " + ar.role + " of " + a.config.shown + " [" + sec + "], assumed with " + sourceName
		c.Via = append([]Hop{{Source: src.Source, Expires: src.Expires}}, src.Via...)
		return c, nil
	}
	c, err := fetch(ctx)
	if err != nil {
		return Credentials{}, nil, err
	}
	if ar.mfaSerial != "" {
		return c, nil, nil
	}
	return c, fetch, nil
}

// MFACodeNeeded is the error of a role profile with mfa_serial when no
// code was given: the command line may ask for one and load again.
type MFACodeNeeded struct {
	Profile, Serial string
	where           string
}

func (e *MFACodeNeeded) Error() string {
	return fmt.Sprintf("%s: profile %s needs an MFA code: run again with --mfa-code CODE (the 6 digits your device shows for %s)",
		e.where, e.Profile, e.Serial)
}
