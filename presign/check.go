package presign

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// CheckPolicy checks, with no network, that the POST policy of r fits
// the bucket and key (or prefix) the link is for: its conditions name
// r.Bucket, its key condition is the key (eq) or the prefix
// (starts-with), every form field is covered by a condition, and the
// policy has not expired at now.
func CheckPolicy(r Result, now time.Time) error {
	fields := map[string]string{}
	for _, f := range r.Fields {
		fields[strings.ToLower(f.Name)] = f.Value
	}
	enc, ok := fields["policy"]
	if !ok {
		return errors.New("the form has no policy field")
	}
	raw, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return fmt.Errorf("the policy is not base64: %v", err)
	}
	var doc struct {
		Expiration string            `json:"expiration"`
		Conditions []json.RawMessage `json:"conditions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("the policy is not JSON: %v", err)
	}
	exp, err := time.Parse(time.RFC3339, doc.Expiration)
	if err != nil {
		return fmt.Errorf("the policy's expiration %q is not a time", doc.Expiration)
	}
	if !exp.After(now) {
		return fmt.Errorf("the policy expired at %s", exp.UTC().Format(time.RFC3339))
	}
	covered := map[string]bool{"policy": true, "x-amz-signature": true, "file": true}
	bucketOK, keyOK := false, false
	for _, c := range doc.Conditions {
		var obj map[string]string
		if json.Unmarshal(c, &obj) == nil {
			for k, v := range obj {
				k = strings.ToLower(k)
				covered[k] = true
				if k == "bucket" {
					if v != r.Bucket {
						return fmt.Errorf("the policy is for bucket %q, the link for %q", v, r.Bucket)
					}
					bucketOK = true
				} else if fv, ok := fields[k]; ok && fv != v {
					return fmt.Errorf("the form's %s field does not match the policy", k)
				}
			}
			continue
		}
		var arr []json.RawMessage
		if json.Unmarshal(c, &arr) != nil || len(arr) != 3 {
			return fmt.Errorf("the policy has a condition it cannot read: %s", c)
		}
		var op, name, value string
		if json.Unmarshal(arr[0], &op) != nil {
			return fmt.Errorf("the policy has a condition it cannot read: %s", c)
		}
		if strings.EqualFold(op, "content-length-range") {
			continue
		}
		if json.Unmarshal(arr[1], &name) != nil || json.Unmarshal(arr[2], &value) != nil {
			return fmt.Errorf("the policy has a condition it cannot read: %s", c)
		}
		field := strings.ToLower(strings.TrimPrefix(name, "$"))
		covered[field] = true
		fv := fields[field]
		switch strings.ToLower(op) {
		case "eq":
			if field == "key" {
				if r.Prefix || value != r.Key {
					return fmt.Errorf("the policy's key is %q, the link is for %q", value, r.Key)
				}
				keyOK = true
			}
			if fv != value {
				return fmt.Errorf("the form's %s field does not match the policy", field)
			}
		case "starts-with":
			if field == "key" {
				if value != r.Key {
					return fmt.Errorf("the policy's key prefix is %q, the link is for %q", value, r.Key)
				}
				keyOK = true
			}
			if !strings.HasPrefix(fv, value) {
				return fmt.Errorf("the form's %s field does not start with the policy's %q", field, value)
			}
		default:
			return fmt.Errorf("the policy has an unknown condition %q", op)
		}
	}
	if !bucketOK {
		return errors.New("the policy names no bucket")
	}
	if !keyOK {
		return errors.New("the policy has no condition on the key")
	}
	for name := range fields {
		if !covered[name] {
			return fmt.Errorf("the form field %s is not covered by the policy: S3 refuses the upload", name)
		}
	}
	return nil
}
