package sandbox

import (
	"net/http"
	"time"
)

// Service names one of the simulated services, for fault injection.
type Service string

// The simulated services.
const (
	ServiceLogin    Service = "login"
	ServiceExchange Service = "exchange"
	ServiceGraph    Service = "graph"
)

// Fault is trouble injected into one service. The zero Fault clears it.
type Fault struct {
	// Status, when not zero, answers every request with this HTTP status
	// (500, 503…) and a short non-JSON body, as a failing front end does.
	Status int
	// Hang holds every request until the client gives up or the sandbox closes.
	Hang bool
}

// SetFault injects f into service; a zero Fault clears it.
func (s *Sandbox) SetFault(service Service, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f == (Fault{}) {
		delete(s.faults, service)
		return
	}
	s.faults[service] = f
}

// SetClockSkew makes the sandbox's clock run d ahead (negative: behind) of
// Options.Now, so client assertions look early or late to it.
func (s *Sandbox) SetClockSkew(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.skew = d
}

// withFaults wraps a service's handler with its injected fault.
func (s *Sandbox) withFaults(service Service, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		f := s.faults[service]
		s.mu.Unlock()
		switch {
		case f.Hang:
			select {
			case <-r.Context().Done():
			case <-s.closing:
			}
			return
		case f.Status != 0:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(f.Status)
			_, _ = w.Write([]byte("<html><body>" + http.StatusText(f.Status) + "</body></html>"))
			return
		}
		h(w, r)
	}
}
