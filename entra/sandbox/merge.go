package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// mergeStates is the three-way merge Flush saves through Options.Update:
// base is the state this process last loaded or saved, ours its state now,
// theirs the state saved now (nil or empty when none is), which another process may
// have changed since base. Field by field, down to one app's one setting,
// what only one side changed is kept, so neither process loses the other's
// newest change; a field both changed takes ours, the newer change. An app's
// certificates merge one by one (by SHA-256), so two uploads both stay. The
// result is canonical MarshalState JSON.
func mergeStates(base, ours, theirs []byte) ([]byte, error) {
	if len(theirs) == 0 { // nothing saved yet
		return ours, nil
	}
	if _, err := decodeState(theirs); err != nil {
		if errors.Is(err, ErrStateTooNew) {
			return nil, err
		}
		return nil, fmt.Errorf("the saved tenant does not read (%w); it was not replaced", err)
	}
	merged, err := merge3(base, ours, theirs, "")
	if err != nil {
		return nil, err
	}
	st, err := decodeState(merged)
	if err != nil {
		return nil, fmt.Errorf("the merged tenant does not read: %w", err)
	}
	out, err := json.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("sandbox: encode state: %w", err)
	}
	return out, nil
}

// keyedArrays are the arrays merged element by element, by the field named.
var keyedArrays = map[string]string{"certificates": "sha256"}

// merge3 merges one JSON value; nil stands for an absent one. name is the
// value's key in its parent object.
func merge3(base, ours, theirs json.RawMessage, name string) (json.RawMessage, error) {
	switch {
	case bytes.Equal(ours, base):
		return theirs, nil
	case bytes.Equal(theirs, base), bytes.Equal(ours, theirs):
		return ours, nil
	case base != nil && (ours == nil || theirs == nil):
		// One side removed what the other changed (an app deleted while
		// another process edits it): a removal is a change of the whole
		// value, never merged field by field — that would leave the other
		// side's edited fields standing alone, an app without its ID. Ours,
		// the newer change, wins whole: gone, or back with all its fields.
		return ours, nil
	}
	if key, ok := keyedArrays[name]; ok {
		if out, ok, err := mergeKeyed(base, ours, theirs, key); ok || err != nil {
			return out, err
		}
	}
	bo, okB := object(base)
	oo, okO := object(ours)
	to, okT := object(theirs)
	if !okB || !okO || !okT {
		return ours, nil // both changed one value: ours is the newer change
	}
	out := map[string]json.RawMessage{}
	for k := range union(oo, to) {
		v, err := merge3(bo[k], oo[k], to[k], k)
		if err != nil {
			return nil, err
		}
		if v != nil {
			out[k] = v
		}
	}
	return json.Marshal(out)
}

// object reads a JSON object; absent (nil) reads as an empty one.
func object(raw json.RawMessage) (map[string]json.RawMessage, bool) {
	if raw == nil {
		return map[string]json.RawMessage{}, true
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || m == nil {
		return nil, false
	}
	return m, true
}

func union(a, b map[string]json.RawMessage) map[string]bool {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}

// mergeKeyed merges arrays of objects element by element, matched by their
// key field: theirs in their order, then what only ours added. ok is false
// when a side is not such an array (merge3 then falls back).
func mergeKeyed(base, ours, theirs json.RawMessage, key string) (json.RawMessage, bool, error) {
	b, okB := keyedList(base, key)
	o, okO := keyedList(ours, key)
	t, okT := keyedList(theirs, key)
	if !okB || !okO || !okT {
		return nil, false, nil
	}
	var order []string
	seen := map[string]bool{}
	for _, list := range []keyed{t, o} {
		for _, k := range list.order {
			if !seen[k] {
				seen[k] = true
				order = append(order, k)
			}
		}
	}
	out := []json.RawMessage{}
	for _, k := range order {
		v, err := merge3(b.byKey[k], o.byKey[k], t.byKey[k], "")
		if err != nil {
			return nil, false, err
		}
		if v != nil {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return nil, true, nil // omitted when empty, as MarshalState writes it
	}
	raw, err := json.Marshal(out)
	return raw, true, err
}

// keyed is an array of objects indexed by a key field.
type keyed struct {
	order []string
	byKey map[string]json.RawMessage
}

func keyedList(raw json.RawMessage, key string) (keyed, bool) {
	k := keyed{byKey: map[string]json.RawMessage{}}
	if raw == nil {
		return k, true
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return keyed{}, false
	}
	for _, el := range list {
		var fields map[string]json.RawMessage
		var id string
		if json.Unmarshal(el, &fields) != nil || json.Unmarshal(fields[key], &id) != nil || id == "" {
			return keyed{}, false
		}
		if _, dup := k.byKey[id]; !dup {
			k.order = append(k.order, id)
		}
		k.byKey[id] = el
	}
	return k, true
}
