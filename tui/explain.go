package tui

import (
	"strings"

	"github.com/pushsim/pushsim/sim/reference"
)

// noteRules is the text of every rule the shown notification's notes cite
// (apns.md#V21 …), as `pushsim explain` prints it, wrapped to width.
func (p *phonePane) noteRules(width int) string {
	s, ok := p.Current()
	if !ok {
		return "No notification on the phone yet: its notes name the rules behind what it shows."
	}
	pr, _ := s.Presentation(p.shownContext())
	ids := reference.Cited(strings.Join(pr.Notes, "\n"))
	if len(ids) == 0 {
		return "This screen's notes cite no rule."
	}
	texts := make([]string, 0, len(ids))
	for _, id := range ids {
		if r, ok := reference.Lookup(id); ok {
			texts = append(texts, r.Wrapped(width))
		}
	}
	return strings.Join(texts, "\n")
}
