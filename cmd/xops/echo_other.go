//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd)

package main

// echoOff does nothing where there are no termios: term.ReadPassword turns
// echo off itself there, as soon as it starts reading.
func echoOff(int) error { return nil }
