package presign

import (
	"fmt"
	"strings"

	"rsc.io/qr"
)

// QRQuiet is the quiet zone around a QR code, in modules: the four the
// standard asks for, without which phones fail to find the code.
const QRQuiet = 4

// QR is a link as a QR code drawn in text: two modules a character cell,
// one above the other, with half blocks (▀ ▄ █), so that modules stay
// square on a terminal's cells. The light modules (and the quiet zone)
// are the drawn ones: on a dark terminal the code reads as dark on
// light, as scanners expect. Lines are the rows of cells; Width and
// Height their size in cells.
type QR struct {
	Lines         []string
	Width, Height int
}

// MakeQR encodes link at the lowest error correction (the one that
// holds the most), in the smallest QR version it fits.
func MakeQR(link string) (QR, error) {
	code, err := qr.Encode(link, qr.L)
	if err != nil {
		return QR{}, fmt.Errorf("QR code: the link is too long for one (%d bytes): %v", len(link), err)
	}
	n := code.Size + 2*QRQuiet
	dark := func(x, y int) bool {
		x, y = x-QRQuiet, y-QRQuiet
		return x >= 0 && y >= 0 && x < code.Size && y < code.Size && code.Black(x, y)
	}
	out := QR{Width: n, Height: (n + 1) / 2}
	var b strings.Builder
	for y := 0; y < n; y += 2 {
		b.Reset()
		for x := 0; x < n; x++ {
			top := !dark(x, y)
			bottom := y+1 < n && !dark(x, y+1)
			switch {
			case top && bottom:
				b.WriteRune('█')
			case top:
				b.WriteRune('▀')
			case bottom:
				b.WriteRune('▄')
			default:
				b.WriteByte(' ')
			}
		}
		out.Lines = append(out.Lines, b.String())
	}
	return out, nil
}

// String is the code's lines, each ended by a newline; with color, each
// line is drawn white on black (SGR 97;40), so that the code reads the
// same on light and dark terminals.
func (q QR) String(color bool) string {
	var b strings.Builder
	for _, l := range q.Lines {
		if color {
			b.WriteString("\x1b[97;40m" + l + "\x1b[0m\n")
		} else {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// ReadQR turns the text of a drawn QR code (MakeQR's lines) back into
// modules: dark[y][x] is true for a dark module. It is the inverse of
// the drawing, for tests that decode what was shown.
func ReadQR(lines []string) [][]bool {
	var rows [][]bool
	for _, l := range lines {
		top, bottom := []bool{}, []bool{}
		for _, r := range l {
			switch r {
			case '█':
				top, bottom = append(top, false), append(bottom, false)
			case '▀':
				top, bottom = append(top, false), append(bottom, true)
			case '▄':
				top, bottom = append(top, true), append(bottom, false)
			default:
				top, bottom = append(top, true), append(bottom, true)
			}
		}
		rows = append(rows, top, bottom)
	}
	return rows
}
