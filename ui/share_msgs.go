package ui

import (
	"time"

	"github.com/s3share/s3share/internal/clip"
	"github.com/s3share/s3share/internal/linkcheck"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/presign/gatewayapi"
	"github.com/s3share/s3share/presign/ledger"
)

// Messages of the share panel and the ledger view. Each carries the id of
// the panel that asked for it, so a reply reaching a panel opened later
// (or a closed panel's timer) is dropped.

// linksSignedMsg carries the links one Enter of the share panel made.
type linksSignedMsg struct {
	id      int
	results []presign.Result
	// capped is set when a recursive listing stopped at presign.MaxRecursive.
	capped bool
	// ledgerErr is set when the links were made but not recorded.
	ledgerErr error
	err       error
	// ask is set for more than askAbove links, which are not recorded
	// until the user says yes; record records them then.
	ask    bool
	record func() error
	// short is set when the signing credentials end before the expiry
	// asked for: the links are not recorded until the user keeps them.
	short *cutShort
}

// linksCheckedMsg carries a round of the result's link check.
type linksCheckedMsg struct {
	id, gen int
	reports []linkcheck.Report
	err     error
}

// uploadSeenMsg is one look of the watch for an upload link's upload:
// the upload, or the wait before the next look, or the error that ends
// the watch.
type uploadSeenMsg struct {
	id, gen int
	up      linkcheck.Upload
	wait    time.Duration
	err     error
}

// watchTickMsg says it is time for the watch's next look.
type watchTickMsg struct{ id, gen int }

// clipboardResultMsg says what a copy did.
type clipboardResultMsg struct {
	id   int
	what string // "link", "3 links", "curl line", …
	res  clip.Result
}

// exportedMsg answers an export of the batch result.
type exportedMsg struct {
	id   int
	path string // absolute
	n    int
	// exists is set when the file is there and overwriting was not confirmed.
	exists bool
	err    error
}

// ledgerLoadedMsg carries the share ledger's records.
type ledgerLoadedMsg struct {
	id    int
	recs  []ledger.Record
	warns []ledger.Warning
	err   error
}

// ledgerTickMsg makes the ledger view count down.
type ledgerTickMsg struct {
	id int
	t  time.Time
}

// ledgerRemovedMsg answers the removal of records from the ledger: rec
// is the row the user forgot (a link, or a batch's first), match what
// was removed, gone the records the file held.
type ledgerRemovedMsg struct {
	id    int
	rec   ledger.Record
	match func(ledger.Record) bool
	gone  []ledger.Record
	err   error
}

// ledgerRestoredMsg answers the undo of a removal: recs are back in the
// ledger file.
type ledgerRestoredMsg struct {
	id   int
	recs []ledger.Record
	err  error
}

// gatewaySharedMsg answers the share panel's request for a gateway share.
type gatewaySharedMsg struct {
	id      int
	gateway string // the gateway's base URL
	share   gatewayapi.Share
	// ledgerErr is set when the share was made but not recorded.
	ledgerErr error
	err       error
}

// gatewayListedMsg carries a gateway's list of shares.
type gatewayListedMsg struct {
	id      int
	gateway string
	shares  []gatewayapi.Share
	err     error
}

// gatewayRevokedMsg answers the revocation of a gateway share and its
// removal from the ledger.
type gatewayRevokedMsg struct {
	id     int
	rec    ledger.Record
	share  gatewayapi.Share
	upload gatewayapi.Upload // when rec is an upload request
	err    error             // the revocation failed: nothing was removed
	gone   []ledger.Record   // records removed
	rmErr  error             // revoked, but not removed from the ledger
}

// uploadRequestMadeMsg answers the share panel's request for a drop link.
type uploadRequestMadeMsg struct {
	id      int
	gateway string // the gateway's base URL
	upload  gatewayapi.Upload
	// ledgerErr is set when the request was made but not recorded.
	ledgerErr error
	err       error
}

// uploadPolledMsg is one look at an upload request's files: the request
// as its gateway shows it, and how long the look took.
type uploadPolledMsg struct {
	id, gen int
	upload  gatewayapi.Upload
	took    time.Duration
	err     error
}

// uploadPollTickMsg says it is time for the next look.
type uploadPollTickMsg struct{ id, gen int }

// gatewayUploadsMsg carries what a gateway says of the ledger's upload
// requests: each one it knows, and the error that stopped the asking.
type gatewayUploadsMsg struct {
	id      int
	gateway string
	uploads []gatewayapi.Upload
	err     error
}
