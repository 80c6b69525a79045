package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"
)

// UpdateSetting reads and writes in one transaction: fn sees nil when the
// setting is unset, the stored bytes otherwise; an error from fn writes
// nothing and comes back as it is.
func TestUpdateSetting(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	var seen []byte
	seen = []byte("not called")
	if err := s.UpdateSetting("tenant", func(old []byte) ([]byte, error) {
		seen = old
		return []byte("v1"), nil
	}); err != nil {
		t.Fatal(err)
	}
	if seen != nil {
		t.Errorf("fn saw %q for an unset setting, want nil", seen)
	}
	if err := s.UpdateSetting("tenant", func(old []byte) ([]byte, error) {
		seen = old
		return append(old, "+v2"...), nil
	}); err != nil {
		t.Fatal(err)
	}
	if string(seen) != "v1" {
		t.Errorf("fn saw %q, want v1", seen)
	}
	refused := errors.New("cannot merge")
	err := s.UpdateSetting("tenant", func(old []byte) ([]byte, error) { return []byte("lost"), refused })
	if !errors.Is(err, refused) {
		t.Fatalf("err = %v, want fn's error", err)
	}
	got, err := s.Setting("tenant")
	if err != nil || string(got) != "v1+v2" {
		t.Fatalf("setting %q (%v), want v1+v2: a failing fn wrote something", got, err)
	}
	if err := s.UpdateSetting("", func(old []byte) ([]byte, error) { return nil, nil }); err == nil {
		t.Error("an empty setting name was accepted")
	}
}

// No update is lost when several writers, in this process and another
// handle on the file (as a second xops), add to one setting at once.
func TestUpdateSettingLosesNothing(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	other := reopen(t, s)
	defer other.Close()
	const each = 20
	var wg sync.WaitGroup
	for i, st := range []interface {
		UpdateSetting(string, func([]byte) ([]byte, error)) error
	}{s, other, s, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < each; j++ {
				if err := st.UpdateSetting("counter", func(old []byte) ([]byte, error) {
					return append(old, fmt.Sprintf("%d.", i)...), nil
				}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	got, err := s.Setting("counter")
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(got, []byte(".")); n != 4*each {
		t.Errorf("%d updates kept, want %d", n, 4*each)
	}
}
