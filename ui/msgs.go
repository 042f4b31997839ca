package ui

import "github.com/s3share/s3share/s3model"

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
	err   error
}

// statusMsg asks the root to show a transient line in the status bar.
type statusMsg struct {
	text string
	err  bool
}

// clearStatusMsg clears the status line if it still shows message id.
type clearStatusMsg struct{ id int }
