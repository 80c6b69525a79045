package main

import (
	"encoding/json"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// poke changes the store file behind xops's back, as a bug or a disk might.
func poke(t *testing.T, path string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
}

func TestCorruptRecordListsTheOthersAndFails(t *testing.T) {
	t.Parallel()
	e, p, _ := linked(t, "contoso", "fabrikam")
	poke(t, p, func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("accounts"))
		c := b.Cursor()
		k, _ := c.First()
		return b.Put(append([]byte(nil), k...), []byte("{not json"))
	})
	for _, args := range [][]string{{"accounts", "list"}, {"accounts", "list", "--json"}} {
		r := xops(t, e, "", args...)
		if r.code != 1 || !strings.Contains(r.stderr, p) || !strings.Contains(r.stderr, "cannot be read") {
			t.Errorf("%v: exit %d stderr %q", args, r.code, r.stderr)
		}
		rows := strings.Count(strings.TrimSpace(r.stdout), "\n") // lines after the header
		if len(args) == 3 {
			var list []map[string]any
			if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
				t.Fatalf("list --json: %v", err)
			}
			rows = len(list)
		}
		if rows != 1 {
			t.Errorf("%v: the readable account is not listed: %q", args, r.stdout)
		}
	}
	if r := xops(t, e, "", "store", "check"); r.code != 1 || !strings.Contains(r.stderr, p) {
		t.Errorf("store check: exit %d stderr %q", r.code, r.stderr)
	}
}

func TestNewerSchemaIsRefusedUntouched(t *testing.T) {
	t.Parallel()
	e, p, _ := linked(t, "contoso")
	poke(t, p, func(tx *bolt.Tx) error { return tx.Bucket([]byte("meta")).Put([]byte("schema"), []byte("99")) })
	for _, args := range [][]string{{"accounts", "list"}, {"accounts", "delete", "contoso", "--yes"}} {
		r := xops(t, e, "", args...)
		if r.code != 1 || !strings.Contains(r.stderr, p) || !strings.Contains(r.stderr, "newer xops") {
			t.Errorf("%v: exit %d stderr %q", args, r.code, r.stderr)
		}
	}
	poke(t, p, func(tx *bolt.Tx) error { return tx.Bucket([]byte("meta")).Put([]byte("schema"), []byte("1")) })
	if r := mustRun(t, e, "accounts", "list", "--json"); !strings.Contains(r.stdout, `"contoso"`) {
		t.Errorf("the account did not survive: %s", r.stdout)
	}
}
