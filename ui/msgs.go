package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/s3model"
)

// bucketsMsg carries the answer to a ListBuckets.
type bucketsMsg struct {
	reqID   int
	buckets []s3model.Bucket
	err     error
}

// pageMsg carries one page of a prefix listing.
type pageMsg struct {
	reqID int
	loc   Location
	// token is the continuation token the page was asked for; a failed
	// listing resumes from it.
	token string
	page  s3model.Page
	// next is where the listing resumes after this page: its last name,
	// or the continuation token of the next page.
	next string
	err  error
}

// viewMsg carries a filtered and/or sorted order of the listing's rows,
// computed off the update loop over its first n rows.
type viewMsg struct {
	jobID  int
	n      int
	np, no int        // the prefixes and objects it covers
	of     viewParams // what it was computed for
	ids    []s3model.ID
}

// detailTickMsg fires after the cursor has rested on a row, so details
// are fetched for where the cursor stops rather than every row it passes.
type detailTickMsg struct{ seq int }

// detailMsg carries an object's HEAD.
type detailMsg struct {
	bucket, key string
	details     s3model.Details
	err         error
}

// versionsMsg carries the versions of an object.
type versionsMsg struct {
	reqID       int // the browser's versionsReq when asked; a later ask wins
	bucket, key string
	versions    []s3model.Version
	err         error
}

// statusMsg asks the root to show a transient line in the status bar.
type statusMsg struct {
	text string
	err  bool
}

// clearStatusMsg clears the status line if it still shows message id.
type clearStatusMsg struct{ id int }

// pushPanelMsg asks the root to open a panel on top of the stack; init
// is its first command.
type pushPanelMsg struct {
	panel panel
	init  tea.Cmd
}

// popPanelMsg asks the root to close the panel with the id.
type popPanelMsg struct{ id int }

// pushPanel opens p over the panes.
func pushPanel(p panel, init tea.Cmd) tea.Cmd {
	return func() tea.Msg { return pushPanelMsg{panel: p, init: init} }
}

// popPanel closes the panel with the id.
func popPanel(id int) tea.Cmd {
	return func() tea.Msg { return popPanelMsg{id: id} }
}

// copyMsg asks the root to put text on the clipboard.
type copyMsg struct {
	text string
	what string // what the text is, for the status line ("s3:// URI")
}
