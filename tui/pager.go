package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// pager shows lines in a window that scrolls like less: ↑/↓ a line,
// PgUp/PgDn a page, Home/End the ends, never past the last line. The
// first sticky lines stay on top (a header); stickyFor, when set, picks
// them for the line at the top of the window (the matrix's device row).
type pager struct {
	lines  []string
	offset int
	height int
	// stickyFor returns the header to keep above the window when line i
	// is at its top (nil: none).
	stickyFor func(i int) []string
}

// setLines replaces the content, keeping the offset in range.
func (p *pager) setLines(lines []string) {
	p.lines = lines
	p.clamp()
}

func (p *pager) setHeight(h int) {
	p.height = max(1, h)
	p.clamp()
}

// body is how many content lines the window shows under the header and
// above the "more" line.
func (p *pager) body() int { return max(1, p.height-1) }

func (p *pager) maxOffset() int {
	if len(p.lines) <= p.height {
		return 0
	}
	o := max(0, len(p.lines)-p.body())
	if p.stickyFor != nil {
		// The header takes lines of the window: scroll that much further
		// so the last line can be reached.
		o += len(p.stickyFor(o))
	}
	return o
}

func (p *pager) clamp() { p.offset = max(0, min(p.offset, p.maxOffset())) }

// scroll moves by n lines.
func (p *pager) scroll(n int) {
	p.offset += n
	p.clamp()
}

// key scrolls for a key press; it reports whether the key was a
// scrolling key.
func (p *pager) key(km *KeyMap, k tea.KeyPressMsg) bool {
	switch {
	case key.Matches(k, km.Up):
		p.scroll(-1)
	case key.Matches(k, km.Down):
		p.scroll(1)
	case key.Matches(k, km.PageUp):
		p.scroll(-p.body())
	case key.Matches(k, km.PageDown):
		p.scroll(p.body())
	case key.Matches(k, km.Home):
		p.offset = 0
	case key.Matches(k, km.End):
		p.offset = p.maxOffset()
	default:
		return false
	}
	return true
}

// view draws the window: the sticky header, the lines, and a last line
// that says where the window is when the content does not fit.
func (p *pager) view(w int, st *Styles) string {
	if len(p.lines) <= p.height {
		return strings.Join(p.lines, "\n")
	}
	var head []string
	if p.stickyFor != nil {
		head = p.stickyFor(p.offset)
	}
	n := max(1, p.body()-len(head))
	end := min(len(p.lines), p.offset+n)
	out := append(append([]string(nil), head...), p.lines[p.offset:end]...)
	for len(out) < p.body() {
		out = append(out, "")
	}
	pos := fmt.Sprintf("lines %d–%d of %d", p.offset+1, end, len(p.lines))
	switch {
	case end < len(p.lines):
		pos = fmt.Sprintf("↓ %d more · %s · pgdn/end", len(p.lines)-end, pos)
	default:
		pos = "end · " + pos + " · pgup/home"
	}
	return strings.Join(append(out, st.Dim.Render(ansi.Truncate(pos, w, "…"))), "\n")
}
