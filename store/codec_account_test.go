package store

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fullAccount is an account with every field, at every depth, set to
// something other than its zero value, found by reflection: a field added to
// Account, Credential or CheckRecord is in it without anyone remembering.
func fullAccount(t testing.TB) Account {
	t.Helper()
	var a Account
	fill(t, reflect.ValueOf(&a).Elem(), "Account")
	a.V = RecordVersion
	return a
}

func fill(t testing.TB, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString("x " + path + ` "quoted" <tag> & é ✓`)
	case reflect.Int:
		v.SetInt(4096)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(t, v.Index(i), path+"[]")
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 11, 29, 12, 30, 45, 123456789, time.FixedZone("", 3600))))
			return
		}
		for i := range v.NumField() {
			fill(t, v.Field(i), path+"."+v.Type().Field(i).Name)
		}
	default:
		t.Fatalf("%s: the fast account decoder does not know kind %s; teach fastAccount and this test", path, v.Kind())
	}
}

// Every field of a record as encodeRecord writes it takes the fast path and
// comes back as encoding/json reads it.
func TestFastAccountKnowsEveryField(t *testing.T) {
	t.Parallel()
	a := fullAccount(t)
	raw, err := encodeRecord(a)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := fastAccount(raw, nil, true)
	if !ok {
		t.Fatalf("the fast path gave up on a record encodeRecord wrote; a field is missing from fastAccount:\n%s", raw)
	}
	var want Account
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("fast path and encoding/json differ:\n%+v\n%+v", got, want)
	}
	// And the zero-ish account Home sees most: no checks, one credential.
	plain := Account{V: 1, ID: "id", Name: "contoso", Credentials: []Credential{{ID: "c", KeySize: 2048}}}
	raw, _ = encodeRecord(plain)
	if got, ok := fastAccount(raw, nil, true); !ok || !reflect.DeepEqual(got, plain) {
		t.Fatalf("plain account: %v %+v", ok, got)
	}
}

// What the fast path must leave to encoding/json, and never get wrong.
func TestFastAccountGivesUp(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		`{"v":1,"Name":"case differs"}`,
		`{"v":1,"name":"a","name":"twice"}`,
		`{"v":1,"unknown":1}`,
		`{"v":1.0}`,
		`{"v":1e0}`,
		`{"v":01}`,
		`{"v":99999999999999999999999}`,
		`{"v":1,"name":"\ud83d\ude00"}`,
		"{\"v\":1,\"name\":\"bad \xff utf8\"}",
		"{\"v\":1,\"name\":\"raw \x01 control\"}",
		`{"v":1,"created":"not a time"}`,
		`{"v":1,"credentials":[null]}`,
		`{"v":1} trailing`,
		`{"v":1,}`,
		`null`,
		`{"v":"1"}`,
	} {
		if a, ok := fastAccount([]byte(raw), nil, true); ok {
			t.Errorf("fast path accepted %q as %+v", raw, a)
		}
	}
}

// A record the fast path gives up on still decodes — or is refused — as
// before: decodeAccount falls back to decodeRecord.
func TestDecodeAccountFallsBack(t *testing.T) {
	t.Parallel()
	a, err := decodeAccount("k", []byte(`{"v":1,"Name":"Contoso","extra":{"nested":[1,2]}}`))
	if err != nil || a.Name != "Contoso" {
		t.Fatalf("fallback decode: %+v, %v", a, err)
	}
	_, err = decodeAccount("k", []byte(`{"v":2,"name":"future"}`))
	if err == nil || !strings.Contains(err.Error(), "newer xops") {
		t.Fatalf("a newer record is not refused: %v", err)
	}
	_, err = decodeAccount("k", []byte(`{"name":"no version"}`))
	if err == nil || !strings.Contains(err.Error(), "no record version") {
		t.Fatalf("a record without version is not refused: %v", err)
	}
}

// FuzzFastAccount holds the fast path to encoding/json: whatever it accepts,
// encoding/json accepts too, with the same result.
func FuzzFastAccount(f *testing.F) {
	full, _ := encodeRecord(fullAccount(f))
	f.Add(full)
	plain, _ := encodeRecord(Account{V: 1, ID: "id", Name: "contoso", Credentials: []Credential{{ID: "c"}}})
	f.Add(plain)
	f.Add([]byte(`{"v":1,"name":"a\u00e9\n\"q\"","last_checks":[],"credentials":null,"status":null}`))
	f.Add([]byte(` { "v" : -0 , "created" : "2026-01-02T03:04:05Z" } `))
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, ok := fastAccount(raw, nil, true)
		if shared, sok := fastAccount(raw, interner{}, true); sok != ok || !reflect.DeepEqual(shared, got) {
			t.Fatalf("sharing texts changed the result on %q:\n%+v\n%+v", raw, shared, got)
		}
		// Without checks: the same verdict (the checks are still read
		// whole) and the same account, LastChecks left nil.
		summary, lok := fastAccount(raw, interner{}, false)
		withoutChecks := got
		withoutChecks.LastChecks = nil
		if lok != ok || !reflect.DeepEqual(summary, withoutChecks) {
			t.Fatalf("without checks (ok %v, want %v) on %q:\n%+v\n%+v", lok, ok, raw, summary, withoutChecks)
		}
		if !ok {
			return
		}
		var want Account
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("fast path accepted what encoding/json refuses (%v): %q", err, raw)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("fast path and encoding/json differ on %q:\n%+v\n%+v", raw, got, want)
		}
	})
}
