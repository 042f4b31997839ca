// Package qrtest decodes QR codes drawn as text, for tests: what a
// terminal shows is turned back into an image and read with a QR
// decoder, so a test proves that the code on screen scans to the link.
package qrtest

import (
	"image"
	"image/color"
	"regexp"
	"strings"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/s3share/s3share/presign"
)

// sgr matches the colour escapes a drawn code may carry.
var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

// scale is how many pixels a module gets.
const scale = 4

// Decode reads the QR code drawn in text (the lines of presign.QR, with
// or without colour escapes; blank lines around it are ignored) and
// returns what it holds.
func Decode(text string) (string, error) {
	var lines []string
	for _, l := range strings.Split(sgr.ReplaceAllString(text, ""), "\n") {
		if strings.ContainsAny(l, "█▀▄") {
			lines = append(lines, l)
		}
	}
	rows := presign.ReadQR(lines)
	w := 0
	for _, r := range rows {
		w = max(w, len(r))
	}
	img := image.NewGray(image.Rect(0, 0, w*scale, len(rows)*scale))
	for y, r := range rows {
		for x := 0; x < w; x++ {
			c := color.Gray{Y: 255}
			if x < len(r) && r[x] {
				c = color.Gray{Y: 0}
			}
			for dy := 0; dy < scale; dy++ {
				for dx := 0; dx < scale; dx++ {
					img.SetGray(x*scale+dx, y*scale+dy, c)
				}
			}
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}
