//go:build !unix

package userfile

const noFollow = 0
