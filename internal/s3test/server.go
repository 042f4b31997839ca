// Package s3test runs a real S3 server for tests: versitygw with its posix
// backend, listening on a free 127.0.0.1 port over a temporary directory.
//
// Each Start launches a separate gateway process that t.Cleanup stops. The
// binary comes from EnsureBinary: $S3SHARE_VERSITYGW, or a copy built once
// with `go install github.com/versity/versitygw/cmd/versitygw@v1.8.0` and
// cached under the user cache directory. When no server can be had the test
// fails with a message that says how to fix it; it is never skipped.
//
// Things to know about versitygw's posix backend: objects are files and
// "a/b/" keys are directories, so a key ending in "/" cannot hold data
// (folder markers must be empty), and it checks SigV4 signatures strictly.
package s3test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/cors"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Fixed credentials and region of every test server.
const (
	AccessKey = "s3share-test"
	SecretKey = "S3TESTsecretKEYvalue0000000000000000000029" // marked: see credtest.Marked
	Region    = "us-east-1"
)

const (
	readyTimeout = 30 * time.Second
	stopGrace    = 5 * time.Second
	opTimeout    = 30 * time.Second
	logTailBytes = 64 << 10
)

// Server is a running (or stopped) versitygw test server.
type Server struct {
	Endpoint  string // "http://127.0.0.1:PORT"
	Host      string // "127.0.0.1:PORT"
	AccessKey string
	SecretKey string
	Region    string        // "us-east-1"
	Dir       string        // backend directory: one sub-directory per bucket
	Client    *minio.Client // path-style, region set, no retries

	bin        string
	metaDir    string // sidecar metadata directory, "" when xattrs are used
	versionDir string // where versitygw keeps object versions
	iamDir     string // the internal IAM's directory, "" for root only
	accessLog  string // path of the server's access log
	transport  *http.Transport
	logs       *ringBuffer

	mu   sync.Mutex
	proc *process // nil while stopped
}

type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // exit status, valid after done is closed
}

var errAddrInUse = errors.New("address already in use")

// probeXattrs is userXattrs; tests replace it to exercise the sidecar setup.
var probeXattrs = userXattrs

// Start launches a new versitygw server with an empty backend directory and
// returns it once it answers ListBuckets. t.Cleanup stops it. Start fails
// the test if the binary cannot be built or the server does not come up.
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, false)
}

// The IAM user of a server started with StartWithUser.
const (
	UserAccessKey = "s3share-user"
	UserSecretKey = "s3share-user-secret-key"
)

// StartWithUser is Start for a server that also knows an IAM user
// (UserAccessKey, UserSecretKey, role "user"): its signatures are valid,
// but it owns no bucket and has been granted none, so the server refuses
// it every bucket the root creates with AccessDenied.
func StartWithUser(t testing.TB) *Server {
	t.Helper()
	return start(t, true)
}

func start(t testing.TB, withUser bool) *Server {
	t.Helper()
	bin, err := EnsureBinary(t.Logf)
	if err != nil {
		t.Fatalf("s3test: no versitygw server: %v", err)
	}

	root := t.TempDir() // removed after the Cleanup below has stopped the server
	s := &Server{
		AccessKey: AccessKey,
		SecretKey: SecretKey,
		Region:    Region,
		Dir:       filepath.Join(root, "data"),
		bin:       bin,
		accessLog: filepath.Join(root, "access.log"),
		logs:      &ringBuffer{max: logTailBytes},
	}
	// Buckets can turn versioning on: versitygw keeps old versions here.
	s.versionDir = filepath.Join(root, "versions")
	for _, d := range []string{s.Dir, s.versionDir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatalf("s3test: %v", err)
		}
	}
	if withUser {
		s.iamDir = filepath.Join(root, "iam")
		users := `{"accessAccounts":{"` + UserAccessKey + `":{"access":"` + UserAccessKey + `","secret":"` + UserSecretKey + `","role":"user"}}}`
		if err := os.Mkdir(s.iamDir, 0o700); err != nil {
			t.Fatalf("s3test: %v", err)
		}
		if err := os.WriteFile(filepath.Join(s.iamDir, "users.json"), []byte(users), 0o600); err != nil {
			t.Fatalf("s3test: %v", err)
		}
	}
	xattrs, err := probeXattrs(s.Dir)
	if err != nil {
		t.Fatalf("s3test: probe extended attributes on %s: %v", s.Dir, err)
	}
	if !xattrs {
		// The sidecar must live outside the backend directory.
		s.metaDir = filepath.Join(root, "meta")
		if err := os.Mkdir(s.metaDir, 0o755); err != nil {
			t.Fatalf("s3test: %v", err)
		}
	}
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("s3test: stop versitygw: %v", err)
		}
	})

	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			t.Fatalf("s3test: find a free port on 127.0.0.1: %v", err)
		}
		if err := s.setHost(net.JoinHostPort("127.0.0.1", strconv.Itoa(port))); err != nil {
			t.Fatalf("s3test: %v", err)
		}
		err = s.launch()
		if err == nil {
			return s
		}
		// Another process may take the port between our probe and the
		// server's bind; try a different one.
		if !errors.Is(err, errAddrInUse) || attempt == 5 {
			t.Fatalf("s3test: %v", err)
		}
	}
}

// setHost points the Server and a fresh Client at host.
func (s *Server) setHost(host string) error {
	s.Host = host
	s.Endpoint = "http://" + host
	tr, err := minio.DefaultTransport(false)
	if err != nil {
		return fmt.Errorf("minio transport: %v", err)
	}
	tr.Proxy = nil // the server is local; never go through a proxy
	s.transport = tr
	c, err := minio.New(host, &minio.Options{
		Creds:        credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""),
		Secure:       false,
		Region:       s.Region,
		BucketLookup: minio.BucketLookupPath,
		Transport:    tr,
		MaxRetries:   1, // a local server either answers or is gone
	})
	if err != nil {
		return fmt.Errorf("minio client for %s: %v", host, err)
	}
	s.Client = c
	return nil
}

// args returns the versitygw command line for the current Host.
func (s *Server) args() []string {
	args := []string{
		"--access", s.AccessKey,
		"--secret", s.SecretKey,
		"--region", s.Region,
		"--port", s.Host,
		"--quiet",
		"--access-log", s.accessLog,
	}
	if s.iamDir != "" {
		args = append(args, "--iam-dir", s.iamDir)
	}
	args = append(args, "posix")
	if s.metaDir != "" {
		args = append(args, "--sidecar", s.metaDir)
	}
	args = append(args, "--versioning-dir", s.versionDir)
	return append(args, s.Dir)
}

// launch starts the process on s.Host and waits until it serves requests.
func (s *Server) launch() error {
	cmd := exec.Command(s.bin, s.args()...)
	cmd.Dir = s.Dir
	cmd.Env = childEnv()
	cmd.Stdout = s.logs
	cmd.Stderr = s.logs
	cmd.SysProcAttr = sysProcAttr()
	fmt.Fprintf(s.logs, "--- s3test: starting versitygw on %s\n", s.Host)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %v; set %s=/path/to/versitygw to use another binary", s.bin, err, EnvBinary)
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	s.mu.Lock()
	s.proc = p
	s.mu.Unlock()

	if err := s.waitReady(p, start); err != nil {
		_ = s.stop()
		return err
	}
	return nil
}

// waitReady polls until a signed ListBuckets succeeds, the process exits,
// or readyTimeout passes.
func (s *Server) waitReady(p *process, start time.Time) error {
	deadline := start.Add(readyTimeout)
	var lastErr error
	for {
		select {
		case <-p.done:
			msg := fmt.Sprintf("versitygw exited before serving on %s (%v)", s.Host, p.err)
			tail := s.LogTail()
			if strings.Contains(tail, "address already in use") {
				return fmt.Errorf("%s: %w", msg, errAddrInUse)
			}
			return fmt.Errorf("%s; command: %s\nserver output:\n%s", msg, s.commandLine(), tail)
		default:
		}
		if conn, err := net.DialTimeout("tcp", s.Host, time.Second); err != nil {
			lastErr = err
		} else {
			conn.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_, err := s.Client.ListBuckets(ctx)
			cancel()
			if err == nil {
				return nil
			}
			if resp := minio.ToErrorResponse(err); resp.Code != "" {
				// Another process's server may hold the port our server
				// failed to bind: then it is that one refusing us.
				select {
				case <-p.done:
				case <-time.After(2 * time.Second):
				}
				if strings.Contains(s.LogTail(), "address already in use") {
					return fmt.Errorf("versitygw on %s: another server holds the port: %w", s.Host, errAddrInUse)
				}
				// Our server answered but refused: retrying will not help.
				return fmt.Errorf("versitygw on %s rejects ListBuckets: %v; command: %s\nserver output:\n%s", s.Host, err, s.commandLine(), s.LogTail())
			}
			lastErr = err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("versitygw on %s not ready after %s (last error: %v); command: %s\nserver output:\n%s", s.Host, readyTimeout, lastErr, s.commandLine(), s.LogTail())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// commandLine is the server's command line with the secret masked.
func (s *Server) commandLine() string {
	args := s.args()
	for i := range args {
		if args[i] == "--secret" && i+1 < len(args) {
			args[i+1] = "****"
		}
	}
	return s.bin + " " + strings.Join(args, " ")
}

// Stop ends the server process, as if the server went away. Requests fail
// until Restart. Stopping a stopped server does nothing.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	if err := s.stop(); err != nil {
		t.Fatalf("s3test: stop versitygw: %v", err)
	}
}

func (s *Server) stop() error {
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.mu.Unlock()
	if p == nil {
		return nil
	}
	defer s.transport.CloseIdleConnections()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(stopGrace):
		fmt.Fprintf(s.logs, "--- s3test: versitygw ignored SIGTERM for %s, killing it\n", stopGrace)
		_ = p.cmd.Process.Kill()
		select {
		case <-p.done:
		case <-time.After(stopGrace):
			return fmt.Errorf("process %d did not exit after SIGKILL", p.cmd.Process.Pid)
		}
	}
	fmt.Fprintf(s.logs, "--- s3test: versitygw stopped (%v)\n", p.err)
	return nil
}

// Restart starts the server again on the same port over the same
// directory, so buckets and objects written before are still there. A
// running server is stopped first. Client keeps working.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	if err := s.stop(); err != nil {
		t.Fatalf("s3test: stop versitygw: %v", err)
	}
	var err error
	for attempt := 0; attempt < 20; attempt++ {
		if err = s.launch(); !errors.Is(err, errAddrInUse) {
			break
		}
		// The port may still be held briefly, or taken by someone else.
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("s3test: restart versitygw on %s: %v", s.Host, err)
	}
}

// LogTail returns the recent standard output and error of the server,
// across restarts, for failure messages.
func (s *Server) LogTail() string {
	return s.logs.String()
}

// AccessLog returns the server's access log: a "log starts" line per
// (re)start, then one line per request in the S3 server access log format.
// Split on spaces, field 1 is the bucket, field 5 the requester, field 7 the
// operation (such as s3_ListObjectsV2, s3_GetObject, s3_ListAllMyBuckets)
// and field 9 the raw request URI with its query string, for example
// "/bkt/?delimiter=%2F&list-type=2&prefix=a%2F" (counting from 0; the
// timestamp takes fields 2 and 3). The log only grows, so a test can
// remember len(AccessLog()) and inspect what came after. A request's line is
// written before its response is sent. Readiness probes after Start and
// Restart appear as s3_ListAllMyBuckets.
func (s *Server) AccessLog() string {
	b, err := os.ReadFile(s.accessLog)
	if err != nil {
		return ""
	}
	return string(b)
}

var bucketSeq atomic.Int64

// NewBucket creates a bucket with a fresh valid name and returns the name.
func (s *Server) NewBucket(t testing.TB) string {
	t.Helper()
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("s3test: %v", err)
	}
	name := fmt.Sprintf("s3share-%d-%s", bucketSeq.Add(1), hex.EncodeToString(b[:]))
	s.MakeBucket(t, name)
	return name
}

// MakeBucket creates the bucket name in the server's region.
func (s *Server) MakeBucket(t testing.TB, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	if err := s.Client.MakeBucket(ctx, name, minio.MakeBucketOptions{Region: s.Region}); err != nil {
		t.Fatalf("s3test: MakeBucket %q: %v\nserver output:\n%s", name, err, s.LogTail())
	}
}

// SetCORS lets browser pages of the given origins PUT and GET the
// bucket's objects (a bucket CORS configuration).
func (s *Server) SetCORS(t testing.TB, bucket string, origins ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	cfg := cors.NewConfig([]cors.Rule{{AllowedOrigin: origins, AllowedMethod: []string{"GET", "PUT", "HEAD"}, AllowedHeader: []string{"*"}, ExposeHeader: []string{"ETag"}}})
	if err := s.Client.SetBucketCors(ctx, bucket, cfg); err != nil {
		t.Fatalf("s3test: SetBucketCors %q: %v", bucket, err)
	}
}

// PutCORSJSON puts a bucket CORS configuration given as the JSON that
// aws s3api put-bucket-cors --cors-configuration takes.
func (s *Server) PutCORSJSON(t testing.TB, bucket string, js []byte) {
	t.Helper()
	var in struct {
		CORSRules []struct {
			ID                                                            string
			AllowedOrigins, AllowedMethods, AllowedHeaders, ExposeHeaders []string
			MaxAgeSeconds                                                 int
		}
	}
	if err := json.Unmarshal(js, &in); err != nil {
		t.Fatalf("s3test: CORS configuration: %v\n%s", err, js)
	}
	rules := make([]cors.Rule, len(in.CORSRules))
	for i, r := range in.CORSRules {
		rules[i] = cors.Rule{ID: r.ID, AllowedOrigin: r.AllowedOrigins, AllowedMethod: r.AllowedMethods, AllowedHeader: r.AllowedHeaders,
			ExposeHeader: r.ExposeHeaders, MaxAgeSeconds: r.MaxAgeSeconds}
	}
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	if err := s.Client.SetBucketCors(ctx, bucket, cors.NewConfig(rules)); err != nil {
		t.Fatalf("s3test: SetBucketCors %q: %v", bucket, err)
	}
}

// Put stores body under bucket/key with the given Content-Type (may be
// empty). A key ending in "/" must have an empty body: versitygw's posix
// backend maps it to a directory.
func (s *Server) Put(t testing.TB, bucket, key string, body []byte, contentType string) {
	t.Helper()
	if strings.HasSuffix(key, "/") && len(body) > 0 {
		t.Fatalf("s3test: Put %s/%s: a key ending in \"/\" is a directory on versitygw's posix backend and cannot hold %d bytes; use an empty body", bucket, key, len(body))
	}
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	var err error
	// versitygw now and then closes a kept-alive connection just as the
	// next request is written to it ("broken pipe"): that request never
	// reached the server, so it is sent again on a new connection.
	for try := 0; try < 3; try++ {
		_, err = s.Client.PutObject(ctx, bucket, key, bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{ContentType: contentType})
		if err == nil || minio.ToErrorResponse(err).Code != "" || ctx.Err() != nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("s3test: Put %s/%s: %v\nserver output:\n%s", bucket, key, err, s.LogTail())
	}
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// childEnv is the server's environment: versitygw reads many settings
// (ROOT_ACCESS_KEY, VGW_*, LOGFILE, WEBHOOK, …) from the environment, so
// only what a process needs to run is passed on.
func childEnv() []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// ringBuffer keeps the last max bytes written to it.
type ringBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (r *ringBuffer) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf = append(r.buf, p...)
	if over := len(r.buf) - r.max; over > 0 {
		r.buf = append(r.buf[:0], r.buf[over:]...)
	}
	return len(p), nil
}

func (r *ringBuffer) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return string(r.buf)
}
