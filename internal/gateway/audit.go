package gateway

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/s3share/s3share/internal/sanitize"
)

// auditQueue writes audit events in batches, off the request path: a
// visit costs one database write (its count), not two. Events still
// queued when the process is killed are lost; counts are not, being taken
// by the visit's own statement.
type auditQueue struct {
	store   Store
	log     *slog.Logger
	metrics *metrics

	ch      chan Event
	flushCh chan chan struct{}
	done    chan struct{}
	once    sync.Once
}

const (
	auditQueueSize = 8192
	auditBatch     = 500
	auditEvery     = 200 * time.Millisecond
	maxAgentBytes  = 256
)

func newAuditQueue(st Store, log *slog.Logger, m *metrics) *auditQueue {
	q := &auditQueue{store: st, log: log, metrics: m, ch: make(chan Event, auditQueueSize), flushCh: make(chan chan struct{}), done: make(chan struct{})}
	go q.run()
	return q
}

// add queues an event; when the queue is full it is dropped and counted.
func (q *auditQueue) add(e Event) {
	e.UserAgent = sanitize.Text(truncate(e.UserAgent, maxAgentBytes))
	select {
	case q.ch <- e:
	default:
		q.metrics.dropped.Add(1)
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// flush writes what is queued now.
func (q *auditQueue) flush() {
	c := make(chan struct{})
	select {
	case q.flushCh <- c:
		<-c
	case <-q.done:
	}
}

// close writes what is queued and stops.
func (q *auditQueue) close() {
	q.once.Do(func() { close(q.ch) })
	<-q.done
}

func (q *auditQueue) run() {
	defer close(q.done)
	t := time.NewTicker(auditEvery)
	defer t.Stop()
	var batch []Event
	write := func() {
		if len(batch) == 0 {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := q.store.AddEvents(ctx, batch); err != nil {
			q.log.Error("audit trail not written", "events", len(batch), "err", err)
		}
		cancel()
		batch = batch[:0]
	}
	for {
		select {
		case e, ok := <-q.ch:
			if !ok {
				write()
				return
			}
			batch = append(batch, e)
			if len(batch) >= auditBatch {
				write()
			}
		case c := <-q.flushCh:
			for more := true; more; {
				select {
				case e, ok := <-q.ch:
					if !ok {
						more = false
						break
					}
					batch = append(batch, e)
				default:
					more = false
				}
			}
			write()
			close(c)
		case <-t.C:
			write()
		}
	}
}
