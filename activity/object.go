package activity

// Object is a JSON object whose keys keep their insertion order, so that
// encoding is deterministic and follows the mapping's order.
type Object struct {
	Fields []Field
}

// Field is one key of an Object.
type Field struct {
	Key   string
	Value any
	// EncodedKey, when set, is Key already written as JSON followed by a
	// colon ("\"$ts\":"), for producers that write the same keys millions of
	// times; AppendJSON then copies it instead of escaping Key again. It must
	// be EncodeKey(Key).
	EncodedKey string
}

// EncodeKey is the JSON form of a key followed by a colon, for
// Field.EncodedKey.
func EncodeKey(key string) string {
	return string(append(appendString(nil, key), ':'))
}

// Get returns the value of the first field named key and whether there is one.
// A nil Object has no fields.
func (o *Object) Get(key string) (any, bool) {
	if o == nil {
		return nil, false
	}
	for _, f := range o.Fields {
		if f.Key == key {
			return f.Value, true
		}
	}
	return nil, false
}

// String returns the object as compact JSON (see AppendJSON), for logs and test
// failures; a nil Object is "null".
func (o *Object) String() string {
	return string(AppendJSON(nil, o))
}

// smallObject is the number of keys up to which a keySet scans the previous
// fields instead of building a map.
const smallObject = 32

// keySet finds repeated keys while an object's fields are read in order: a linear
// scan of the previous fields for small objects, a map past smallObject keys. Its
// zero value is ready; one keySet serves one object.
type keySet struct {
	m map[string]struct{}
}

// repeats reports whether key is among prev, the fields before it, and records
// key. Calls must come in field order: prev grows by one field each time.
func (s *keySet) repeats(prev []Field, key string) bool {
	if s.m == nil && len(prev) < smallObject {
		for _, f := range prev {
			if f.Key == key {
				return true
			}
		}
		return false
	}
	if s.m == nil {
		s.m = make(map[string]struct{}, 2*len(prev))
		for _, f := range prev {
			s.m[f.Key] = struct{}{}
		}
	}
	if _, ok := s.m[key]; ok {
		return true
	}
	s.m[key] = struct{}{}
	return false
}
