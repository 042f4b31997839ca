package config

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
	"unicode"
)

// processTimeout bounds a credential_process run.
var processTimeout = 30 * time.Second

// maxProcessOutput bounds what is read from a credential_process.
const maxProcessOutput = 1 << 20

// processOutput is the JSON a credential_process prints, as the AWS CLI
// defines it.
type processOutput struct {
	Version         int    `json:"Version"`
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	SessionToken    string `json:"SessionToken"`
	Expiration      string `json:"Expiration"`
}

// limitedBuffer keeps the first max bytes written to it and drops the rest.
type limitedBuffer struct {
	buf       bytes.Buffer
	max       int
	truncated bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); room < len(p) {
		b.truncated = true
		if room > 0 {
			b.buf.Write(p[:room])
		}
		return len(p), nil
	}
	return b.buf.Write(p)
}

// runProcess runs a profile's credential_process through the shell and
// reads its credentials. where locates the setting for errors. Errors
// never quote the command's standard output: it holds secrets.
//
// When the command runs past the time limit (--timeout when given, else
// processTimeout) it is killed with everything it started, so no child of
// it is left running.
func (r *resolver) runProcess(command, profile, where string) (Credentials, error) {
	limit := processTimeout
	if d, err := ParseTimeout(r.f.Timeout); r.f.Timeout != "" && err == nil {
		limit = d
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	var cmd *exec.Cmd
	if runtime.GOOS == "windows" {
		cmd = exec.CommandContext(ctx, "cmd", "/C", command)
	} else {
		cmd = exec.CommandContext(ctx, "sh", "-c", command)
	}
	killTreeOnCancel(cmd)
	cmd.WaitDelay = time.Second // do not wait for children that keep the pipes open
	// The command sees the same home directory as Load ("~" in it works).
	cmd.Env = append(os.Environ(), "HOME="+r.ps.home)
	stdout := &limitedBuffer{max: maxProcessOutput}
	stderr := &limitedBuffer{max: 64 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return Credentials{}, fmt.Errorf("%s: profile %s: the command did not finish within %s: run it by hand to see why it hangs",
			where, profile, limit)
	}
	if err != nil {
		var exit *exec.ExitError
		msg := err.Error()
		if errors.As(err, &exit) {
			msg = fmt.Sprintf("the command failed (exit status %d)", exit.ExitCode())
		}
		if line := lastLine(stderr.buf.String()); line != "" {
			msg += ": " + line
		}
		return Credentials{}, fmt.Errorf("%s: profile %s: %s", where, profile, msg)
	}
	if stdout.truncated {
		return Credentials{}, fmt.Errorf("%s: profile %s: the command printed more than %d bytes; it should print one JSON object", where, profile, maxProcessOutput)
	}
	return parseProcessOutput(stdout.buf.Bytes(), profile, where)
}

func parseProcessOutput(out []byte, profile, where string) (Credentials, error) {
	const want = `{"Version": 1, "AccessKeyId": …, "SecretAccessKey": …, "SessionToken": …, "Expiration": "2026-01-02T15:04:05Z"}`
	var p processOutput
	dec := json.NewDecoder(bytes.NewReader(out))
	if err := dec.Decode(&p); err != nil {
		var typeErr *json.UnmarshalTypeError
		what := "its output is not JSON"
		switch {
		case len(bytes.TrimSpace(out)) == 0:
			what = "it printed nothing"
		case errors.As(err, &typeErr):
			what = fmt.Sprintf("its output has %s of the wrong type", typeErr.Field)
		}
		return Credentials{}, fmt.Errorf("%s: profile %s: %s; it must print %s", where, profile, what, want)
	}
	if p.Version != 1 {
		return Credentials{}, fmt.Errorf("%s: profile %s: its output has Version %d; s3share reads Version 1: %s", where, profile, p.Version, want)
	}
	if p.AccessKeyID == "" || p.SecretAccessKey == "" {
		return Credentials{}, fmt.Errorf("%s: profile %s: its output lacks AccessKeyId or SecretAccessKey; it must print %s", where, profile, want)
	}
	c := Credentials{AccessKeyID: p.AccessKeyID, SecretAccessKey: p.SecretAccessKey, SessionToken: p.SessionToken}
	if p.Expiration != "" {
		t, err := time.Parse(time.RFC3339, p.Expiration)
		if err != nil {
			return Credentials{}, fmt.Errorf("%s: profile %s: its Expiration is not an RFC 3339 time such as 2026-01-02T15:04:05Z", where, profile)
		}
		c.Expires = t
	}
	return c, nil
}

// lastLine returns the last non-empty line of s, with control characters
// removed and cut to 200 characters.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	l := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, lines[len(lines)-1])
	if r := []rune(l); len(r) > 200 {
		l = string(r[:200]) + "…"
	}
	return strings.TrimSpace(l)
}
