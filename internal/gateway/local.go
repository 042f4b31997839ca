package gateway

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"sync"
	"time"
)

// Local is a gateway run inside another program — s3share demo, and
// tests — on a loopback port, with its SQLite database in a directory of
// the caller's and an admin token of its own, made at random and never
// shown.
type Local struct {
	URL   string // the gateway's base URL, http://127.0.0.1:PORT
	Token string // its admin token: a secret
	stop  context.CancelFunc
	done  chan error
	store Store
	once  sync.Once
	err   error
}

// StartLocal starts a gateway whose links signing signs, with its
// database in dir (gateway.db). Its log goes to logw; nil discards it.
func StartLocal(signing Signing, storeName, dir string, logw io.Writer) (*Local, error) {
	if logw == nil {
		logw = io.Discard
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := OpenStore(ctx, "sqlite:"+filepath.Join(dir, "gateway.db"))
	if err != nil {
		return nil, fmt.Errorf("gateway: %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("gateway: %v", err)
	}
	loc := &Local{URL: "http://" + l.Addr().String(), Token: randomText(32), done: make(chan error, 1), store: st}
	g, err := New(Config{Store: st, Signing: signing, StoreName: storeName, PublicURL: loc.URL, AdminToken: loc.Token,
		CreatePerMinute: -1, Logger: slog.New(slog.NewTextHandler(logw, nil))})
	if err != nil {
		l.Close()
		st.Close()
		return nil, err
	}
	sctx, stop := context.WithCancel(context.Background())
	loc.stop = stop
	go func() { loc.done <- g.Serve(sctx, l, "", "", 5*time.Second) }()
	return loc, nil
}

// Close stops the gateway and closes its database; later calls return
// what the first did.
func (l *Local) Close() error {
	l.once.Do(func() {
		l.stop()
		l.err = <-l.done
		if err := l.store.Close(); l.err == nil {
			l.err = err
		}
	})
	return l.err
}
