package sandbox

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestLinesCheckedByTheImportsType checks that an execution's lines are
// judged by the rules of its import's document type: a segment line passes
// in a USER_SEGMENT import and fails in a USER_ACTIVITY one, and the
// other way round.
func TestLinesCheckedByTheImportsType(t *testing.T) {
	segment := `{"operation":"UPDATE","user_account_id":"c1","segment_id":"12","expiration_duration":0}`
	bad := `{"operation":"UPDATE","user_account_id":"c1","segment_id":"12"}`
	body := []byte(segment + "\n" + bad + "\n" + validLine(1) + "\n")
	success, failure, errLines := checkLines(body, lineRules("USER_SEGMENT"), nil)
	if success != 1 || failure != 2 {
		t.Fatalf("USER_SEGMENT: got %d success, %d failure, want 1 and 2", success, failure)
	}
	if !strings.Contains(string(errLines), `"line":2,"error":"missing required key \"expiration_duration\"`) {
		t.Errorf("USER_SEGMENT error lines lack line 2's reason:\n%s", errLines)
	}
	success, failure, _ = checkLines(body, lineRules("USER_ACTIVITY"), nil)
	if success != 1 || failure != 2 {
		t.Errorf("USER_ACTIVITY: got %d success, %d failure, want 1 and 2", success, failure)
	}
}

// TestImportsListedWithTheirType checks GET …/document_imports: the
// datamart's imports in creation order, each with its document_type.
func TestImportsListedWithTheirType(t *testing.T) {
	a := newAPI(t, Options{})
	types := []string{"USER_SEGMENT", "USER_ACTIVITY", "USER_IDENTIFIERS_ASSOCIATION_DECLARATIONS"}
	for _, typ := range types {
		body := strings.Replace(importBody, "USER_ACTIVITY", typ, 1)
		if ans := a.do("POST", "/v1/datamarts/7/document_imports", "application/json", body); ans.code != 200 {
			t.Fatalf("create a %s import: got %d %q", typ, ans.code, ans.Error)
		}
	}
	a.do("POST", "/v1/datamarts/8/document_imports", "application/json", importBody)
	ans := a.do("GET", "/v1/datamarts/7/document_imports", "", "")
	var list []struct {
		ID           string `json:"id"`
		DocumentType string `json:"document_type"`
	}
	if err := json.Unmarshal(ans.Data, &list); err != nil || ans.code != 200 {
		t.Fatalf("got %d %s (%v)", ans.code, ans.Data, err)
	}
	if len(list) != len(types) {
		t.Fatalf("got %d imports, want %d: %s", len(list), len(types), ans.Data)
	}
	for i, imp := range list {
		if imp.DocumentType != types[i] {
			t.Errorf("import %d (id %s): got %s, want %s", i, imp.ID, imp.DocumentType, types[i])
		}
	}
}
