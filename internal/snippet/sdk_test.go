package snippet

import (
	"errors"
	"go/format"
	"strings"
	"testing"
)

// sdkRequests are requests the SDK snippets express, one of each kind.
var sdkRequests = map[string]Request{
	"create used": seed,
	"create trending": {Method: "POST", URL: "https://insights.example.com/v1.0/users/alice%40contoso.com/insights/trending",
		Headers: [][2]string{{"Authorization", "Bearer xyz"}, {"Content-Type", "application/json"}, {"Prefer", "return=representation"}},
		Body:    `{"weight": "0.1583399742569597", "lastModifiedDateTime": "2021-03-23T08:41:05Z", "resourceVisualization": {"title": "it's \"x\"", "type": "Image", "n": 3, "list": [1, true, null, 1e400]}, "resourceReference": {"id": "d"}}`},
	"create shared": {Method: "POST", URL: "http://127.0.0.1:8787/beta/me/insights/shared",
		Body: `{"lastShared": {"sharedDateTime": "2024-01-01T09:00:00Z", "sharingType": "Direct", "sharingReference": {}, "sharedBy": {"address": "MeganB@contoso.com", "id": "m"}},
		"sharingHistory": [{"sharedDateTime": "2023-12-01T00:00:00Z", "sharedBy": {"address": "AlexW@contoso.com"}}, {"sharedDateTime": "yesterday"}],
		"resourceVisualization": {"title": "t"}, "resourceReference": {"id": "r"}, "extra": null}`},
	"list":  {URL: "http://127.0.0.1:8787/v1.0/me/insights/used?$filter=ResourceVisualization%2FType+eq+'Word'&$orderby=LastUsed/LastAccessedDateTime asc&$top=5&$select=id,resourceVisualization&$count=true"},
	"count": {URL: "http://127.0.0.1:8787/v1.0/me/insights/trending/$count?$filter=ResourceVisualization/Type eq 'Word'"},
	"get":   {URL: "http://127.0.0.1:8787/v1.0/me/insights/shared/it's%20one?$select=id"},
	"patch": {Method: "PATCH", URL: "http://127.0.0.1:8787/v1.0/me/insights/trending/t1", Body: `{"weight": 2}`},
	"delete": {Method: "DELETE", URL: "http://127.0.0.1:8787/v1.0/users/bob/insights/used/u1",
		Headers: [][2]string{{"Authorization", "Bearer xyz"}}},
}

// TestGoSDKIsFormatted checks that each Go SDK snippet parses and is gofmt-clean.
func TestGoSDKIsFormatted(t *testing.T) {
	for name, r := range sdkRequests {
		src, err := Generate("go-sdk", r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		formatted, err := format.Source([]byte(src))
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, src)
		}
		if string(formatted) != src {
			t.Errorf("%s: not gofmt-clean:\n%s\ngofmt:\n%s", name, src, formatted)
		}
	}
}

func TestSDKSnippets(t *testing.T) {
	tests := []struct {
		name, lang string
		want       []string // fragments of the snippet, in order
	}{
		{"create used", "go-sdk", []string{`newClient("http://127.0.0.1:8787/v1.0", "127.0.0.1")`, "item := models.NewUsedInsight()",
			"itemData := map[string]any{}", `itemData["resourceReference"] = map[string]any{"id": "doc-1"}`, "item.SetAdditionalData(itemData)",
			"client.Me().Insights().Used().Post(ctx, item, nil)", "func (c graphClient) Me()"}},
		{"create trending", "go-sdk", []string{`newClient("https://insights.example.com/v1.0", "insights.example.com")`,
			"item.SetWeight(ptr(0.1583399742569597))", `item.SetLastModifiedDateTime(at("2021-03-23T08:41:05Z"))`,
			`itemData["resourceVisualization"] = map[string]any{"title": ` + "`it's \"x\"`" + `, "type": "Image", "n": 3.0, "list": []any{1.0, true, nil, json.Number("1e400")}}`,
			`headers.Add("Prefer", "return=representation")`, "config.Headers = headers",
			`client.Users().ByUserId("alice@contoso.com").Insights().Trending().Post(ctx, item, config)`}},
		{"create shared", "go-sdk", []string{`newClient("http://127.0.0.1:8787/beta", "127.0.0.1")`,
			"lastShared := models.NewSharingDetail()", "sharedBy := models.NewInsightIdentity()", `sharedBy.SetAddress(ptr("MeganB@contoso.com"))`,
			`lastShared.SetSharedBy(sharedBy)`, `lastSharedData["sharingReference"] = map[string]any{}`,
			"sharingHistory := []models.SharingDetailable{}", "sharedBy2 := models.NewInsightIdentity()",
			`detail2Data["sharedDateTime"] = "yesterday"`, `itemData["extra"] = nil`}},
		{"list", "go-sdk", []string{"query := &users.ItemInsightsUsedRequestBuilderGetQueryParameters{}",
			`query.Filter = ptr("ResourceVisualization/Type eq 'Word'")`, `query.Orderby = []string{"LastUsed/LastAccessedDateTime asc"}`,
			"query.Top = ptr(int32(5))", `query.Select = []string{"id", "resourceVisualization"}`, "query.Count = ptr(true)",
			"config := &users.ItemInsightsUsedRequestBuilderGetRequestConfiguration{}", "page, err := client.Me().Insights().Used().Get(ctx, config)"}},
		{"count", "go-sdk", []string{"users.ItemInsightsTrendingCountRequestBuilderGetQueryParameters{}", "client.Me().Insights().Trending().Count().Get(ctx, config)"}},
		{"get", "go-sdk", []string{"users.ItemInsightsSharedSharedInsightItemRequestBuilderGetQueryParameters{}", `query.Select = []string{"id"}`,
			`client.Me().Insights().Shared().BySharedInsightId("it's one").Get(ctx, config)`}},
		{"patch", "go-sdk", []string{"item.SetWeight(ptr(2.0))", `client.Me().Insights().Trending().ByTrendingId("t1").Patch(ctx, item, nil)`}},
		{"delete", "go-sdk", []string{`check(client.Users().ByUserId("bob").Insights().Used().ByUsedInsightId("u1").Delete(ctx, nil))`, "func (c graphClient) Users()"}},

		{"create used", "javascript-sdk", []string{"This URL is http: the client will not send the token", "baseUrl: \"http://127.0.0.1:8787\",\n  defaultVersion: \"v1.0\",\n  customHosts: new Set([\"127.0.0.1\"]),",
			"process.env.USEDINSIGHT_TOKEN", "const result = await client.api(\"/me/insights/used\")\n  .post({\n    \"resourceReference\": {\n      \"id\": \"doc-1\",\n    },\n  });\n"}},
		{"create trending", "javascript-sdk", []string{`client.api("/users/alice%40contoso.com/insights/trending")`, `.header("Prefer", "return=representation")`,
			`"weight": "0.1583399742569597",`, `"title": "it's \"x\"",`, `"list": [`, "1e400,"}},
		{"list", "javascript-sdk", []string{`.filter("ResourceVisualization/Type eq 'Word'")`, `.orderby("LastUsed/LastAccessedDateTime asc")`,
			".top(5)", `.select("id,resourceVisualization")`, ".count(true)", ".get();"}},
		{"count", "javascript-sdk", []string{`client.api("/me/insights/trending/$count")`, `.filter(`}},
		{"delete", "javascript-sdk", []string{"await client.api(\"/users/bob/insights/used/u1\")\n  .delete();\nconsole.log('deleted');\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+tt.lang, func(t *testing.T) {
			got, err := Generate(tt.lang, sdkRequests[tt.name])
			if err != nil {
				t.Fatal(err)
			}
			rest := got
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("missing, or out of order: %s\nin:\n%s", w, got)
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

func TestSDKNotAvailable(t *testing.T) {
	base := "http://127.0.0.1:8787/v1.0"
	tests := []struct {
		name   string
		r      Request
		reason string
		jsOK   bool // the JavaScript client's .query() takes it
	}{
		{"batch", Request{Method: "POST", URL: base + "/$batch", Body: `{"requests": []}`}, "cover /me/insights", false},
		{"dev token", Request{Method: "POST", URL: "http://127.0.0.1:8787/dev/token", Body: `{}`}, "cover /me/insights", false},
		{"no version", Request{URL: "http://127.0.0.1:8787/me/insights/used"}, "version", false},
		{"unknown path", Request{URL: base + "/me/drive"}, "cover the insights collections", false},
		{"unknown collection", Request{URL: base + "/me/insights/popular"}, "cover the insights collections", false},
		{"deeper path", Request{URL: base + "/me/insights/used/x/resource"}, "items", false},
		{"ref", Request{Method: "POST", URL: base + "/me/insights/used/$ref", Body: `{}`}, "items", false},
		{"head", Request{Method: "HEAD", URL: base + "/me/insights/used"}, `not "HEAD"`, false},
		{"put", Request{Method: "PUT", URL: base + "/me/insights/used/x", Body: `{}`}, `not "PUT"`, false},
		{"post to an item", Request{Method: "POST", URL: base + "/me/insights/used/x", Body: `{}`}, `not "POST"`, false},
		{"body not JSON", Request{Method: "POST", URL: base + "/me/insights/used", Body: `{"a":`}, "not JSON", false},
		{"body an array", Request{Method: "POST", URL: base + "/me/insights/used", Body: `[]`}, "not a JSON object", false},
		{"body with GET", Request{URL: base + "/me/insights/used", Body: `{}`}, "no body with GET", false},
		{"skiptoken", Request{URL: base + "/me/insights/used?$skiptoken=abc"}, "$skiptoken", true},
		{"top not a number", Request{URL: base + "/me/insights/used?$top=x"}, "$top", false},
		{"repeated option", Request{URL: base + "/me/insights/used?$top=1&$top=2"}, "repeats", false},
		{"bad escape", Request{URL: base + "/me/insights/used/%zz"}, "escape", false},
		{"not http", Request{URL: "ftp://h/v1.0/me/insights/used"}, "not http", false},
	}
	for _, tt := range tests {
		for _, lang := range []string{"go-sdk", "javascript-sdk"} {
			got, err := Generate(lang, tt.r)
			if lang == "javascript-sdk" && tt.jsOK {
				if err != nil {
					t.Errorf("%s/%s: %v", tt.name, lang, err)
				}
				continue
			}
			if !errors.Is(err, ErrNotAvailable) || !strings.Contains(err.Error(), tt.reason) || !strings.Contains(err.Error(), lang+" is not available for this request") {
				t.Errorf("%s/%s: got %q, %v; want an ErrNotAvailable naming %q", tt.name, lang, got, err, tt.reason)
			}
		}
	}
}
