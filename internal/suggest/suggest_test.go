package suggest

import "testing"

func TestClosest(t *testing.T) {
	commands := []string{"convert", "preview", "check", "validate", "init", "upload", "import"}
	keys := []string{"type", "hash", "email", "user_account_id"}
	strict := func(string) int { return 1 }
	tests := []struct {
		name, got  string
		candidates []string
		limit      Limit
		want       string
	}{
		{"a swap of two letters", "chekc", commands, Typo, "check"},
		{"a swap in a short key", "hahs", keys, Typo, "hash"},
		{"a letter left out", "conver", commands, Typo, "convert"},
		{"case is ignored", "UPLOAD", commands, Typo, "upload"},
		{"nothing near", "frobnicate", commands, Typo, ""},
		{"3 edits in a long name", "ordr_dat_tme_utc", []string{"order_date_time_utc"}, Typo, "order_date_time_utc"},
		{"never 4, however long the name", "ordr_dat_tm_utc", []string{"order_date_time_utc"}, Typo, ""},
		{"a stricter limit", "hahs", keys, strict, ""},
		{"the earlier of two as near", "ab", []string{"ax", "ay"}, Typo, "ax"},
		{"no candidate", "x", nil, Typo, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Closest(tt.got, tt.candidates, tt.limit); got != tt.want {
				t.Errorf("Closest(%q): got %q, want %q", tt.got, got, tt.want)
			}
		})
	}
}

func TestTypo(t *testing.T) {
	for _, tt := range []struct {
		got  string
		want int
	}{{"", 2}, {"ab", 2}, {"convert", 2}, {"completion", 3}, {"Qté_totale", 3}, {"a_very_long_column_name", 3}} {
		if got := Typo(tt.got); got != tt.want {
			t.Errorf("Typo(%q): got %d, want %d", tt.got, got, tt.want)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	if got, want := DidYouMean("USER_PROFILES", []string{"USER_ACTIVITY", "USER_PROFILE"}, Typo), ` (did you mean "USER_PROFILE"?)`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := DidYouMean("frobnicate", []string{"convert"}, Typo); got != "" {
		t.Errorf("got %q, want none", got)
	}
}
