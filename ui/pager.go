package ui

import (
	"context"

	"github.com/s3share/s3share/s3model"
)

// rangeLister is a Store that lists a prefix by key range, several
// ranges at once (*s3model.Client).
type rangeLister interface {
	List(ctx context.Context, bucket, prefix string, opts s3model.ListOptions) *s3model.Lister
}

// pager hands out the pages of one listing in key order. next is called
// from commands, one call at a time; close from anywhere, once.
type pager interface {
	// next returns the next page and where the listing resumes after it
	// ("" when the page says nothing new).
	next() (s3model.Page, string, error)
	close()
}

// newPager starts listing loc (one level, delimiter "/") from resume:
// by key range when the store can, else page by page.
func newPager(ctx context.Context, c Store, loc Location, resume string) pager {
	if rl, ok := c.(rangeLister); ok {
		return listerPager{rl.List(ctx, loc.Bucket, loc.Prefix, s3model.ListOptions{Delimiter: "/", After: resume})}
	}
	return &tokenPager{ctx: ctx, c: c, loc: loc, token: resume}
}

type listerPager struct{ l *s3model.Lister }

func (p listerPager) next() (s3model.Page, string, error) {
	page, err := p.l.Next()
	return page, page.Last, err
}

func (p listerPager) close() { p.l.Close() }

// tokenPager lists one page after another with continuation tokens.
type tokenPager struct {
	ctx   context.Context
	c     Store
	loc   Location
	token string
}

func (p *tokenPager) next() (s3model.Page, string, error) {
	page, err := p.c.ListPage(p.ctx, p.loc.Bucket, p.loc.Prefix, p.token)
	if err == nil {
		p.token = page.Next
	}
	return page, page.Next, err
}

func (p *tokenPager) close() {}
