package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/s3model"
)

// Transfers: u uploads a local file into the current prefix, D downloads
// objects to a local directory, both in the background with their
// progress in the status line while browsing goes on; p previews the
// head of an object.

// Transferer is what transfers and previews ask of a store, besides
// Store. *s3model.Client implements it; a store that does not cannot
// transfer, and says so.
type Transferer interface {
	Upload(ctx context.Context, bucket, key string, src io.ReaderAt, size int64, o s3model.UploadOptions) (s3model.Uploaded, error)
	Download(ctx context.Context, bucket, key, dest string, o s3model.DownloadOptions) (int64, error)
	ReadHead(ctx context.Context, bucket, key string, n int64) (s3model.Head, error)
}

// transferer returns the session's store as a Transferer.
func (s *session) transferer() (Transferer, bool) {
	t, ok := s.client.(Transferer)
	return t, ok && s.client != nil
}

// transferTick is how often the status line redraws a transfer's progress.
var transferTick = 200 * time.Millisecond

// job is one transfer running in the background: a Cmd moves the bytes,
// and the root reads done on each tick. Only the Cmd writes done; the
// root only reads it, and owns the rest.
type job struct {
	id     int
	upload bool
	name   string // what the status line calls it (made safe)
	total  int64
	done   atomic.Int64
	start  time.Time
	cancel context.CancelFunc
}

// transferDoneMsg says a job ended.
type transferDoneMsg struct {
	id  int
	err error
	// For an upload: where the object went, to share it; for a
	// download: the files written.
	target ShareTarget
	files  []string
	// share opens the share panel on the uploaded object.
	share bool
}

// transferStartMsg asks the root to run a job.
type transferStartMsg struct {
	job *job
	run tea.Cmd
}

// transferTickMsg redraws the progress.
type transferTickMsg struct{}

// transfers are the jobs running, in the order they started.
type transfers struct {
	jobs    []*job
	ticking bool
}

// transferUpdate handles the transfer messages on the root.
func (m *Model) transferUpdate(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case transferStartMsg:
		m.xfers.jobs = append(m.xfers.jobs, msg.job)
		return tea.Batch(msg.run, m.transferTickCmd())
	case transferTickMsg:
		m.xfers.ticking = false
		return m.transferTickCmd()
	case transferDoneMsg:
		for i, j := range m.xfers.jobs {
			if j.id == msg.id {
				m.xfers.jobs = append(m.xfers.jobs[:i:i], m.xfers.jobs[i+1:]...)
				break
			}
		}
		return m.transferDone(msg)
	}
	return nil
}

func (m *Model) transferTickCmd() tea.Cmd {
	if m.xfers.ticking || len(m.xfers.jobs) == 0 {
		return nil
	}
	m.xfers.ticking = true
	return tea.Tick(transferTick, func(time.Time) tea.Msg { return transferTickMsg{} })
}

// transferDone reports a finished job; an upload then refreshes the
// listing it went into and offers to share the new object.
func (m *Model) transferDone(msg transferDoneMsg) tea.Cmd {
	if msg.err != nil {
		if errors.Is(msg.err, context.Canceled) {
			return m.setStatus("transfer cancelled: nothing was left half-made", false)
		}
		return m.setStatus(safe(msg.err.Error()), true)
	}
	if len(msg.files) > 0 {
		what := safe(msg.files[0])
		if len(msg.files) > 1 {
			what = fmt.Sprintf("%d files to %s", len(msg.files), safe(filepath.Dir(msg.files[0])))
		}
		return m.setStatus("downloaded "+what, false)
	}
	t := msg.target
	cmds := []tea.Cmd{m.setStatus("uploaded "+safe("s3://"+t.Bucket+"/"+t.Key)+" ("+humanSize(t.Size)+")", false)}
	if b := &m.browser; b.loc.Bucket == t.Bucket && b.loc.Prefix == dirOf(t.Key) && b.state != stateLoading {
		b.loc.Select = ""
		cmds = append(cmds, b.refreshTo(baseName(t.Key)))
	}
	if msg.share && len(m.stack) == 0 {
		cmds = append(cmds, openShare(m.s, []ShareTarget{t}))
	}
	return tea.Batch(cmds...)
}

// refreshTo reloads the location with the cursor on the row want.
func (b *browser) refreshTo(want string) tea.Cmd {
	b.cache.remove(b.loc)
	filter, sortKey, desc := b.filter, b.sortKey, b.desc
	cmd := b.open(b.loc, want)
	b.filter, b.sortKey, b.desc = filter, sortKey, desc
	return tea.Batch(cmd, b.requestView())
}

// dirOf is the prefix a key sits in.
func dirOf(key string) string {
	if i := lastSlash(key); i >= 0 {
		return key[:i+1]
	}
	return ""
}

func lastSlash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}

// transferLine is the status line while jobs run: the first job's
// progress, and how many more there are.
func (m *Model) transferLine() string {
	if len(m.xfers.jobs) == 0 {
		return ""
	}
	j := m.xfers.jobs[0]
	done := j.done.Load()
	arrow := "↓"
	if j.upload {
		arrow = "↑"
	}
	pct := 100
	if j.total > 0 {
		pct = int(done * 100 / j.total)
	}
	line := fmt.Sprintf("%s %s %d%% of %s", arrow, j.name, pct, humanSize(j.total))
	if el := time.Since(j.start).Seconds(); el > 0.5 && done > 0 {
		rate := float64(done) / el
		line += fmt.Sprintf(" · %s/s", humanSize(int64(rate)))
		if left := j.total - done; left > 0 {
			line += " · ETA " + time.Duration(float64(left)/rate*float64(time.Second)).Round(time.Second).String()
		}
	}
	if n := len(m.xfers.jobs) - 1; n > 0 {
		line += fmt.Sprintf(" · %d more", n)
	}
	return line
}

// startUpload uploads the local file path to bucket/key in the
// background, then (share) offers the share panel on the new object.
func startUpload(s *session, path, bucket, key string, share bool) tea.Cmd {
	tr, ok := s.transferer()
	if !ok {
		return status("this store cannot upload from here", true)
	}
	jobs := s.jobs
	// Opening and sizing the file is quick but still I/O: in the Cmd.
	return func() tea.Msg {
		f, err := os.Open(path)
		if err != nil {
			return statusMsg{text: "upload: " + safe(err.Error()), err: true}
		}
		fi, err := f.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			f.Close()
			return statusMsg{text: "upload: " + safe(path) + " is not a regular file", err: true}
		}
		ctx, cancel := context.WithCancel(context.Background())
		j := &job{upload: true, name: safe(filepath.Base(path)), total: fi.Size(), start: time.Now(), cancel: cancel}
		j.id = int(jobIDs.Add(1))
		jobs.add(cancel)
		run := func() tea.Msg {
			defer jobs.done()
			defer f.Close()
			defer cancel()
			up, err := tr.Upload(ctx, bucket, key, f, fi.Size(), s3model.UploadOptions{
				ContentType: presign.TypeOf(key), Progress: func(done int64) { j.done.Store(done) },
			})
			return transferDoneMsg{id: j.id, err: err, share: share,
				target: ShareTarget{Bucket: bucket, Key: key, Size: up.Size}}
		}
		return transferStartMsg{job: j, run: run}
	}
}

// jobGroup is every transfer of a UI still running, so that quitting
// stops them cleanly: an upload is aborted (nothing half-made stays on
// the store), a download's temporary file removed.
type jobGroup struct {
	mu      sync.Mutex
	cancels []context.CancelFunc
	wg      sync.WaitGroup
}

func (g *jobGroup) add(cancel context.CancelFunc) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.cancels = append(g.cancels, cancel)
	g.wg.Add(1)
}

func (g *jobGroup) done() { g.wg.Done() }

// stop cancels every transfer and waits for them to clean up, at most
// for wait; it reports whether they all did.
func (g *jobGroup) stop(wait time.Duration) bool {
	g.mu.Lock()
	for _, c := range g.cancels {
		c()
	}
	g.mu.Unlock()
	ended := make(chan struct{})
	go func() { g.wg.Wait(); close(ended) }()
	select {
	case <-ended:
		return true
	case <-time.After(wait):
		return false
	}
}

// jobIDs numbers the jobs (from their Cmds, hence atomic).
var jobIDs atomic.Int64

// download is one object to fetch and the file it goes to.
type download struct {
	bucket, key, dest string
	size              int64
	force             bool // replace the file there (the user said so)
}

// startDownloads fetches objects one after the other, in the background.
func startDownloads(s *session, items []download) tea.Cmd {
	tr, ok := s.transferer()
	if !ok {
		return status("this store cannot download from here", true)
	}
	var total int64
	for _, d := range items {
		total += d.size
	}
	name := safe(filepath.Base(items[0].dest))
	if len(items) > 1 {
		name = fmt.Sprintf("%d objects", len(items))
	}
	ctx, cancel := context.WithCancel(context.Background())
	j := &job{id: int(jobIDs.Add(1)), name: name, total: total, start: time.Now(), cancel: cancel}
	jobs := s.jobs
	jobs.add(cancel)
	run := func() tea.Msg {
		defer jobs.done()
		defer cancel()
		var before int64
		var files []string
		for _, d := range items {
			_, err := tr.Download(ctx, d.bucket, d.key, d.dest, s3model.DownloadOptions{Force: d.force,
				Progress: func(done, _ int64) { j.done.Store(before + done) }})
			if err != nil {
				return transferDoneMsg{id: j.id, err: err, files: files}
			}
			before += d.size
			files = append(files, d.dest)
		}
		return transferDoneMsg{id: j.id, files: files}
	}
	return func() tea.Msg { return transferStartMsg{job: j, run: run} }
}
