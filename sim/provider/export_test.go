package provider

// OpenConns is how many of p's connections are still open, for the
// external tests that need a running fake APNs (sim/harness) to reach it.
func OpenConns(p *Provider) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns)
}
