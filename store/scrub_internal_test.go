package store

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestFreelistIDsMatchesBbolt: the free pages read from the file's freelist
// are exactly those bbolt holds as free, so the scrub's fast path misses
// none (and the slow scan over every page is only a fallback).
func TestFreelistIDsMatchesBbolt(t *testing.T) {
	t.Parallel()
	s, err := Open(filepath.Join(t.TempDir(), "xops.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Enough churn for a freelist of several pages' worth of ids.
	for i := range 60 {
		id := fmt.Sprintf("cred-%02d", i)
		km := KeyMaterial{CertDER: make([]byte, 900), KeyPKCS8: make([]byte, 1300)}
		km.KeyPKCS8[0] = byte(i)
		if err := s.PutKey(id, km); err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			if err := s.DeleteKey(id); err != nil {
				t.Fatal(err)
			}
		}
	}
	err = s.run(txScrub, func(tx *bolt.Tx) error {
		pageSize := tx.DB().Info().PageSize
		f, err := os.Open(s.path)
		if err != nil {
			return err
		}
		defer f.Close()
		got, ok := freelistIDs(f, tx, pageSize)
		if !ok {
			t.Fatal("freelistIDs could not read the freelist of a plain store")
		}
		var want []int
		for id := 2; id < int(tx.Size())/pageSize; id++ {
			if info, err := tx.Page(id); err == nil && info != nil && info.Type == "free" {
				want = append(want, id)
			}
		}
		slices.Sort(got)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("freelist ids %v, bbolt's free pages %v", got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
