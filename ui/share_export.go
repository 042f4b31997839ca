package ui

import (
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// startExport asks for the file to export to.
func (p *sharePanel) startExport() {
	p.startExportAs("./s3share-links-" + p.s.now().UTC().Format("20060102-150405") + ".json")
}

// startFormFile asks where to write a POST link's HTML upload form.
func (p *sharePanel) startFormFile() {
	p.startExportAs("./s3share-upload-" + p.s.now().UTC().Format("20060102-150405") + ".html")
}

// startExportAs asks for the file to export to, offering name.
func (p *sharePanel) startExportAs(name string) {
	in := newTextField(4096)
	in.Width = max(1, p.width-len("export to: ")-1)
	in.SetValue(name)
	in.CursorEnd()
	in.Focus()
	p.export = in
	p.exportMsg, p.exportErr = "", false
	p.stage = stageExportPath
}

func (p *sharePanel) exportKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, p.s.keys.App.Close):
		p.stage, p.exportMsg = stageResult, ""
		return nil
	case key.Matches(msg, p.s.keys.Form.Submit):
		p.exportMsg = ""
		return exportLinks(p.id, p.export.Value(), p.results, false)
	}
	var cmd tea.Cmd
	p.export, cmd = p.export.Update(msg)
	p.exportMsg = ""
	return cmd
}

func (p *sharePanel) confirmKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, confirmYes):
		p.stage = stageExportPath
		return exportLinks(p.id, p.exportAt, p.results, true)
	case key.Matches(msg, confirmNo):
		p.stage = stageExportPath
		p.exportMsg = "not overwritten: choose another name"
	}
	return nil
}

func (p *sharePanel) exported(msg exportedMsg) {
	switch {
	case msg.exists:
		p.exportAt = msg.path
		p.stage = stageExportConfirm
	case msg.err != nil:
		p.stage = stageExportPath
		p.exportMsg = msg.err.Error()
	default:
		p.stage = stageResult
		what := plural(msg.n, "link", "links")
		if strings.EqualFold(filepath.Ext(msg.path), ".html") || strings.EqualFold(filepath.Ext(msg.path), ".htm") {
			what = "the upload form" // open it in a browser to upload
		}
		p.exportMsg, p.exportErr = "exported "+what+" to "+msg.path, false
	}
}
