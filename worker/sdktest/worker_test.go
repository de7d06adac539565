package sdktest

// The SDK against the Worker itself: a `wrangler dev` of its own (internal/testsupport/wrangler)
// serving a snapshot of worker/build with local KV, as an app reaches the deployed service.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/usedinsight/usedinsight/internal/testsupport/wrangler"
)

func TestMain(m *testing.M) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		<-ch
		wrangler.Shutdown()
		os.Exit(2)
	}()
	code := m.Run()
	wrangler.StopAll()
	os.Exit(code)
}

// workerService starts the Worker (make worker builds it) on a wrangler dev of its own with
// AUTH_SECRET = secret, so that adapter's tokens are good there, and returns its Graph-style
// base URL (".../v1.0").
func workerService(t *testing.T) string {
	t.Helper()
	root, err := wrangler.Root()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := wrangler.ReadConfig(filepath.Join(root, "worker", "wrangler.jsonc"))
	if err != nil {
		t.Fatal(err)
	}
	main, _ := cfg["main"].(string)
	if _, err := os.Stat(main); err != nil {
		t.Fatalf("the Worker build is missing (make worker): %v", err)
	}
	// A copy of the build, which others may rebuild meanwhile, and no playground: only the API
	// is asked for.
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "main"), os.DirFS(filepath.Dir(main))); err != nil {
		t.Fatal(err)
	}
	cfg["main"] = filepath.Join(dir, "main", filepath.Base(main))
	if a, ok := cfg["assets"].(map[string]any); ok {
		a["directory"] = t.TempDir()
	}
	config, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := wrangler.Start(wrangler.Options{Name: "sdktest", Config: config, Vars: map[string]string{"AUTH_SECRET": secret}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Error(err)
		}
		if t.Failed() {
			t.Logf("output of wrangler dev at %s:\n%s", srv.Base, srv.Output())
		}
	})
	// Ready when the API answers with the KV binding working.
	c := &http.Client{Timeout: 5 * time.Second}
	tok := bearer(t, "sdktest-readiness")
	var last string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		req, _ := http.NewRequest("GET", srv.Base+"/me/insights/used/$count", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := c.Do(req)
		if err != nil {
			last = err.Error()
			continue
		}
		res.Body.Close()
		if res.StatusCode == 200 {
			return srv.Base + "/v1.0"
		}
		last = res.Status
	}
	t.Fatalf("the Worker at %s was not ready within 60 s (last: %s)", srv.Base, last)
	return ""
}

// TestGraphSDKWorker creates, lists with $filter, gets and deletes an item of each collection
// through the SDK on the Worker.
func TestGraphSDKWorker(t *testing.T) {
	ctx := context.Background()
	base := workerService(t)
	insights := userBuilder(adapter(t, base, "alice"), "").Insights()

	// used
	u, err := insights.Used().Post(ctx, insight("w-used", "2024-03-01T10:00:00Z", "Word"), nil)
	if err != nil || *u.GetId() != "w-used" {
		t.Fatalf("used Post: %v %v", u, err)
	}
	ul, err := insights.Used().Get(ctx, &users.ItemInsightsUsedRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemInsightsUsedRequestBuilderGetQueryParameters{Filter: ptr("ResourceVisualization/Type eq 'Word'"), Count: ptr(true)},
	})
	if err != nil || *ul.GetOdataCount() != 1 || *ul.GetValue()[0].GetId() != "w-used" {
		t.Errorf("used list: %v %v", ul, err)
	}
	if got, err := insights.Used().ByUsedInsightId("w-used").Get(ctx, nil); err != nil || *got.GetResourceVisualization().GetTypeEscaped() != "Word" {
		t.Errorf("used get: %v %v", got, err)
	}
	if err := insights.Used().ByUsedInsightId("w-used").Delete(ctx, nil); err != nil {
		t.Errorf("used delete: %v", err)
	}

	// trending
	for i, w := range []float64{0.3, 0.8, 0.5} {
		if _, err := insights.Trending().Post(ctx, trending(fmt.Sprintf("w-tr-%d", i), w, []string{"Word", "Excel", "Word"}[i], "Site"), nil); err != nil {
			t.Fatalf("trending Post %d: %v", i, err)
		}
	}
	tl, err := insights.Trending().Get(ctx, &users.ItemInsightsTrendingRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemInsightsTrendingRequestBuilderGetQueryParameters{Filter: ptr("ResourceVisualization/Type eq 'Word'"), Count: ptr(true)},
	})
	if err != nil || *tl.GetOdataCount() != 2 || *tl.GetValue()[0].GetId() != "w-tr-2" || *tl.GetValue()[0].GetWeight() != 0.5 || *tl.GetValue()[1].GetId() != "w-tr-0" {
		t.Errorf("trending list: %v %v", tl, err)
	}
	if got, err := insights.Trending().ByTrendingId("w-tr-1").Get(ctx, nil); err != nil || *got.GetWeight() != 0.8 {
		t.Errorf("trending get: %v %v", got, err)
	}
	if err := insights.Trending().ByTrendingId("w-tr-1").Delete(ctx, nil); err != nil {
		t.Errorf("trending delete: %v", err)
	}
	if n, err := insights.Trending().Count().Get(ctx, nil); err != nil || *n != 2 {
		t.Errorf("trending $count: %v %v", n, err)
	}

	// shared
	for i, by := range []string{"MeganB@contoso.com", "AlexW@contoso.com", "MeganB@contoso.com"} {
		if _, err := insights.Shared().Post(ctx, shared(fmt.Sprintf("w-sh-%d", i), fmt.Sprintf("2024-02-0%dT00:00:00Z", i+1), by, "Excel"), nil); err != nil {
			t.Fatalf("shared Post %d: %v", i, err)
		}
	}
	sl, err := insights.Shared().Get(ctx, &users.ItemInsightsSharedRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemInsightsSharedRequestBuilderGetQueryParameters{Filter: ptr("lastshared/sharedby/address eq 'MeganB@contoso.com'")},
	})
	if err != nil || len(sl.GetValue()) != 2 || *sl.GetValue()[0].GetId() != "w-sh-2" || *sl.GetValue()[1].GetId() != "w-sh-0" {
		t.Errorf("shared list: %v %v", sl, err)
	}
	got, err := insights.Shared().BySharedInsightId("w-sh-1").Get(ctx, nil)
	if err != nil || *got.GetLastShared().GetSharedBy().GetAddress() != "AlexW@contoso.com" || len(got.GetSharingHistory()) != 1 {
		t.Errorf("shared get: %v %v", got, err)
	}
	if err := insights.Shared().BySharedInsightId("w-sh-1").Delete(ctx, nil); err != nil {
		t.Errorf("shared delete: %v", err)
	}
	_, err = insights.Shared().BySharedInsightId("w-sh-1").Get(ctx, nil)
	odataError(t, err, 404, "itemNotFound")
}
