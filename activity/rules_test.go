package activity

import (
	"errors"
	"strings"
	"testing"
)

// validateTest is one line and the error ValidateLine must return for it, ""
// for a valid line.
type validateTest struct {
	name string
	line string
	want string
}

// runValidateTests runs ValidateLine on each line of tests.
func runValidateTests(t *testing.T, tests []validateTest) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateLine([]byte(tt.line))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("got error %q, want %q\nline: %s", got, tt.want, tt.line)
			}
			var v *Violation
			if err != nil && !errors.As(err, &v) {
				t.Errorf("got %T, want a *Violation", err)
			}
		})
	}
}

// act returns a valid activity line with extra members (each starting with a
// comma) added at the end.
func act(extra string) string {
	return `{"$ts":1704452400000,"$type":"TOUCH","$user_agent_id":"vec:89998434"` + extra + `}`
}

var activityTests = []validateTest{
	{"minimal", act(""), ""},
	{"every optional key", act(`,"$session_status":"NO_SESSION","$ttl":0,"$unique_key":"6f1c","$site_id":"12",` +
		`"$app_id":"3","$origin":{"$channel":"store","$ts":1},"$location":{"$source":"GPS","$latlon":[45.76,-4.83],"$city":"Lyon"},"$events":[]`), ""},
	{"custom properties", act(`,"note":{"a":[1,"x",null,{"$any":true}]},"":0`), ""},
	{"ts at 10^11", `{"$ts":100000000000,"$type":"TOUCH","$user_agent_id":"v"}`, ""},
	{"ts at 10^14", `{"$ts":100000000000000,"$type":"TOUCH","$user_agent_id":"v"}`, ""},
	{"ts missing", `{"$type":"TOUCH","$user_agent_id":"v"}`, `missing required key "$ts"`},
	{"ts string", `{"$ts":"2024-01-05","$type":"TOUCH","$user_agent_id":"v"}`,
		`$ts: must be an integer (epoch milliseconds), got string "2024-01-05"`},
	{"ts null", `{"$ts":null,"$type":"TOUCH","$user_agent_id":"v"}`, `$ts: must be an integer (epoch milliseconds), got null`},
	{"ts seconds", `{"$ts":1577836800,"$type":"TOUCH","$user_agent_id":"v"}`,
		`$ts: 1577836800 looks like seconds, not milliseconds (below 10^11)`},
	{"ts microseconds", `{"$ts":1704452400000000,"$type":"TOUCH","$user_agent_id":"v"}`,
		`$ts: 1704452400000000 looks like microseconds, not milliseconds (above 10^14)`},
	{"ts nanoseconds", `{"$ts":1704452400000000000,"$type":"TOUCH","$user_agent_id":"v"}`,
		`$ts: 1704452400000000000 looks like nanoseconds, not milliseconds (above 10^14)`},
	{"ts negative", `{"$ts":-1,"$type":"TOUCH","$user_agent_id":"v"}`, `$ts: -1 is before 1970 (epoch milliseconds must be positive)`},
	{"ts fraction", `{"$ts":1704452400000.5,"$type":"TOUCH","$user_agent_id":"v"}`,
		`$ts: must be an integer (epoch milliseconds), got number 1704452400000.5`},
	{"ts exponent", `{"$ts":1.7044524e12,"$type":"TOUCH","$user_agent_id":"v"}`,
		`$ts: must be an integer (epoch milliseconds), got number 1.7044524e12`},
	{"ts overflowing float64", `{"$ts":1e400,"$type":"TOUCH","$user_agent_id":"v"}`,
		`$ts: not a finite number, got 1e400 (overflows a float64)`},
	{"type missing", `{"$ts":1704452400000,"$user_agent_id":"v"}`, `missing required key "$type"`},
	{"type unknown, close", `{"$ts":1704452400000,"$type":"TOUCHE","$user_agent_id":"v"}`,
		`$type: unknown activity type "TOUCHE" (did you mean "TOUCH"?)`},
	{"type lower case", `{"$ts":1704452400000,"$type":"site_visit","$user_agent_id":"v"}`,
		`$type: unknown activity type "site_visit" (did you mean "SITE_VISIT"?)`},
	{"type unknown, far", `{"$ts":1704452400000,"$type":"PURCHASE","$user_agent_id":"v"}`, `$type: unknown activity type "PURCHASE"`},
	{"type number", `{"$ts":1704452400000,"$type":1,"$user_agent_id":"v"}`, `$type: must be a string, got number 1 (quote it)`},
	{"type long value cut", `{"$ts":1704452400000,"$type":"` + strings.Repeat("X", 100) + `","$user_agent_id":"v"}`,
		`$type: unknown activity type "` + strings.Repeat("X", 60) + `"…`},
	{"session status close", act(`,"$session_status":"IN_SESION"`), `$session_status: unknown session status "IN_SESION" (did you mean "IN_SESSION"?)`},
	{"session status bool", act(`,"$session_status":true`), `$session_status: must be a string, got bool true`},
	{"ttl negative", act(`,"$ttl":-1`), `$ttl: must be an integer >= 0 (minutes), got -1`},
	{"ttl string", act(`,"$ttl":"10"`), `$ttl: must be an integer >= 0 (minutes), got string "10"`},
	{"ttl fraction", act(`,"$ttl":1.5`), `$ttl: must be an integer >= 0 (minutes), got number 1.5`},
	{"unique key number", act(`,"$unique_key":5`), `$unique_key: must be a string, got number 5 (quote it)`},
	{"site id object", act(`,"$site_id":{}`), `$site_id: must be a string, got object`},
	{"origin string", act(`,"$origin":"web"`), `$origin: must be an object, got string "web"`},
	{"location array", act(`,"$location":[1,2]`), `$location: must be an object, got array of 2`},
	{"location source", act(`,"$location":{"$source":"gps"}`), `$location.$source: unknown location source "gps" (did you mean "GPS"?)`},
	{"latlon three numbers", act(`,"$location":{"$latlon":[1,2,3]}`), `$location.$latlon: must be an array of 2 numbers [lat, lon], got array of 3`},
	{"latlon string", act(`,"$location":{"$latlon":"45.7,4.8"}`), `$location.$latlon: must be an array of 2 numbers [lat, lon], got string "45.7,4.8"`},
	{"latitude quoted", act(`,"$location":{"$latlon":["45.7",4.8]}`), `$location.$latlon[0]: must be a number, got string "45.7" (unquote it)`},
	{"latitude out of range", act(`,"$location":{"$latlon":[91,4.8]}`), `$location.$latlon[0]: latitude 91 out of range [-90, 90]`},
	{"longitude out of range", act(`,"$location":{"$latlon":[45.7,-180.5]}`), `$location.$latlon[1]: longitude -180.5 out of range [-180, 180]`},
	{"latlon at the limits", act(`,"$location":{"$latlon":[-90,180]}`), ""},
	{"unknown key close", act(`,"$user_acount_id":"u1"`), `unknown key "$user_acount_id" (did you mean "$user_account_id"?)`},
	{"unknown key far", act(`,"$foo":1`), `unknown key "$foo": custom keys must not start with $`},
	{"unknown key, synonym", act(`,"$timestamp":1704452400000`), `unknown key "$timestamp" (did you mean "$ts"?)`},
	{"visit keys", act(`,"$session_duration":120,"$topics":{"sport":1}`), ""},
	{"origin, every key", act(`,"$origin":{"$campaign_id":"1","$campaign_name":"Noël","$channel":"store","$creative_id":"2",` +
		`"$creative_name":"c","$engagement_content_id":"3","$gclid":"g","$keywords":"k","$log_id":"l","$message_id":"m",` +
		`"$message_technical_name":"mt","$referral_path":"/","$social_network":"x","$source":"s","$sub_campaign_id":"4",` +
		`"$sub_campaign_technical_name":"st","$ts":1704452400000,"coupon":"NOEL24"}`), ""},
	{"origin, misspelt key", act(`,"$origin":{"$chanel":"store"}`), `$origin: unknown key "$chanel" (did you mean "$channel"?)`},
	{"origin, unknown key", act(`,"$origin":{"$campaign_id":"x","$coupon":"NOEL24"}`), `$origin: unknown key "$coupon": custom keys must not start with $`},
	{"location, misspelt key", act(`,"$location":{"$zipcode":"69003"}`), `$location: unknown key "$zipcode" (did you mean "$zip_code"?)`},
	{"location, synonym", act(`,"$location":{"$postal_code":"69003"}`), `$location: unknown key "$postal_code" (did you mean "$zip_code"?)`},
	{"location, unknown key", act(`,"$location":{"$store":"Lyon"}`), `$location: unknown key "$store": custom keys must not start with $`},
	{"location, custom key", act(`,"$location":{"$city":"Lyon","store":"Part-Dieu"}`), ""},
	{"events object", act(`,"$events":{}`), `$events: must be an array of events, got object`},
	{"document order", `{"$ts":1,"$type":"X","$ttl":-1}`, `$ts: 1 looks like seconds, not milliseconds (below 10^11)`},
}

func TestValidateActivity(t *testing.T) {
	runValidateTests(t, activityTests)
}

func TestValidateLineParseErrors(t *testing.T) {
	for _, tt := range parseErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateLine([]byte(tt.line))
			if err == nil || err.Error() != tt.want || !errors.Is(err, tt.is) {
				t.Errorf("got error %v, want %q wrapping %v", err, tt.want, tt.is)
			}
			var v *Violation
			if errors.As(err, &v) {
				t.Errorf("got a *Violation for a parse error, want none")
			}
		})
	}
}

func TestViolationError(t *testing.T) {
	tests := []struct {
		v    Violation
		want string
	}{
		{Violation{Msg: "nil activity"}, "nil activity"},
		{Violation{Path: "$ts", Msg: "bad"}, "$ts: bad"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.v.Error(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPathString(t *testing.T) {
	a := (*path)(nil).field("$events")
	b := a.elem(1)
	c := b.field("$properties")
	d := c.field("$items")
	e := d.elem(12)
	f := e.field("$qty")
	if got, want := f.String(), "$events[1].$properties.$items[12].$qty"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := (*path)(nil).String(); got != "" {
		t.Errorf("root: got %q, want empty", got)
	}
	if got, want := f.level(), 6; got != want {
		t.Errorf("level: got %d, want %d", got, want)
	}
}

func TestClosest(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{"TOUCHE", "TOUCH"},
		{"touch", "TOUCH"},
		{"Email", "EMAIL"},
		{"SITEVISIT", "SITE_VISIT"},
		{"PURCHASE", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.got, func(t *testing.T) {
			if got := closest(tt.got, activityTypes); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSuggestKey(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{"$a", ""},
		{"$tz", ""},
		{"$tss", "$ts"},
		{"$TYPE", "$type"},
		{"$timestamp", "$ts"},
		{"$Quantity", ""}, // $quantity is a synonym in items only
		{"$user_acount_id", "$user_account_id"},
	}
	for _, tt := range tests {
		t.Run(tt.got, func(t *testing.T) {
			if got := suggestKey(tt.got, knownKeys[placeActivity]); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
