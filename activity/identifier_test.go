package activity

import "testing"

// who returns an activity line identified by members (starting with a comma,
// or empty for no identifier).
func who(members string) string {
	return `{"$ts":1704452400000,"$type":"TOUCH"` + members + `}`
}

var identifierTests = []validateTest{
	{"user agent id", who(`,"$user_agent_id":"vec:89998434"`), ""},
	{"account id alone", who(`,"$user_account_id":"CUST-1"`), ""},
	{"account and compartment", who(`,"$user_account_id":"CUST-1","$compartment_id":"1593"`), ""},
	{"compartment first", who(`,"$compartment_id":"1593","$user_account_id":"CUST-1"`), ""},
	{"email hash", who(`,"$email_hash":{"$hash":"5d41402abc4b2a76b9719d911017c592","$email":"a@b.fr"}`), ""},
	{"email hash, empty email", who(`,"$email_hash":{"$hash":"5d41","$email":""}`), ""},
	{"user identifiers, account", who(`,"$user_identifiers":[{"$type":"USER_ACCOUNT","$compartment_id":"1593","$user_account_id":"CUST-1"}]`), ""},
	{"user identifiers, agent", who(`,"$user_identifiers":[{"$user_agent_id":"vec:1","$type":"USER_AGENT"}]`), ""},
	{"user identifiers, email", who(`,"$user_identifiers":[{"$type":"USER_EMAIL","$hash":"5d41","$email":"a@b.fr"}]`), ""},
	{"none", who(``), "no user identifier: set exactly one of $user_account_id, $user_agent_id, $email_hash, $user_identifiers"},
	{"compartment only", who(`,"$compartment_id":"1593"`), "$compartment_id: set without $user_account_id (the compartment goes with an account id)"},
	{"compartment with agent id", who(`,"$user_agent_id":"vec:1","$compartment_id":"1593"`),
		"$compartment_id: set without $user_account_id (the compartment goes with an account id)"},
	{"two", who(`,"$user_account_id":"CUST-1","$email_hash":{"$hash":"5d41"}`),
		"2 user identifiers ($user_account_id, $email_hash): bulk import accepts exactly one per line"},
	{"four", who(`,"$user_identifiers":[{"$type":"USER_AGENT","$user_agent_id":"vec:1"}],"$user_agent_id":"v","$email_hash":{"$hash":"h"},"$user_account_id":"a"`),
		"4 user identifiers ($user_identifiers, $user_agent_id, $email_hash, $user_account_id): bulk import accepts exactly one per line"},
	{"agent id empty", who(`,"$user_agent_id":""`), "$user_agent_id: must not be empty"},
	{"account id number", who(`,"$user_account_id":42`), "$user_account_id: must be a string, got number 42 (quote it)"},
	{"compartment number", who(`,"$user_account_id":"CUST-1","$compartment_id":1`), "$compartment_id: must be a string, got number 1 (quote it)"},
	{"compartment empty", who(`,"$user_account_id":"CUST-1","$compartment_id":""`), "$compartment_id: must not be empty"},
	{"email hash string", who(`,"$email_hash":"5d41"`), `$email_hash: must be an object {"$hash": ..., "$email": ...}, got string "5d41"`},
	{"email hash without hash", who(`,"$email_hash":{"$email":"a@b.fr"}`), `$email_hash: missing required key "$hash"`},
	{"email hash empty hash", who(`,"$email_hash":{"$hash":""}`), `$email_hash.$hash: must not be empty`},
	{"email hash, email number", who(`,"$email_hash":{"$hash":"5d41","$email":5}`), `$email_hash.$email: must be a string, got number 5 (quote it)`},
	{"email hash, misspelt key", who(`,"$email_hash":{"$hsh":"5d41"}`), `$email_hash: unknown key "$hsh" (did you mean "$hash"?)`},
	{"email hash, custom key", who(`,"$email_hash":{"$hash":"5d41","salt":"x"}`), `$email_hash: unknown key "salt"`},
	{"user identifiers object", who(`,"$user_identifiers":{"$type":"USER_AGENT","$user_agent_id":"vec:1"}`),
		`$user_identifiers: must be an array holding one identifier object, got object`},
	{"user identifiers empty", who(`,"$user_identifiers":[]`),
		`$user_identifiers: must hold exactly one identifier (bulk import accepts one per line), got 0`},
	{"user identifiers two", who(`,"$user_identifiers":[{"$type":"USER_AGENT","$user_agent_id":"vec:1"},{"$type":"USER_AGENT","$user_agent_id":"vec:2"}]`),
		`$user_identifiers: must hold exactly one identifier (bulk import accepts one per line), got 2`},
	{"user identifier string", who(`,"$user_identifiers":["vec:1"]`), `$user_identifiers[0]: must be an identifier object, got string "vec:1"`},
	{"user identifier without type", who(`,"$user_identifiers":[{"$user_agent_id":"vec:1"}]`), `$user_identifiers[0]: missing required key "$type"`},
	{"user identifier type misspelt", who(`,"$user_identifiers":[{"$type":"USER_ACOUNT","$user_account_id":"a"}]`),
		`$user_identifiers[0].$type: unknown identifier type "USER_ACOUNT" (did you mean "USER_ACCOUNT"?)`},
	{"user identifier type number", who(`,"$user_identifiers":[{"$type":1}]`), `$user_identifiers[0].$type: must be a string, got number 1 (quote it)`},
	{"user identifier without its id", who(`,"$user_identifiers":[{"$type":"USER_ACCOUNT","$compartment_id":"1593"}]`),
		`$user_identifiers[0]: missing required key "$user_account_id" for USER_ACCOUNT`},
	{"user identifier, key of another type", who(`,"$user_identifiers":[{"$type":"USER_AGENT","$user_agent_id":"vec:1","$hash":"h"}]`),
		`$user_identifiers[0]: unknown key "$hash" for USER_AGENT`},
	{"user identifier, misspelt key", who(`,"$user_identifiers":[{"$type":"USER_EMAIL","$hash":"h","$emial":"a@b.fr"}]`),
		`$user_identifiers[0]: unknown key "$emial" for USER_EMAIL (did you mean "$email"?)`},
	{"user identifier, empty id", who(`,"$user_identifiers":[{"$type":"USER_AGENT","$user_agent_id":""}]`),
		`$user_identifiers[0].$user_agent_id: must not be empty`},
	{"user identifier, empty email", who(`,"$user_identifiers":[{"$type":"USER_EMAIL","$hash":"h","$email":""}]`),
		`$user_identifiers[0].$email: must not be empty`},
	{"user identifier, number compartment", who(`,"$user_identifiers":[{"$type":"USER_ACCOUNT","$user_account_id":"a","$compartment_id":1593}]`),
		`$user_identifiers[0].$compartment_id: must be a string, got number 1593 (quote it)`},
}

func TestValidateIdentifier(t *testing.T) {
	runValidateTests(t, identifierTests)
}
