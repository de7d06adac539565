package sdktest

// The playground's Go SDK snippets (internal/snippet, language go-sdk), compiled and run against
// the Worker: each is written to a directory inside this module, so that it builds with the SDK
// pinned in go.mod, and run with `go run` and the token in its environment variable.

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/usedinsight/usedinsight/internal/snippet"
)

// snippetCases are, for each collection, a record to create (with its id), a list request's
// query that finds it, and a record of the same user that the query leaves out.
var snippetCases = []struct {
	collection, id, body, query, other string
}{
	{
		collection: "used", id: "snip-used",
		body:  `{"id": "snip-used", "lastUsed": {"lastAccessedDateTime": "2024-03-01T10:00:00Z", "lastModifiedDateTime": "2024-02-01T10:00:00Z"}, "resourceVisualization": {"title": "Snippet's doc", "type": "Word", "containerType": "Site", "containerWebUrl": "https://contoso.sharepoint.com/sites/Retail"}, "resourceReference": {"id": "drives/b!x/items/snip-used", "type": "microsoft.graph.driveItem", "webUrl": "https://contoso.sharepoint.com/sites/Retail/Shared Documents/snip.docx"}}`,
		query: "$filter=" + escape("ResourceVisualization/Type eq 'Word'") + "&$orderby=" + escape("LastUsed/LastAccessedDateTime desc") + "&$top=5&$select=id,resourceVisualization",
		other: `{"id": "snip-used-excel", "lastUsed": {"lastAccessedDateTime": "2024-03-02T10:00:00Z"}, "resourceVisualization": {"type": "Excel"}, "resourceReference": {"id": "drives/b!x/items/excel"}}`,
	},
	{
		collection: "trending", id: "snip-trending",
		body:  `{"id": "snip-trending", "weight": "0.75", "lastModifiedDateTime": "2024-03-01T10:00:00Z", "resourceVisualization": {"title": "Trending doc", "type": "PowerPoint", "containerType": "Site"}, "resourceReference": {"id": "drives/b!x/items/snip-trending", "webUrl": "https://contoso.sharepoint.com/t.pptx"}}`,
		query: "$filter=" + escape("ResourceVisualization/Type eq 'PowerPoint'") + "&$orderby=" + escape("weight desc") + "&$top=5&$select=id,weight",
		other: `{"id": "snip-trending-word", "weight": 0.9, "resourceVisualization": {"type": "Word"}, "resourceReference": {"id": "drives/b!x/items/word"}}`,
	},
	{
		collection: "shared", id: "snip-shared",
		body:  `{"id": "snip-shared", "lastShared": {"sharedDateTime": "2024-03-01T10:00:00Z", "sharingType": "Direct", "sharingSubject": "Report", "sharingReference": {}, "sharedBy": {"address": "MeganB@contoso.com", "displayName": "Megan Bowen", "id": "megan"}}, "sharingHistory": [{"sharedDateTime": "2024-02-01T10:00:00Z", "sharedBy": {"address": "MeganB@contoso.com"}}], "resourceVisualization": {"title": "Shared doc", "type": "Excel"}, "resourceReference": {"id": "drives/b!x/items/snip-shared"}}`,
		query: "$filter=" + escape("lastShared/sharedBy/address eq 'MeganB@contoso.com'") + "&$orderby=" + escape("lastShared/sharedDateTime desc") + "&$top=5",
		other: `{"id": "snip-shared-alex", "lastShared": {"sharedDateTime": "2024-03-02T10:00:00Z", "sharedBy": {"address": "AlexW@contoso.com"}}, "resourceVisualization": {"type": "Excel"}, "resourceReference": {"id": "drives/b!x/items/alex"}}`,
	},
}

func escape(s string) string {
	return strings.NewReplacer(" ", "%20", "'", "%27", "/", "%2F").Replace(s)
}

// call sends one request straight to the service and returns its status and body.
func call(t *testing.T, method, url, token, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, b
}

// runSnippet writes the go-sdk snippet of r into a directory of this module, runs it with token
// in the environment and returns its output; it fails the test if the program fails.
func runSnippet(t *testing.T, r snippet.Request, token string) string {
	t.Helper()
	code, err := snippet.Generate("go-sdk", r)
	if err != nil {
		t.Fatal(err)
	}
	// "_" keeps the directory out of ./... patterns while it exists.
	dir, err := os.MkdirTemp(".", "_snippet-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "run", "main.go")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "USEDINSIGHT_TOKEN="+token)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\noutput:\n%s\nsnippet:\n%s", r.Method, r.URL, err, out, code)
	}
	return string(out)
}

// TestGoSDKSnippets runs the go-sdk snippets of a create, a filtered list and a delete in each
// collection against the Worker, and checks the records through the API itself.
func TestGoSDKSnippets(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs Go programs against wrangler dev")
	}
	base := workerService(t) // http://127.0.0.1:<port>/v1.0
	token := bearer(t, "snippets")
	header := [][2]string{{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}}
	for _, c := range snippetCases {
		t.Run(c.collection, func(t *testing.T) {
			items := base + "/me/insights/" + c.collection
			if status, body := call(t, "POST", items, token, c.other); status != 201 {
				t.Fatalf("creating the record the list leaves out: %d %s", status, body)
			}

			// Create: the record is there with every member, resourceVisualization and
			// resourceReference included (the SDK's additional data).
			out := runSnippet(t, snippet.Request{Method: "POST", URL: items, Headers: header, Body: c.body}, token)
			if strings.TrimSpace(out) != "created "+c.id {
				t.Errorf("create printed %q", out)
			}
			status, got := call(t, "GET", items+"/"+c.id, token, "")
			if status != 200 {
				t.Fatalf("GET of the created record: %d %s", status, got)
			}
			var want, have map[string]any
			if err := json.Unmarshal([]byte(c.body), &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(got, &have); err != nil {
				t.Fatal(err)
			}
			for k, v := range want {
				if k == "weight" { // sent as the string "0.75", stored as the number
					v = 0.75
				}
				if g, _ := json.Marshal(have[k]); string(g) != mustJSON(t, v) {
					t.Errorf("%s: stored %s, sent %s", k, g, mustJSON(t, v))
				}
			}

			// A filtered, ordered list finds it and not the other record.
			out = runSnippet(t, snippet.Request{URL: items + "?" + c.query, Headers: header[:1]}, token)
			if strings.TrimSpace(out) != c.id {
				t.Errorf("list %s printed %q, want just %s", c.query, out, c.id)
			}

			// Delete, by the user's name (Users().ByUserId): gone.
			byName := base + "/users/snippets@contoso.com/insights/" + c.collection + "/" + c.id
			out = runSnippet(t, snippet.Request{Method: "DELETE", URL: byName, Headers: header[:1]}, token)
			if strings.TrimSpace(out) != "deleted" {
				t.Errorf("delete printed %q", out)
			}
			if status, body := call(t, "GET", items+"/"+c.id, token, ""); status != 404 {
				t.Errorf("GET after the delete: %d %s", status, body)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
