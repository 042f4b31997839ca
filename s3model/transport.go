package s3model

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"

	"github.com/s3share/s3share/config"
)

// configureTLS applies the store's TLS settings to tr: extra certificate
// authorities from its CA bundle (trusted besides the system's), and no
// certificate verification at all when it is Insecure.
func configureTLS(tr *http.Transport, st config.Store) error {
	if !st.Secure() || (!st.Insecure && st.CABundle == "") {
		return nil
	}
	if tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if st.CABundle != "" {
		pem, err := os.ReadFile(st.CABundle)
		if err != nil {
			return fmt.Errorf("CA bundle: %v", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("CA bundle %s: no PEM certificate in it", st.CABundle)
		}
		tr.TLSClientConfig.RootCAs = pool
	}
	// The user asked for it with --insecure (or insecure = true), and is
	// warned about it.
	tr.TLSClientConfig.InsecureSkipVerify = st.Insecure //nolint:gosec
	return nil
}
