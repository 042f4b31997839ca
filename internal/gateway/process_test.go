package gateway

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/presign/gatewayapi"
	"github.com/s3share/s3share/s3model"
)

// childEnv, set, makes the test binary a gateway process: runChild.
const childEnv = "S3SHARE_GATEWAY_TEST_CHILD"

// childConfig is what a gateway process is given.
type childConfig struct {
	DSN, Endpoint, AccessKey, SecretKey, Region string
}

// runChild serves a gateway on a free port until SIGTERM, printing its
// URL on the first line of stdout.
func runChild() int {
	var cc childConfig
	if err := json.Unmarshal([]byte(os.Getenv(childEnv)), &cc); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	st, err := OpenStore(ctx, cc.DSN)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer st.Close()
	srv := &s3test.Server{Endpoint: cc.Endpoint, AccessKey: cc.AccessKey, SecretKey: cc.SecretKey, Region: cc.Region}
	client, err := s3model.New(signingStore(srv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	base := "http://" + l.Addr().String()
	g, err := New(Config{Store: st, Signing: client, StoreName: "test", PublicURL: base, AdminToken: testAdmin, CreatePerMinute: -1})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(base)
	if err := g.Serve(ctx, l, "", "", 5*time.Second); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// startChild starts a gateway process on dsn and returns its URL and
// process.
func startChild(t *testing.T, srv *s3test.Server, dsn string) (string, *exec.Cmd) {
	t.Helper()
	cc, _ := json.Marshal(childConfig{DSN: dsn, Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Region: srv.Region})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+string(cc))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(out).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case u := <-line:
		if !strings.HasPrefix(u, "http://") {
			t.Fatalf("the gateway process did not start (%q)", u)
		}
		return u, cmd
	case <-time.After(30 * time.Second):
		t.Fatal("the gateway process did not start within 30s")
	}
	return "", nil
}

// TestKillDuringBurstLeavesAConsistentDatabase: a gateway process killed
// with SIGKILL in the middle of creations and visits loses no share it
// acknowledged and never counts past a limit; a restarted one serves
// every share.
func TestKillDuringBurstLeavesAConsistentDatabase(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "k", []byte("data"), "")
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "gateway.db")
	base, cmd := startChild(t, srv, dsn)
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	var mu sync.Mutex
	acked := map[string]int{} // share → redirects seen
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				sh, err := tryCreate(c, base, CreateRequest{Bucket: bucket, Key: "k", MaxDownloads: 2})
				if err != nil {
					return // the gateway is gone
				}
				mu.Lock()
				acked[sh.ID] += 0
				mu.Unlock()
				for i := 0; i < 3; i++ {
					resp, err := c.Get(sh.URL)
					if err != nil {
						return // the gateway is gone
					}
					resp.Body.Close()
					if resp.StatusCode == http.StatusFound {
						mu.Lock()
						acked[sh.ID]++
						mu.Unlock()
					}
				}
			}
		}()
	}
	time.Sleep(700 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	close(stop)
	wg.Wait()
	if len(acked) < 10 {
		t.Fatalf("only %d shares were made before the kill", len(acked))
	}

	st := openStore(t, dsn)
	ctx := context.Background()
	for id, redirects := range acked {
		sh, err := st.Share(ctx, id)
		if err != nil {
			t.Errorf("acknowledged share %s: %v", id, err)
			continue
		}
		if sh.Downloads > sh.MaxDownloads || int64(redirects) > sh.Downloads {
			t.Errorf("share %s: %d downloads counted, %d redirects seen, limit %d", id, sh.Downloads, redirects, sh.MaxDownloads)
		}
	}
	rows, err := st.(*sqlStore).r.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		t.Fatal(err)
	}
	var check string
	for rows.Next() {
		rows.Scan(&check)
	}
	rows.Close()
	if check != "ok" {
		t.Errorf("integrity_check: %s", check)
	}
	all, _ := st.Shares(ctx, Scope{}, 100000)
	for _, sh := range all {
		if sh.Downloads > sh.MaxDownloads {
			t.Errorf("share %s counted %d of %d", sh.ID, sh.Downloads, sh.MaxDownloads)
		}
	}

	// A restart serves every share, and the limits still hold.
	base2, cmd2 := startChild(t, srv, dsn)
	for id, redirects := range acked {
		resp, err := c.Get(base2 + "/s/" + id)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusGone || redirects >= 2 && resp.StatusCode != http.StatusGone {
			t.Errorf("after restart, share %s (%d redirects before): %d", id, redirects, resp.StatusCode)
		}
	}
	cmd2.Process.Signal(syscall.SIGTERM)
	if err := cmd2.Wait(); err != nil {
		t.Errorf("the gateway did not shut down cleanly on SIGTERM: %v", err)
	}
}

// tryCreate creates a share, with an error rather than a failed test
// when the gateway does not answer.
func tryCreate(c *http.Client, base string, req CreateRequest) (ShareJSON, error) {
	cl := &gatewayapi.Client{URL: base, Token: testAdmin, HTTP: c}
	return cl.Create(context.Background(), req)
}

// TestTwoGatewayProcessesOnPostgreSQL: 50 visits at once, spread over two
// gateway processes on one PostgreSQL database, on a max-5 share give
// exactly 5 redirects.
func TestTwoGatewayProcessesOnPostgreSQL(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "k", []byte("data"), "")
	dsn := backends[1].dsn(t)
	base1, _ := startChild(t, srv, dsn)
	base2, _ := startChild(t, srv, dsn)
	c := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	sh, err := tryCreate(c, base1, CreateRequest{Bucket: bucket, Key: "k", MaxDownloads: 5})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			base := base1
			if i%2 == 1 {
				base = base2
			}
			resp, err := c.Get(base + "/s/" + sh.ID)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			mu.Lock()
			statuses[resp.StatusCode]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if statuses[http.StatusFound] != 5 || statuses[http.StatusGone] != 45 {
		t.Errorf("statuses %v, want 5 redirects and 45 refusals", statuses)
	}
	// Revoked through one, refused by the other.
	cl := &gatewayapi.Client{URL: base1, Token: testAdmin, HTTP: c}
	if _, err := cl.Revoke(context.Background(), sh.ID); err != nil {
		t.Fatal(err)
	}
	sh2, err := tryCreate(c, base2, CreateRequest{Bucket: bucket, Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Revoke(context.Background(), sh2.ID); err != nil {
		t.Fatal(err)
	}
	resp, err := c.Get(base2 + "/s/" + sh2.ID)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusGone {
		t.Errorf("a share revoked through one gateway, visited through the other: %d", resp.StatusCode)
	}
}
