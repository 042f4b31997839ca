package ui

// The MFA code of a role profile picked in a running session: when the
// profile's mfa_serial asks for a code, the store picker asks for it in a
// field of its own and connects with it.

import (
	"errors"
	"regexp"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/s3model"
)

// MFAConnector is a StoreSource that can also connect to a role profile
// with the code of its MFA device (mfa_serial).
type MFAConnector interface {
	ConnectMFA(c config.Choice, code string) (client *s3model.Client, warnings []string, err error)
}

// mfaNeededMsg says the store picked needs an MFA code to connect.
type mfaNeededMsg struct {
	id     int
	choice config.Choice
	serial string
}

// mfaPrompt is the picker's field for an MFA code.
type mfaPrompt struct {
	choice config.Choice
	serial string
	input  textinput.Model
	err    string
}

var mfaCodeRE = regexp.MustCompile(`^[0-9]{6}$`)

// connectCmd connects to c off the update loop, with code when it is not
// "". A store that needs an MFA code, when none was given, answers
// mfaNeededMsg instead of connectedMsg.
func connectCmd(id int, src StoreSource, c config.Choice, code string) tea.Cmd {
	return func() tea.Msg {
		var client *s3model.Client
		var warnings []string
		var err error
		mc, canMFA := src.(MFAConnector)
		if code != "" && canMFA {
			client, warnings, err = mc.ConnectMFA(c, code)
		} else {
			client, warnings, err = src.Connect(c)
		}
		var need *config.MFACodeNeeded
		if code == "" && canMFA && errors.As(err, &need) {
			return mfaNeededMsg{id: id, choice: c, serial: need.Serial}
		}
		msg := connectedMsg{id: id, choice: c, warnings: warnings, err: err}
		if client != nil && err == nil {
			msg.client = client
			msg.err = probe(client)
		}
		return msg
	}
}

// askMFA opens the code field.
func (p *storePicker) askMFA(msg mfaNeededMsg) {
	in := newTextField(6)
	in.Placeholder = "123456"
	in.Focus()
	p.busy = false
	p.mfa = &mfaPrompt{choice: msg.choice, serial: msg.serial, input: in}
	p.layout()
}

// mfaKey handles a key while the code field is open: enter connects with
// the code, esc closes the field.
func (p *storePicker) mfaKey(msg tea.KeyMsg) tea.Cmd {
	k := p.s.keys
	switch {
	case key.Matches(msg, k.App.Close):
		p.mfa = nil
		p.layout()
		return nil
	case key.Matches(msg, k.Form.Submit):
		code := p.mfa.input.Value()
		if !mfaCodeRE.MatchString(code) {
			p.mfa.err = "want the 6 digits your MFA device shows"
			return nil
		}
		c := p.mfa.choice
		p.mfa, p.busy = nil, true
		p.layout()
		return connectCmd(p.id, p.s.stores, c, code)
	}
	var cmd tea.Cmd
	p.mfa.input, cmd = p.mfa.input.Update(msg)
	p.mfa.err = ""
	return cmd
}

// mfaLines are the code field's lines, under the picker's title.
func (p *storePicker) mfaLines() []string {
	if p.mfa == nil {
		return nil
	}
	st, w := p.s.styles, p.width
	lines := []string{cut(st.Title.Render(safe("MFA code for "+p.mfa.serial+":"))+" "+p.mfa.input.View(), w),
		st.Dim.Render(cut(safe(p.mfa.choice.String())+" assumes its role with this code · enter connects · esc cancels", w))}
	if p.mfa.err != "" {
		lines = append(lines, st.Error.Render(cut(p.mfa.err, w)))
	}
	return lines
}
