package tui

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/pushsim/pushsim/sim/device"
	"github.com/pushsim/pushsim/sim/provider"
)

// composerPane is the payload editor. Its text is a header block
// ("push-type: alert", one per line), a blank line, then the JSON body,
// like an HTTP request file, so every header is edited where the body is.
type composerPane struct {
	*Common
	editor    textarea.Model
	templates []Template
	template  int
	draft     Draft
	err       error
	// findings are lint lines for the selected device's version.
	findings []string
	// fresh: the text is as a template loaded it, untouched.
	fresh bool
	// toAll is the send target, shown under the editor.
	toAll bool
	// view caches the blurred editor's drawing, which only its text, size
	// and styles change; the textarea's View is half a frame's cost.
	view, viewKey string
}

// Draft is the parsed editor: the headers and the body.
type Draft struct {
	PushType   string
	Priority   int
	Topic      string
	CollapseID string
	Expiration time.Time
	Body       []byte
	// BodyLine is the editor line the body starts on (1-based).
	BodyLine int
}

// apns is the APNs request the draft makes for one device token.
func (d Draft) apns(token string) provider.Request {
	return provider.Request{Token: token, Topic: d.Topic, PushType: d.PushType, Priority: d.Priority,
		Expiration: d.Expiration, CollapseID: d.CollapseID, Payload: d.Body}
}

// EditorError is a problem in the editor text at a line and column.
type EditorError struct {
	Line, Column int
	Msg          string
}

func (e *EditorError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

func newComposerPane(c *Common) *composerPane {
	ta := textarea.New()
	ta.ShowLineNumbers = true
	ta.Prompt = ""
	ta.CharLimit = 0
	ta.MaxHeight = 0
	ta.SetStyles(textarea.DefaultStyles(c.Styles.IsDark))
	cp := &composerPane{Common: c, editor: ta, templates: append(Templates(), LibraryTemplates()...)}
	cp.SetText(cp.templates[0].Text())
	return cp
}

func (c *composerPane) SetSize(w, h int) {
	c.Width, c.Height = w, h
	c.editor.SetWidth(max(10, w))
	c.editor.SetHeight(max(3, h-2))
	c.toBody()
}

// SetText replaces the editor's text and parses it.
func (c *composerPane) SetText(s string) {
	c.editor.SetValue(s)
	c.parse()
	c.fresh = true
	c.toBody()
}

// toBody puts the cursor on the body's first line while the text is as
// loaded: on a small screen the headers scroll away and the payload is
// what one edits first.
func (c *composerPane) toBody() {
	if !c.fresh {
		return
	}
	// The textarea only scrolls within content it has drawn once.
	c.editor.MoveToBegin()
	_ = c.editor.View()
	c.editor.MoveToEnd()
	_ = c.editor.View()
	for range c.editor.LineCount() - c.draft.BodyLine {
		c.editor.CursorUp()
	}
	c.editor.CursorStart()
}

// NextTemplate loads the next template.
func (c *composerPane) NextTemplate() {
	c.template = (c.template + 1) % len(c.templates)
	c.SetText(c.templates[c.template].Text())
}

// Focus and Blur hand the keyboard to the editor and back.
func (c *composerPane) Focus() tea.Cmd { return c.editor.Focus() }
func (c *composerPane) Blur()          { c.editor.Blur() }

// Update feeds a message to the editor and re-parses the text.
func (c *composerPane) Update(msg tea.Msg) tea.Cmd {
	before := c.editor.Value()
	var cmd tea.Cmd
	c.editor, cmd = c.editor.Update(msg)
	if c.editor.Value() != before {
		c.parse()
		c.fresh = false
	}
	return cmd
}

// Draft returns the parsed editor, or the error that refuses a send.
func (c *composerPane) Draft() (Draft, error) { return c.draft, c.err }

func (c *composerPane) parse() {
	c.draft, c.err = ParseDraft(c.editor.Value())
}

// ParseDraft reads the editor text: headers, a blank line, the JSON body.
// Errors carry the editor's line and column.
func ParseDraft(text string) (Draft, error) {
	d := Draft{Priority: 10, PushType: "alert", Topic: device.DefaultBundleID}
	lines := strings.Split(text, "\n")
	i := 0
	for ; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if l == "" {
			i++
			break
		}
		if strings.HasPrefix(l, "{") {
			break
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			return d, &EditorError{Line: i + 1, Column: 1, Msg: `expected "header: value" or a blank line before the JSON body`}
		}
		if err := d.set(strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(value)); err != nil {
			return d, &EditorError{Line: i + 1, Column: len(name) + 2, Msg: err.Error()}
		}
	}
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	d.BodyLine = i + 1
	d.Body = []byte(strings.Join(lines[min(i, len(lines)):], "\n"))
	if len(strings.TrimSpace(string(d.Body))) == 0 {
		return d, &EditorError{Line: d.BodyLine, Column: 1, Msg: "no JSON body"}
	}
	if _, err := device.ParsePayload(d.Body); err != nil {
		var se *device.SyntaxError
		if errors.As(err, &se) {
			return d, &EditorError{Line: se.Line + d.BodyLine - 1, Column: se.Column, Msg: se.Msg}
		}
		return d, &EditorError{Line: d.BodyLine, Column: 1, Msg: err.Error()}
	}
	return d, nil
}

func (d *Draft) set(name, value string) error {
	name = strings.TrimPrefix(name, "apns-")
	switch name {
	case "push-type":
		d.PushType = value
	case "priority":
		if value == "" {
			return nil
		}
		n, err := strconv.Atoi(value)
		if err != nil {
			return fmt.Errorf("priority %q is not a number (apns.md#H17)", value)
		}
		d.Priority = n
	case "topic":
		if value != "" {
			d.Topic = value
		}
	case "collapse-id":
		d.CollapseID = value
	case "expiration":
		if value == "" {
			return nil
		}
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("expiration %q is not a UNIX time in seconds (apns.md#H16)", value)
		}
		d.Expiration = time.Unix(n, 0)
	default:
		return fmt.Errorf("unknown header %q: want push-type, priority, topic, collapse-id or expiration", name)
	}
	return nil
}

// View draws the editor, then the error or the lint findings.
func (c *composerPane) View() string {
	w := max(1, c.Width)
	lines := []string{c.editorView()}
	t := c.templates[c.template]
	// Two lines under the editor: the template and the verdict, or a
	// longer error or lint finding wrapped over both.
	var foot []string
	switch {
	case c.err != nil:
		// The whole error where it fits: the line and column are what the
		// user needs to fix it.
		foot = strings.Split(c.Styles.Error.Render(ansi.Wrap("✗ "+c.err.Error()+" (not sent)", w, "")), "\n")
	case len(c.findings) > 0:
		foot = []string{c.Styles.Warn.Render(ansi.Truncate(fmt.Sprintf("! %d lint: %s", len(c.findings), c.findings[0]), w, "…"))}
	default:
		foot = []string{c.Styles.OK.Render("✓ valid JSON")}
	}
	if len(foot) == 1 {
		target := "selected device"
		if c.toAll {
			target = "all devices"
		}
		foot = append([]string{c.Styles.Dim.Render(ansi.Truncate(fmt.Sprintf("ctrl+s → %s (alt+s) · %s (alt+t)", target, t.Name), w, "…"))}, foot...)
	}
	lines = append(lines, foot[:min(2, len(foot))]...)
	return strings.Join(lines, "\n")
}

func (c *composerPane) editorView() string {
	if c.editor.Focused() {
		return c.editor.View()
	}
	key := fmt.Sprintf("%d×%d %p %d:%d %s", c.editor.Width(), c.editor.Height(), c.Styles, c.editor.Line(), c.editor.Column(), c.editor.Value())
	if key != c.viewKey {
		c.view, c.viewKey = c.editor.View(), key
	}
	return c.view
}
