package document

import (
	"errors"
	"strings"
	"testing"

	"csv2activity/activity"
)

// lineTests are lines of every type, each valid or breaking one rule: want
// is the first problem Validate reports, "" for a valid line.
var lineTests = []struct {
	name string
	typ  Type
	line string
	want string
}{
	{"profile upsert", UserProfile, `{"operation":"UPSERT","compartment_id":"1","user_account_id":"c1","force_replace":false,"merge_objects":true,"user_profile":{"first_name":"Ann"}}`, ""},
	{"profile update_strategy", UserProfile, `{"operation":"UPSERT","email_hash":"ab12","update_strategy":"PARTIAL_UPDATE","user_profile":{}}`, ""},
	{"profile delete", UserProfile, `{"operation":"DELETE","user_agent_id":"vec:1"}`, ""},
	{"profile operation", UserProfile, `{"operation":"UPSERTS","user_account_id":"c1","force_replace":true,"user_profile":{}}`, `operation: "UPSERTS" is not one of UPSERT, DELETE (did you mean "UPSERT"?)`},
	{"profile misspelt key", UserProfile, `{"operation":"DELETE","user_acount_id":"c1"}`, `unknown key "user_acount_id" (did you mean "user_account_id"?)`},
	{"profile no identifier", UserProfile, `{"operation":"DELETE"}`, `no user identifier: give one of user_account_id (with compartment_id), email_hash, user_agent_id`},
	{"profile two identifiers", UserProfile, `{"operation":"DELETE","user_account_id":"c1","email_hash":"ab"}`, `2 user identifiers (user_account_id, email_hash): bulk import accepts exactly one per line`},
	{"profile compartment alone", UserProfile, `{"operation":"DELETE","compartment_id":"1","email_hash":"ab"}`, `compartment_id without user_account_id: the compartment goes with an account id`},
	{"profile both strategies", UserProfile, `{"operation":"UPSERT","user_account_id":"c1","force_replace":true,"update_strategy":"FORCE_REPLACE","user_profile":{}}`, `force_replace/merge_objects and update_strategy are two forms of the update strategy: give one, not both`},
	{"profile no strategy", UserProfile, `{"operation":"UPSERT","user_account_id":"c1","user_profile":{}}`, `an UPSERT needs its update strategy: update_strategy (PARTIAL_UPDATE, PARTIAL_DELETE or FORCE_REPLACE), or force_replace (true or false)`},
	{"profile upsert without profile", UserProfile, `{"operation":"UPSERT","user_account_id":"c1","force_replace":true}`, `missing required key "user_profile": an UPSERT sets the profile it holds`},
	{"profile number overflowing", UserProfile, `{"operation":"UPSERT","user_account_id":"c1","force_replace":true,"user_profile":{"age":1e999}}`, `user_profile.age: not a finite number, got 1e999 (overflows a float64)`},
	{"profile number in a list", UserProfile, `{"operation":"UPSERT","user_account_id":"c1","force_replace":true,"user_profile":{"scores":[1,-2e400]}}`, `user_profile.scores[1]: not a finite number`},
	{"profile not an object", UserProfile, `{"operation":"UPSERT","user_account_id":"c1","force_replace":true,"user_profile":"Ann"}`, `user_profile: "Ann" is not an object`},
	{"profile force_replace text", UserProfile, `{"operation":"UPSERT","user_account_id":"c1","force_replace":"yes","user_profile":{}}`, `force_replace: "yes" is not true or false`},
	{"profile empty id", UserProfile, `{"operation":"DELETE","user_account_id":""}`, `user_account_id: "" is not a non-empty string`},
	{"profile missing operation", UserProfile, `{"user_account_id":"c1"}`, `missing required key "operation"`},

	{"segment", UserSegment, `{"operation":"UPDATE","user_account_id":"c1","segment_id":"1200","expiration_duration":0,"data_bag":"{\"tier\":\"gold\"}"}`, ""},
	{"segment by name", UserSegment, `{"operation":"DELETE","email_hash":"ab","segment_technical_name":"vip","expiration_ts":1735689600000}`, ""},
	{"segment operation", UserSegment, `{"operation":"UPSERT","user_account_id":"c1","segment_id":"1","expiration_duration":0}`, `operation: "UPSERT" is not one of UPDATE, DELETE`},
	{"segment no segment", UserSegment, `{"operation":"DELETE","user_account_id":"c1"}`, `no segment: give segment_id or segment_technical_name`},
	{"segment two segments", UserSegment, `{"operation":"DELETE","user_account_id":"c1","segment_id":"1","segment_technical_name":"vip"}`, `segment_id and segment_technical_name both name the segment: give one`},
	{"segment no duration", UserSegment, `{"operation":"UPDATE","user_account_id":"c1","segment_id":"1"}`, `missing required key "expiration_duration": minutes the user stays in the segment, 0 for ever`},
	{"segment negative duration", UserSegment, `{"operation":"UPDATE","user_account_id":"c1","segment_id":"1","expiration_duration":-5}`, `expiration_duration: -5 is not a whole number of 0 or more`},
	{"segment seconds", UserSegment, `{"operation":"UPDATE","user_account_id":"c1","segment_id":"1","expiration_duration":0,"expiration_ts":1735689600}`, `expiration_ts: 1735689600 looks like seconds, not milliseconds (below 10^11)`},
	{"segment data_bag object", UserSegment, `{"operation":"UPDATE","user_account_id":"c1","segment_id":"1","expiration_duration":0,"data_bag":{"a":1}}`, `data_bag: {"a":1} is not a JSON object encoded as a string`},
	{"segment data_bag text", UserSegment, `{"operation":"UPDATE","user_account_id":"c1","segment_id":"1","expiration_duration":0,"data_bag":"gold"}`, `data_bag: "gold" does not hold a JSON object`},

	{"choice", UserChoice, `{"operation":"UPSERT","user_account_id":"c1","force_replace":true,"user_choice":{"$processing_id":"42","$choice_ts":1700000000000,"channel":"store"}}`, ""},
	{"choice delete", UserChoice, `{"operation":"DELETE","email_hash":"ab","user_choice":{"$processing_id":"42"}}`, ""},
	{"choice no ts", UserChoice, `{"operation":"UPSERT","user_account_id":"c1","user_choice":{"$processing_id":"42"}}`, `user_choice: missing required key "$choice_ts"`},
	{"choice misspelt", UserChoice, `{"operation":"DELETE","user_account_id":"c1","user_choice":{"$processing":"42"}}`, `user_choice: unknown key "$processing" (did you mean "$processing_id"?)`},
	{"choice no processing", UserChoice, `{"operation":"DELETE","user_account_id":"c1","user_choice":{}}`, `user_choice: missing required key "$processing_id"`},

	{"association", UserAssociations, `{"identifiers":[{"type":"USER_ACCOUNT","user_account_id":"c1","compartment_id":"1"},{"type":"USER_EMAIL","hash":"ab","email":"a@b.c"},{"type":"USER_AGENT","user_agent_id":"vec:1"}]}`, ""},
	{"association one", UserAssociations, `{"identifiers":[{"type":"USER_ACCOUNT","user_account_id":"c1"}]}`, `identifiers: 1 identifier(s): an association declares two identifiers or more`},
	{"association type", UserAssociations, `{"identifiers":[{"type":"USER_MAIL","hash":"ab"},{"type":"USER_AGENT","user_agent_id":"vec:1"}]}`, `identifiers[0].type: "USER_MAIL" is not one of USER_ACCOUNT, USER_EMAIL, USER_AGENT (did you mean "USER_EMAIL"?)`},
	{"association point", UserAssociations, `{"identifiers":[{"type":"USER_POINT","user_point_id":"p"},{"type":"USER_AGENT","user_agent_id":"vec:1"}]}`, `identifiers[0].type: "USER_POINT" is not one of USER_ACCOUNT, USER_EMAIL, USER_AGENT`},
	{"association key", UserAssociations, `{"identifiers":[{"type":"USER_EMAIL","hash":"ab"},{"type":"USER_AGENT","user_agent":"vec:1"}]}`, `identifiers[1]: unknown key "user_agent" (did you mean "user_agent_id"?)`},
	{"association missing id", UserAssociations, `{"identifiers":[{"type":"USER_EMAIL","hash":"ab"},{"type":"USER_ACCOUNT","compartment_id":"1"}]}`, `identifiers[1]: missing required key "user_account_id"`},
	{"association not a list", UserAssociations, `{"identifiers":"c1"}`, `identifiers: "c1" is not a list of identifiers`},
	{"association extra key", UserAssociations, `{"identifiers":[{"type":"USER_EMAIL","hash":"ab"},{"type":"USER_AGENT","user_agent_id":"vec:1"}],"user_account_id":"c1"}`, `unknown key "user_account_id"`},

	{"identifier deletion", UserIdentifiersDeletion, `{"type":"USER_EMAIL","hash":"ab"}`, ""},
	{"identifier deletion email", UserIdentifiersDeletion, `{"type":"USER_EMAIL","hash":"ab","email":"a@b.c"}`, `unknown key "email"`},
	{"identifier deletion point", UserIdentifiersDeletion, `{"type":"USER_POINT","user_point_id":"p"}`, `type: "USER_POINT" is not one of USER_ACCOUNT, USER_EMAIL, USER_AGENT`},
	{"identifier deletion no type", UserIdentifiersDeletion, `{"user_agent_id":"vec:1"}`, `missing required key "type"`},
	{"points deletion", UserPointsDeletion, `{"type":"USER_POINT","user_point_id":"8f0c"}`, ""},
	{"points deletion account", UserPointsDeletion, `{"type":"USER_ACCOUNT","user_account_id":"c1","compartment_id":"1"}`, ""},
	{"points deletion missing", UserPointsDeletion, `{"type":"USER_POINT"}`, `missing required key "user_point_id"`},
}

func TestValidateLine(t *testing.T) {
	for _, tt := range lineTests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.typ.Rules().ValidateLine([]byte(tt.line))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if !strings.HasPrefix(got, tt.want) || (tt.want == "" && got != "") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestProblemsFirstIsValidate checks that Problems' first problem is
// Validate's, on every line.
func TestProblemsFirstIsValidate(t *testing.T) {
	for _, tt := range lineTests {
		o, err := activity.Parse([]byte(tt.line))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		r := tt.typ.Rules()
		found, _ := r.Problems(o, 0)
		err = r.Validate(o)
		if (err == nil) != (len(found) == 0) || (err != nil && err.Error() != found[0].Error()) {
			t.Errorf("%s: Validate %v, Problems %v", tt.name, err, found)
		}
	}
}

func TestProblemsBounded(t *testing.T) {
	o, _ := activity.Parse([]byte(`{"operation":"X","a":1,"b":2,"c":3}`))
	found, more := UserProfile.Rules().Problems(o, 2)
	if len(found) != 2 || more < 2 {
		t.Errorf("got %d problems and %d more, want 2 and at least 2 more", len(found), more)
	}
}

func TestParseType(t *testing.T) {
	for _, typ := range Types {
		if got, err := ParseType(string(typ)); err != nil || got != typ {
			t.Errorf("ParseType(%s) = %s, %v", typ, got, err)
		}
	}
	if got, err := ParseType(""); err != nil || got != UserActivity {
		t.Errorf(`ParseType("") = %s, %v, want USER_ACTIVITY`, got, err)
	}
	_, err := ParseType("USER_PROFILES")
	if !errors.Is(err, ErrType) || !strings.Contains(err.Error(), `did you mean "USER_PROFILE"?`) {
		t.Errorf("got %v, want ErrType with a did-you-mean", err)
	}
	if UserActivity.Rules() != nil {
		t.Error("USER_ACTIVITY has rules here; they are package activity's")
	}
}

// template builds a template line: "?" values become holes.
func template(t *testing.T, line string) *activity.Object {
	t.Helper()
	o, err := activity.Parse([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	holes(o)
	return o
}

func holes(v any) any {
	switch v := v.(type) {
	case string:
		if v == "?" {
			return &activity.Hole{}
		}
	case *activity.Object:
		for i := range v.Fields {
			v.Fields[i].Value = holes(v.Fields[i].Value)
		}
	case []any:
		if len(v) == 1 {
			if o, ok := v[0].(*activity.Object); ok && len(o.Fields) > 0 && o.Fields[0].Key == "for_each" {
				return []any{&activity.Repeat{Item: holes(o.Fields[1].Value)}}
			}
		}
		for i := range v {
			v[i] = holes(v[i])
		}
	}
	return v
}

func TestCheckTemplate(t *testing.T) {
	tests := []struct {
		name string
		typ  Type
		line string
		want []string
	}{
		{"profile holes", UserProfile, `{"operation":"?","user_account_id":"?","email_hash":"?","user_profile":{"name":"?"}}`, nil},
		{"profile constant upsert", UserProfile, `{"operation":"UPSERT","user_account_id":"?"}`, []string{
			`missing required key "user_profile": an UPSERT sets the profile it holds`,
			`an UPSERT needs its update strategy`}},
		{"profile misspelt", UserProfile, `{"operation":"DELETE","user_acount_id":"?","force_replace":"?"}`, []string{
			`unknown key "user_acount_id" (did you mean "user_account_id"?)`, `no user identifier`}},
		{"segment data_bag object", UserSegment, `{"operation":"UPDATE","user_account_id":"?","segment_id":"?","expiration_duration":0,"data_bag":{"tier":"?"}}`, nil},
		{"segment constant bad", UserSegment, `{"operation":"UPDATE","user_account_id":"?","segment_id":"?","expiration_duration":"never"}`, []string{
			`expiration_duration: "never" is not a whole number of 0 or more`}},
		{"two constant ids", UserSegment, `{"operation":"DELETE","user_account_id":"a","email_hash":"b","segment_id":"?"}`, []string{`2 user identifiers`}},
		{"association repeat", UserAssociations, `{"identifiers":[{"for_each":"rows","item":{"type":"USER_ACCOUNT","user_account_id":"?"}}]}`, nil},
		{"association one constant", UserAssociations, `{"identifiers":[{"type":"USER_ACCOUNT","user_account_id":"?"}]}`, []string{`identifiers: 1 identifier(s)`}},
		{"association hole type", UserAssociations, `{"identifiers":[{"type":"?","user_account_id":"?"},{"type":"USER_EMAIL","hahs":"?"}]}`, []string{
			`identifiers[1]: unknown key "hahs" (did you mean "hash"?)`, `identifiers[1]: missing required key "hash"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.typ.Rules().CheckTemplate(template(t, tt.line))
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %d problems %q", got, len(tt.want), tt.want)
			}
			for i, v := range got {
				if !strings.HasPrefix(v.Error(), tt.want[i]) {
					t.Errorf("problem %d: got %q, want %q", i, v.Error(), tt.want[i])
				}
			}
		})
	}
}

func TestPrepareEncodesDataBag(t *testing.T) {
	o := template(t, `{"operation":"UPDATE","user_account_id":"c1","segment_id":"1","expiration_duration":0,"data_bag":{"tier":"gold","points":12}}`)
	r := UserSegment.Rules()
	r.Prepare(o)
	if err := r.Validate(o); err != nil {
		t.Fatalf("after Prepare: %v", err)
	}
	got := string(activity.AppendJSON(nil, o))
	want := `{"operation":"UPDATE","user_account_id":"c1","segment_id":"1","expiration_duration":0,"data_bag":"{\"tier\":\"gold\",\"points\":12}"}`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
