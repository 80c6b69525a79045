package store

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzDecodeAccount feeds arbitrary bytes to the record decoder: it must
// never panic, must name the record when it refuses, and what it accepts
// must survive a round trip through the encoder.
func FuzzDecodeAccount(f *testing.F) {
	f.Add([]byte(`{"v":1,"id":"a","name":"contoso","credentials":[{"id":"c"}]}`))
	f.Add([]byte(`{"v":99,"name":{"x":1}}`))
	f.Add([]byte(`{"v":0}`))
	f.Add([]byte(`{"v":1,"created":"not a time"}`))
	f.Add([]byte("\x00garbage{"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		a, err := decodeRecord[Account](bucketAccounts, "k", raw)
		if err != nil {
			var re *RecordError
			if !errors.As(err, &re) || re.Bucket != "accounts" || re.Key != "k" {
				t.Fatalf("refusal does not name the record: %v", err)
			}
			return
		}
		if a.V < 1 || a.V > RecordVersion {
			t.Fatalf("accepted version %d", a.V)
		}
		enc, err := encodeRecord(a)
		if err != nil {
			t.Fatalf("re-encoding an accepted record: %v", err)
		}
		b, err := decodeRecord[Account](bucketAccounts, "k", enc)
		if err != nil {
			t.Fatalf("re-decoding: %v", err)
		}
		if !reflect.DeepEqual(normalise(a), normalise(b)) {
			t.Fatalf("round trip changed the record:\n%+v\n%+v", a, b)
		}
	})
}

// normalise drops what JSON cannot keep exactly: time zones and monotonic
// readings, and the difference between a nil and an empty slice.
func normalise(a Account) Account {
	a.Created, a.LastVerified = a.Created.UTC(), a.LastVerified.UTC()
	if len(a.LastChecks) == 0 {
		a.LastChecks = nil
	}
	if len(a.Credentials) == 0 {
		a.Credentials = nil
	}
	for i, c := range a.Credentials {
		c.NotBefore, c.NotAfter, c.Created = c.NotBefore.UTC(), c.NotAfter.UTC(), c.Created.UTC()
		a.Credentials[i] = c
	}
	return a
}
