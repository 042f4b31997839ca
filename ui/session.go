package ui

import (
	"context"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/clip"
	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/s3model"
)

// Store is what the UI asks of an S3 store. *s3model.Client implements
// it; the tests also run the panes on an in-memory one.
type Store interface {
	ListBuckets(ctx context.Context) ([]s3model.Bucket, error)
	ListPage(ctx context.Context, bucket, prefix, token string) (s3model.Page, error)
	Stat(ctx context.Context, bucket, key, versionID string) (s3model.Details, error)
	ListVersions(ctx context.Context, bucket, key string) ([]s3model.Version, error)
	ObjectURL(bucket, key string) string
	Store() config.Store
	// SigningStore is the store as a signer for bucket needs it (its
	// region resolved).
	SigningStore(ctx context.Context, bucket string) (config.Store, error)
	// Walk lists every object under prefix, for recursive shares.
	Walk(ctx context.Context, bucket, prefix string, fn func(key string, size int64) error) error
}

// session is what every pane of one running UI shares: the store, the
// clock, keys and styles, the clipboard and ledger, and what the user
// did so far. The root owns it and hands it to each pane it builds; it is
// read and changed only on the update loop (commands copy what they need).
type session struct {
	client     Store
	clock      func() time.Time
	keys       keymap.KeyMap
	styles     *Styles
	clipboard  clip.Clipboard
	ledgerPath string
	prefs      config.Prefs
	banner     string
	stores     StoreSource
	// log receives the debug log's lines; nil when there is none.
	log *debugLog
	// jobs are the transfers running, stopped cleanly on quit.
	jobs *jobGroup

	// lastExpiry is the expiry last used to sign, which the next share
	// panel starts on; nil until one is used.
	lastExpiry *expiryChoice
	// links are the links made, for --print on exit.
	links []string
	// lastID numbers the panels, so a reply reaches only its own.
	lastID int

	// store is what the context header says about the store, read once
	// per store (setClient), and label the style of its name.
	store storeInfo
	label lipgloss.Style
	// current is the store picker's choice the session is on; zero until
	// the user switches (the picker then goes by the store's name).
	current    config.Choice // hyperlinks draws links as OSC 8 hyperlinks.
	hyperlinks bool
}

// storeInfo is the store as the context header names it.
type storeInfo struct {
	name, host, region, color string
}

// setClient puts the session on a store and reads what the header shows
// of it.
func (s *session) setClient(c Store) {
	s.client = c
	s.store = storeInfo{}
	if c != nil {
		st := c.Store()
		s.store = storeInfo{name: st.Name, region: st.Region, color: st.Color}
		if st.Endpoint != nil {
			s.store.host = st.Endpoint.Host
		}
	}
	s.label = s.styles.StoreLabel(s.store.color)
}

// newSession builds the session of a UI from its options.
func newSession(opts Options) *session {
	st := NewStyles(opts.Prefs.Theme)
	s := &session{
		client:     opts.Client,
		clock:      opts.Now,
		keys:       opts.Keys,
		styles:     &st,
		clipboard:  opts.Clipboard,
		ledgerPath: opts.LedgerPath,
		prefs:      opts.Prefs,
		banner:     opts.Banner,
		stores:     opts.Stores,
		hyperlinks: hyperlinksOn(opts.Prefs.Hyperlinks, opts.Getenv),
		jobs:       &jobGroup{},
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if c, ok := s.client.(*s3model.Client); ok && c == nil {
		s.client = nil // a nil *Client is no store
	}
	s.setClient(s.client)
	return s
}

// now reads the session's clock.
func (s *session) now() time.Time { return s.clock() }

// nextID is a new panel id.
func (s *session) nextID() int {
	s.lastID++
	return s.lastID
}
