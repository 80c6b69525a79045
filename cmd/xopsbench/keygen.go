package main

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"github.com/xops/xops/entra/certs"
)

// keygenRuns is how many keys of each size are made. RSA key generation is
// a search for primes: its time varies tenfold from one key to the next
// (4096 bits: 0.2 s to 2.7 s here), so a median needs more keys than the
// other figures need runs; the note says how many.
func keygenRuns(runs int) int { return 2*runs + 1 }

// benchKeygen times certs.Generate beside `openssl req -x509 -newkey` for each
// key size. The two alternate, run by run, so a burst of load from another
// process lands on both rather than on one.
func benchKeygen(runs int) ([]Figure, error) {
	openssl, lookErr := exec.LookPath("openssl")
	var figs []Figure
	for _, bits := range certs.KeySizes {
		n := keygenRuns(runs)
		var goRuns, sslRuns, goCPU, sslCPU []time.Duration
		for range n {
			cpu0 := processCPU()
			start := time.Now()
			if _, err := certs.Generate(context.Background(), certs.Request{CommonName: "xopsbench", KeySize: bits, Days: 365}); err != nil {
				return nil, fmt.Errorf("generate a %d-bit key: %w", bits, err)
			}
			goRuns = append(goRuns, time.Since(start))
			goCPU = append(goCPU, processCPU()-cpu0)
			if lookErr != nil {
				continue
			}
			wall, cpu, err := opensslKeygen(openssl, bits)
			if err != nil {
				return nil, err
			}
			sslRuns, sslCPU = append(sslRuns, wall), append(sslCPU, cpu)
		}
		name := fmt.Sprintf("key + certificate, RSA %d", bits)
		f := Figure{Name: name, Unit: "ms", Value: median(ms(goRuns)), Runs: n, Target: 1.0, RatioTarget: true,
			Note: fmt.Sprintf("min %s, max %s over %d keys: RSA prime search varies run to run", number(minOf(ms(goRuns)), "ms"), number(maxOf(ms(goRuns)), "ms"), n)}
		if lookErr != nil {
			f.Target, f.RatioTarget = 0, false
			f.Note = "openssl not found: no reference to compare with (install openssl); " + f.Note
			figs = append(figs, f.judge())
			continue
		}
		goC, sslC := median(ms(goCPU)), median(ms(sslCPU))
		f.Note = fmt.Sprintf("CPU time %s vs openssl %s (%.2f×: what other load on the machine does not move); ", number(goC, "ms"), number(sslC, "ms"), goC/sslC) + f.Note
		figs = append(figs, f.against("openssl", sslRuns))
	}
	return figs, nil
}

// opensslKeygen times the openssl command that makes the same thing: a key
// of bits and a self-signed certificate, written nowhere. It returns the
// wall time and the CPU time the command used.
func opensslKeygen(openssl string, bits int) (wall, cpu time.Duration, err error) {
	cmd := exec.Command(openssl, "req", "-x509", "-newkey", "rsa:"+strconv.Itoa(bits), "-nodes",
		"-keyout", "/dev/null", "-out", "/dev/null", "-subj", "/CN=x", "-days", "365")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall = time.Since(start)
	if err != nil {
		return 0, 0, fmt.Errorf("openssl req -newkey rsa:%d: %w\n%s", bits, err, out)
	}
	return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}

// processCPU is the CPU time this process has used so far, all threads.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func minOf(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs[1:] {
		m = min(m, x)
	}
	return m
}

func maxOf(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs[1:] {
		m = max(m, x)
	}
	return m
}
