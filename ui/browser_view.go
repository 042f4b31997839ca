package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3share/s3share/s3model"
)

// Column widths of a row: mark, name, size and date, with the smaller
// ones dropped on narrow terminals.
const (
	sizeW      = 9
	dateShortW = 16 // 2006-01-02 15:04
	dateLongW  = 19 // 2006-01-02 15:04:05
	detailsH   = 9  // lines of the details box under the list on narrow screens
)

// detailsVisible reports whether the details box is on screen.
func (b *browser) detailsVisible() bool {
	return b.showDetails && b.loc.Bucket != "" && b.height >= 14
}

// detailsBeside reports whether details sit beside the list (wide screens).
func (b *browser) detailsBeside() bool { return b.detailsVisible() && b.width >= wideWidth }

// listWidth is the width of the list column.
func (b *browser) listWidth() int {
	if b.detailsBeside() {
		return b.width * 3 / 5
	}
	return b.width
}

// listHeight is the number of rows the list itself gets: the pane minus
// its header line and, on narrow screens, the details box.
func (b *browser) listHeight() int {
	h := b.height - 1
	if b.detailsVisible() && !b.detailsBeside() {
		h -= detailsH
	}
	return max(0, h)
}

// View renders the header, the visible rows and the details.
func (b *browser) View() string {
	if b.width <= 0 || b.height <= 0 {
		return ""
	}
	lw := b.listWidth()
	rows := b.rows(lw)
	if b.detailsBeside() {
		dw := b.width - lw - 1
		det := b.detailLines(dw)
		for i := range rows {
			d := ""
			if i < len(det) {
				d = det[i]
			}
			rows[i] += b.st.Dim.Render("│") + cut(d, dw)
		}
	} else if b.detailsVisible() {
		sep := b.st.Dim.Render(strings.Repeat("─", b.width))
		det := b.detailLines(b.width)
		rows = append(rows, sep)
		for i := 0; i < detailsH-1; i++ {
			d := ""
			if i < len(det) {
				d = det[i]
			}
			rows = append(rows, cut(d, b.width))
		}
	}
	return b.header() + "\n" + strings.Join(rows, "\n")
}

// header is the column headings, or the field being typed into. (The
// location and filter are in the root's context header.)
func (b *browser) header() string {
	switch {
	case b.filter.Typing():
		return b.filter.View(b.st, b.width)
	case b.goingTo:
		return cut(b.st.Title.Render("go to:")+" "+b.goTo.View(), b.width)
	}
	w := b.listWidth()
	nameW, showSize, showDate, dw := columns(w)
	name, size, date := "NAME", "SIZE", "MODIFIED"
	if b.loc.Bucket == "" {
		name, size, date = "BUCKET", "", "CREATED"
	} else {
		arrow := " ↑"
		if b.desc {
			arrow = " ↓"
		}
		switch {
		case b.sortKey == s3model.BySize && showSize:
			size += arrow
		case b.sortKey == s3model.ByTime && showDate:
			date += arrow
		case b.sortKey == s3model.ByName:
			name += arrow
		default: // the sorted column is not on screen
			name += " (by " + b.sortLabel() + ")"
		}
	}
	line := "    " + fit(name, nameW)
	if showSize {
		line += "  " + fitRight(size, sizeW)
	}
	if showDate {
		line += "  " + fit(date, dw)
	}
	return b.st.Heading.Render(cut(line, w)) + strings.Repeat(" ", b.width-w)
}

func (b *browser) sortLabel() string {
	arrow := "↑"
	if b.desc {
		arrow = "↓"
	}
	return b.sortKey.String() + " " + arrow
}

// rows renders the visible rows, each exactly w cells wide.
func (b *browser) rows(w int) []string {
	h := b.listHeight()
	out := make([]string, 0, h)
	if b.rowCount() == 0 && h > 0 {
		out = append(out, b.emptyLines(w)...)
		if len(out) > h {
			out = out[:h]
		}
	}
	from, to := b.sel.window()
	for i := from; i < min(to, b.rowCount()) && len(out) < h; i++ {
		out = append(out, b.row(i, w))
	}
	for len(out) < h {
		out = append(out, strings.Repeat(" ", w))
	}
	return out
}

// emptyLines explain an empty list.
func (b *browser) emptyLines(w int) []string {
	var lines []string
	switch {
	case b.state == stateFailed && b.loc.Bucket == "":
		lines = []string{
			b.st.Error.Render(cut("Could not list buckets: "+safe(oneLine(b.err.Error())), w)),
			"",
			cut("If these credentials may not list buckets, open one directly:", w),
			cut("press : and type s3://BUCKET/  — or start  s3share s3://BUCKET/", w),
		}
	case b.state == stateLoading:
		lines = []string{b.st.Dim.Render(cut("loading…", w))}
	case b.filter.Value() != "":
		lines = []string{b.st.Dim.Render(cut("no names match the filter (esc clears it)", w))}
	case b.state == stateDone && b.loc.Bucket == "":
		lines = []string{b.st.Dim.Render(cut("no buckets", w))}
	case b.state == stateDone:
		lines = []string{b.st.Dim.Render(cut("empty", w))}
	}
	return lines
}

// columns lays out a row of width w: the name's width, whether size and
// date are shown, and the date's width (with seconds on wide lists).
func columns(w int) (nameW int, showSize, showDate bool, dateW int) {
	nameW = w - 4 // cursor and mark
	if w >= 30 {
		showSize = true
		nameW -= sizeW + 2
	}
	dateW = dateShortW
	if w >= 100 {
		dateW = dateLongW
	}
	if w >= 60 {
		showDate = true
		nameW -= dateW + 2
	}
	return max(1, nameW), showSize, showDate, dateW
}

// row renders row i to exactly w cells.
func (b *browser) row(i, w int) string {
	nameW, showSize, showDate, dateW := columns(w)
	layout := "2006-01-02 15:04:05"[:dateW]
	var name, size, date string
	isDir, marked := false, false
	if b.loc.Bucket == "" {
		bk := b.bucket(i)
		name, isDir = bk.Name+"/", true
		if !bk.Created.IsZero() {
			date = bk.Created.Local().Format(layout)
		}
	} else {
		id := b.idAt(i)
		e := b.list.Entry(id)
		name, isDir, marked = e.Name, e.IsPrefix, b.marks[id]
		if !e.IsPrefix {
			size = humanSize(e.Size)
			date = e.ModTime().Local().Format(layout)
		}
	}
	line := fit(safe(name), nameW)
	switch {
	case i == b.sel.cursor: // the Selected style below covers the row
	case marked:
		line = b.st.Marked.Render(line)
	case isDir:
		line = b.st.Prefix.Render(line)
	}
	if showSize {
		line += "  " + fitRight(size, sizeW)
	}
	if showDate {
		line += "  " + fit(date, dateW)
	}
	lead, mark := "  ", "  "
	if marked {
		mark = "* "
	}
	if i == b.sel.cursor {
		lead = "> "
	}
	out := lead + mark + line
	if w < 5 {
		out = cut(out, w)
	}
	if i == b.sel.cursor {
		return b.st.Selected.Render(out)
	}
	return out
}

// detailLines describe the row under the cursor.
func (b *browser) detailLines(w int) []string {
	label := func(k, v string) string {
		return b.st.Dim.Render(fmt.Sprintf("%-9s", k)) + safe(v)
	}
	if b.rowCount() == 0 {
		return nil
	}
	e, _ := b.selected()
	full := b.loc.Prefix + e.Name
	if e.IsPrefix {
		lines := wrapLabel(b.st, "Prefix", "s3://"+b.loc.Bucket+"/"+full, w)
		if l, ok := b.cache.peek(Location{Bucket: b.loc.Bucket, Prefix: full}); ok {
			lines = append(lines, label("Holds", plural(l.NumObjects(), "object", "objects")+" · "+plural(l.NumPrefixes(), "prefix", "prefixes")))
		} else {
			lines = append(lines, b.st.Dim.Render("open it to count what it holds"))
		}
		return lines
	}
	modified := e.ModTime().Local().Format("2006-01-02 15:04:05 MST")
	if _, off := e.ModTime().Local().Zone(); off != 0 {
		modified += " (" + e.ModTime().UTC().Format("15:04 UTC") + ")"
	}
	lines := wrapLabel(b.st, "Key", full, w)
	lines = append(lines,
		label("Size", fmt.Sprintf("%s (%s bytes)", humanSize(e.Size), groupThousands64(e.Size))),
		label("Modified", modified))
	ds, ok := b.details[b.loc.Bucket+"/"+full]
	switch {
	case !ok || ds.loading:
		lines = append(lines, b.st.Dim.Render("…"))
	case ds.err != nil:
		lines = append(lines, b.st.Error.Render(cut(safe(oneLine(ds.err.Error())), w)))
	default:
		d := ds.d
		lines = append(lines,
			label("ETag", d.ETag),
			label("Type", d.ContentType),
			label("Class", d.StorageClass))
		if d.VersionID != "" {
			lines = append(lines, label("Version", d.VersionID))
		}
		for _, k := range d.MetadataKeys() {
			lines = append(lines, label("meta", k+"="+d.Metadata[k]))
		}
	}
	return lines
}

// statusLine is the count line shown when nothing transient is.
func (b *browser) statusLine() string {
	var parts []string
	if b.loc.Bucket == "" {
		parts = append(parts, plural(len(b.buckets), "bucket", "buckets"))
	} else {
		parts = append(parts, plural(b.list.NumObjects(), "object", "objects"), plural(b.list.NumPrefixes(), "prefix", "prefixes"))
		if b.view != nil && b.filter.Value() != "" {
			parts = append(parts, groupThousands(len(b.view))+" shown")
		}
		if len(b.marks) > 0 {
			parts = append(parts, groupThousands(len(b.marks))+" marked")
		}
	}
	line := strings.Join(parts, " · ")
	switch b.state {
	case stateLoading:
		line += " · loading " + b.spin.View()
	case stateFailed:
		what := "failed"
		if b.rowCount() > 0 {
			what = "incomplete"
		}
		return b.st.Error.Render(cut(line+" · "+what+" (r retries): "+safe(oneLine(b.err.Error())), b.width))
	}
	return b.st.Status.Render(cut(line, b.width))
}

// ShortHelp is the footer's help.
func (b *browser) ShortHelp() []key.Binding {
	k := b.keys
	if b.Typing() {
		return []key.Binding{withHelp(k.Form.Submit, "done"), withHelp(k.App.Close, "cancel")}
	}
	return []key.Binding{k.Browse.Open, k.Browse.Back, k.Share.Share, k.Browse.Filter, k.Browse.Details, k.App.Help, k.App.Quit}
}

// FullHelp is the help screen's columns.
func (b *browser) FullHelp() [][]key.Binding {
	k := b.keys
	n := k.Nav
	return [][]key.Binding{
		{n.Up, n.Down, n.PageUp, n.PageDown, n.Top, n.Bottom},
		{k.Browse.Open, k.Browse.Back, k.Browse.Filter, k.Browse.GoTo, k.Browse.Sort, k.Browse.Reverse, k.Browse.Refresh},
		{k.Browse.Details, k.Browse.Versions, k.Browse.Mark, k.Browse.MarkAll, k.Share.Share, k.Share.CopyURI, k.Share.CopyURL},
		{k.Share.Ledger, k.App.Stores, k.App.Help, k.App.Quit},
	}
}

func groupThousands64(n int64) string { return groupThousands(int(n)) }

// wrapLabel is a labelled detail line whose value is wrapped, under
// itself, to fit w cells (a long key is shown whole).
func wrapLabel(st *Styles, k, v string, w int) []string {
	const lw = 9
	vw := max(1, w-lw)
	parts := strings.Split(ansi.Hardwrap(safe(v), vw, false), "\n")
	lines := make([]string, len(parts))
	for i, p := range parts {
		if i == 0 {
			lines[i] = st.Dim.Render(fmt.Sprintf("%-9s", k)) + p
		} else {
			lines[i] = strings.Repeat(" ", lw) + p
		}
	}
	return lines
}
