package serve

import (
	"net"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNextPort(t *testing.T) {
	tests := []struct {
		in, want string
		err      bool
	}{
		{"127.0.0.1:2197", "127.0.0.1:2198", false},
		{"127.0.0.1:0", "127.0.0.1:0", false},
		{"[::1]:443", "[::1]:444", false},
		{"localhost:8443", "localhost:8444", false},
		{"127.0.0.1:65535", "", true},
		{"127.0.0.1:http", "", true},
		{"127.0.0.1", "", true},
	}
	for _, tt := range tests {
		got, err := nextPort(tt.in)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("nextPort(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestCertHosts(t *testing.T) {
	host, _ := os.Hostname()
	tests := []struct {
		addr net.Addr
		want []string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 2197}, nil},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 2197}, nil},
		{&net.TCPAddr{IP: net.IPv4(10, 1, 2, 3), Port: 2197}, []string{"10.1.2.3"}},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 2197}, []string{host}},
		{&net.UnixAddr{Name: "/tmp/x", Net: "unix"}, nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, certHosts(tt.addr)); diff != "" {
			t.Errorf("certHosts(%v) (-want +got):\n%s", tt.addr, diff)
		}
	}
}
