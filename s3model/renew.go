package s3model

import (
	"context"
	"time"

	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/s3share/s3share/config"
)

// renewing is a minio-go credentials provider over a config.Renewer:
// minio-go asks IsExpired before each request and Retrieve when it says
// so, and the renewer fetches new temporary credentials from their source.
type renewing struct {
	r       *config.Renewer
	timeout time.Duration
}

func (p *renewing) Retrieve() (credentials.Value, error) {
	return p.RetrieveWithCredContext(nil)
}

func (p *renewing) RetrieveWithCredContext(cc *credentials.CredContext) (credentials.Value, error) {
	ctx := context.Background()
	if cc != nil && cc.Context != nil {
		ctx = cc.Context
	}
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	c, err := p.r.Current(ctx)
	if err != nil && !c.Expires.After(time.Now()) {
		return credentials.Value{}, err
	}
	return credentials.Value{
		AccessKeyID:     c.AccessKeyID,
		SecretAccessKey: c.SecretAccessKey,
		SessionToken:    c.SessionToken,
		Expiration:      c.Expires,
		SignerType:      credentials.SignatureV4,
	}, nil
}

func (p *renewing) IsExpired() bool { return p.r.Due() }
