package sdktest

// Trending and shared items through the SDK's own models (models.Trending, models.SharedInsight)
// and request builders (Insights().Trending(), Insights().Shared()), as the used tests do:
// weight and lastShared typed, resourceVisualization and resourceReference as additional data.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

// computed is the additional data of every insight: the members Graph computes and marks
// read-only, which the SDK does not serialize.
func computed(id, typ, container string) map[string]any {
	return map[string]any{
		"resourceVisualization": map[string]any{"title": "Doc " + id, "type": typ, "containerType": container,
			"containerWebUrl": "https://contoso.sharepoint.com/sites/Mark8ProjectTeam/Shared Documents"},
		"resourceReference": map[string]any{"id": "drives/b!y/items/" + id, "type": "microsoft.graph.driveItem",
			"webUrl": "https://contoso.sharepoint.com/sites/Mark8ProjectTeam/Shared Documents/" + id + ".pptx"},
	}
}

func trending(id string, weight float64, typ, container string) *models.Trending {
	t := models.NewTrending()
	if id != "" {
		t.SetId(&id)
	}
	t.SetWeight(&weight)
	t.SetAdditionalData(computed(id, typ, container))
	return t
}

func sharingDetail(at, address string) *models.SharingDetail {
	when, err := time.Parse(time.RFC3339, at)
	if err != nil {
		panic(err)
	}
	d := models.NewSharingDetail()
	d.SetSharedDateTime(&when)
	by := models.NewInsightIdentity()
	by.SetAddress(&address)
	by.SetDisplayName(ptr(strings.Split(address, "@")[0]))
	by.SetId(ptr("id-" + address))
	d.SetSharedBy(by)
	d.SetSharingType(ptr("Direct"))
	d.SetSharingSubject(ptr("Have a look"))
	d.SetSharingReference(models.NewResourceReference()) // {}, as Graph's own items have it
	return d
}

func shared(id, at, address, typ string) *models.SharedInsight {
	s := models.NewSharedInsight()
	if id != "" {
		s.SetId(&id)
	}
	s.SetLastShared(sharingDetail(at, address))
	s.SetSharingHistory([]models.SharingDetailable{sharingDetail("2020-01-01T00:00:00Z", address)})
	s.SetAdditionalData(computed(id, typ, "OneDriveBusiness"))
	return s
}

// targets are the targets of an ODataError's details, each with its code ("weight:missingMember").
func targets(oe *odataerrors.ODataError) []string {
	var t []string
	for _, d := range oe.GetErrorEscaped().GetDetails() {
		if d.GetTarget() != nil && d.GetCode() != nil {
			t = append(t, *d.GetTarget()+":"+*d.GetCode())
		}
	}
	return t
}

func TestGraphSDKTrending(t *testing.T) {
	ctx := context.Background()
	base, requests := service(t)
	a := adapter(t, base, "alice")
	items := userBuilder(a, "").Insights().Trending()

	created, err := items.Post(ctx, trending("", 0.25, "Word", "Site"), nil)
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	gen := created.GetId()
	if gen == nil || *gen == "" || created.GetWeight() == nil || *created.GetWeight() != 0.25 {
		t.Fatalf("created %v", created)
	}
	if rv, rr := created.GetResourceVisualization(), created.GetResourceReference(); rv == nil || *rv.GetTypeEscaped() != "Word" || rr == nil || *rr.GetTypeEscaped() != "microsoft.graph.driveItem" {
		t.Errorf("the read-only members did not round-trip: %v %v", rv, rr)
	}
	for i, p := range []struct {
		id        string
		weight    float64
		typ, cont string
	}{
		{"t1", 0.9, "Word", "Site"},
		{"t2", 0.2, "Excel", "Site"},
		{"t3", 0.5, "Word", "OneDriveBusiness"},
		{"t4", 0.7, "PowerPoint", "Site"},
	} {
		got, err := items.Post(ctx, trending(p.id, p.weight, p.typ, p.cont), nil)
		if err != nil || *got.GetId() != p.id || *got.GetWeight() != p.weight {
			t.Fatalf("Post %d: %v %v", i, got, err)
		}
	}
	// Graph's documentation writes weight as a JSON string: accepted, and read back as a number.
	doc := models.NewTrending()
	doc.SetId(ptr("t5"))
	data := computed("t5", "Image", "Site")
	data["weight"] = "0.1583399742569597"
	doc.SetAdditionalData(data)
	if got, err := items.Post(ctx, doc, nil); err != nil || got.GetWeight() == nil || *got.GetWeight() != 0.1583399742569597 {
		t.Fatalf("weight as a string: %v %v", got, err)
	}

	// Conflicts and validation failures are ODataErrors naming the member.
	_, err = items.Post(ctx, trending("t1", 0.1, "Word", "Site"), nil)
	if oe := odataError(t, err, 409, "nameAlreadyExists"); !strings.Contains(*oe.GetErrorEscaped().GetMessage(), "trending") {
		t.Errorf("409 message %q", *oe.GetErrorEscaped().GetMessage())
	}
	noWeight := models.NewTrending()
	noWeight.SetAdditionalData(computed("x", "Word", "Site"))
	_, err = items.Post(ctx, noWeight, nil)
	if got := targets(odataError(t, err, 400, "invalidRequest")); !slices.Contains(got, "weight:missingMember") {
		t.Errorf("missing weight: details name %v", got)
	}
	wrongType := trending("", 0.3, "Word", "Site")
	wrongType.SetOdataType(ptr("#microsoft.graph.usedInsight"))
	_, err = items.Post(ctx, wrongType, nil)
	if got := targets(odataError(t, err, 400, "invalidRequest")); !slices.Contains(got, "@odata.type:invalidODataType") {
		t.Errorf("another collection's @odata.type: details name %v", got)
	}

	// Lists: weight descending by default; $filter, $orderby, $top and $count, then the page
	// iterator over @odata.nextLink.
	all, err := items.Get(ctx, nil)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	var ids []string
	for _, it := range all.GetValue() {
		ids = append(ids, *it.GetId())
	}
	if want := []string{"t1", "t4", "t3", *gen, "t2", "t5"}; !slices.Equal(ids, want) {
		t.Errorf("default order %v, want %v", ids, want)
	}
	page, err := items.Get(ctx, &users.ItemInsightsTrendingRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemInsightsTrendingRequestBuilderGetQueryParameters{
			Filter:  ptr("ResourceVisualization/Type eq 'Word'"),
			Orderby: []string{"weight asc"},
			Top:     ptr(int32(2)),
			Count:   ptr(true),
		},
	})
	if err != nil {
		t.Fatalf("filtered list: %v", err)
	}
	next := page.GetOdataNextLink()
	if page.GetOdataCount() == nil || *page.GetOdataCount() != 3 || len(page.GetValue()) != 2 || next == nil || !strings.HasPrefix(*next, base+"/me/insights/trending?") {
		t.Fatalf("first page: count %v, %d items, nextLink %v", page.GetOdataCount(), len(page.GetValue()), next)
	}
	it, err := msgraphcore.NewPageIterator[models.Trendingable](page, a, models.CreateTrendingCollectionResponseFromDiscriminatorValue)
	if err != nil {
		t.Fatal(err)
	}
	ids = nil
	if err := it.Iterate(ctx, func(tr models.Trendingable) bool {
		ids = append(ids, *tr.GetId())
		return true
	}); err != nil {
		t.Fatalf("Iterate: %v", err)
	}
	if want := []string{*gen, "t3", "t1"}; !slices.Equal(ids, want) {
		t.Errorf("paged ids %v, want %v", ids, want)
	}
	both, err := items.Get(ctx, &users.ItemInsightsTrendingRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemInsightsTrendingRequestBuilderGetQueryParameters{
			Filter: ptr("ResourceVisualization/Type eq 'Word' and ResourceVisualization/containerType eq 'OneDriveBusiness'"),
		},
	})
	if err != nil || len(both.GetValue()) != 1 || *both.GetValue()[0].GetId() != "t3" {
		t.Errorf("$filter on type and containerType: %v %v", both, err)
	}
	n, err := items.Count().Get(ctx, &users.ItemInsightsTrendingCountRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemInsightsTrendingCountRequestBuilderGetQueryParameters{Filter: ptr("resourceVisualization/type eq 'Word'")},
	})
	if err != nil || n == nil || *n != 3 {
		t.Errorf("$count with $filter: %v %v", n, err)
	}

	// Get, patch the weight (204, then with return=representation), and the order follows it.
	item := items.ByTrendingId("t2")
	got, err := item.Get(ctx, nil)
	if err != nil || *got.GetWeight() != 0.2 || *got.GetResourceVisualization().GetTypeEscaped() != "Excel" {
		t.Fatalf("get: %v %v", got, err)
	}
	change := models.NewTrending()
	change.SetWeight(ptr(0.95))
	if got, err := item.Patch(ctx, change, nil); err != nil || got != nil {
		t.Fatalf("patch: %v %v", got, err)
	}
	modified := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	change = models.NewTrending()
	change.SetLastModifiedDateTime(&modified)
	prefer := abstractions.NewRequestHeaders()
	prefer.Add("Prefer", "return=representation")
	patched, err := item.Patch(ctx, change, &users.ItemInsightsTrendingTrendingItemRequestBuilderPatchRequestConfiguration{Headers: prefer})
	if err != nil || patched == nil || *patched.GetWeight() != 0.95 || !patched.GetLastModifiedDateTime().Equal(modified) {
		t.Fatalf("patch with return=representation: %v %v", patched, err)
	}
	top, err := items.Get(ctx, &users.ItemInsightsTrendingRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemInsightsTrendingRequestBuilderGetQueryParameters{Top: ptr(int32(1))},
	})
	if err != nil || len(top.GetValue()) != 1 || *top.GetValue()[0].GetId() != "t2" {
		t.Errorf("most relevant after the patch: %v %v", top, err)
	}
	byModified, err := items.Get(ctx, &users.ItemInsightsTrendingRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemInsightsTrendingRequestBuilderGetQueryParameters{Orderby: []string{"lastModifiedDateTime desc"}, Top: ptr(int32(1))},
	})
	if err != nil || len(byModified.GetValue()) != 1 || *byModified.GetValue()[0].GetId() != "t2" {
		t.Errorf("$orderby lastModifiedDateTime desc: %v %v", byModified, err)
	}
	// A patch that would make the item invalid is refused.
	change = models.NewTrending()
	change.SetAdditionalData(map[string]any{"weight": "abc"})
	_, err = item.Patch(ctx, change, nil)
	if got := targets(odataError(t, err, 400, "invalidRequest")); !slices.Contains(got, "weight:invalidNumber") {
		t.Errorf("patch weight \"abc\": details name %v", got)
	}

	// Delete; then the item is an itemNotFound ODataError.
	if err := item.Delete(ctx, nil); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = item.Get(ctx, nil)
	odataError(t, err, 404, "itemNotFound")

	// /users/{id} reaches the same items; another user sees none of them.
	mine, err := userBuilder(a, "alice@contoso.com").Insights().Trending().ByTrendingId("t1").Get(ctx, nil)
	if err != nil || *mine.GetId() != "t1" {
		t.Errorf("by userPrincipalName: %v %v", mine, err)
	}
	bob := userBuilder(adapter(t, base, "bob"), "").Insights().Trending()
	_, err = bob.ByTrendingId("t1").Get(ctx, nil)
	odataError(t, err, 404, "itemNotFound")
	if n, err := bob.Count().Get(ctx, nil); err != nil || *n != 0 {
		t.Errorf("bob's count: %v %v", n, err)
	}
	// Used is a collection of its own.
	if n, err := userBuilder(a, "").Insights().Used().Count().Get(ctx, nil); err != nil || *n != 0 {
		t.Errorf("used count: %v %v", n, err)
	}

	if r := requests.list(); r[0] != "POST /v1.0/me/insights/trending gzip" || !slices.Contains(r, "PATCH /v1.0/me/insights/trending/t2 gzip") || !slices.Contains(r, "GET /v1.0/me/insights/trending/$count") {
		t.Errorf("requests %q", r)
	}
}

func TestGraphSDKShared(t *testing.T) {
	ctx := context.Background()
	base, _ := service(t)
	a := adapter(t, base, "alice")
	items := userBuilder(a, "").Insights().Shared()

	created, err := items.Post(ctx, shared("", "2024-05-01T10:00:00Z", "MeganB@contoso.com", "Word"), nil)
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	gen := created.GetId()
	last := created.GetLastShared()
	if gen == nil || *gen == "" || last == nil || !last.GetSharedDateTime().Equal(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)) ||
		*last.GetSharedBy().GetAddress() != "MeganB@contoso.com" || *last.GetSharingType() != "Direct" || len(created.GetSharingHistory()) != 1 {
		t.Fatalf("created %v", created)
	}
	if rv := created.GetResourceVisualization(); rv == nil || *rv.GetTypeEscaped() != "Word" {
		t.Errorf("resourceVisualization did not round-trip: %v", rv)
	}
	for i, p := range []struct{ id, at, by, typ string }{
		{"s1", "2024-01-01T09:00:00Z", "MeganB@contoso.com", "Word"},
		{"s2", "2024-01-02T09:00:00+05:00", "AlexW@contoso.com", "Excel"},
		{"s3", "2024-01-03T09:00:00-08:00", "MeganB@contoso.com", "Word"},
		{"s4", "2024-01-04T09:00:00Z", "AlexW@contoso.com", "Word"},
	} {
		got, err := items.Post(ctx, shared(p.id, p.at, p.by, p.typ), nil)
		if err != nil || *got.GetId() != p.id {
			t.Fatalf("Post %d: %v %v", i, got, err)
		}
	}

	// lastShared without sharedDateTime, and a sharingHistory of 101 entries, are refused.
	bad := shared("", "2024-01-01T00:00:00Z", "MeganB@contoso.com", "Word")
	noDate := models.NewSharingDetail()
	noDate.SetSharedBy(bad.GetLastShared().GetSharedBy())
	bad.SetLastShared(noDate)
	_, err = items.Post(ctx, bad, nil)
	if got := targets(odataError(t, err, 400, "invalidRequest")); !slices.Contains(got, "lastShared.sharedDateTime:missingMember") {
		t.Errorf("lastShared without sharedDateTime: details name %v", got)
	}
	long := shared("", "2024-01-01T00:00:00Z", "MeganB@contoso.com", "Word")
	history := make([]models.SharingDetailable, 101)
	for i := range history {
		history[i] = sharingDetail(fmt.Sprintf("2023-01-01T00:%02d:%02dZ", i/60, i%60), "MeganB@contoso.com")
	}
	long.SetSharingHistory(history)
	_, err = items.Post(ctx, long, nil)
	if got := targets(odataError(t, err, 400, "invalidRequest")); !slices.Contains(got, "sharingHistory:tooManyItems") {
		t.Errorf("101 sharingHistory entries: details name %v", got)
	}

	// Lists: newest lastShared first; $filter on the sharer's address (written as Graph's example
	// writes it) and on the type, $orderby, $top, $count and the page iterator.
	all, err := items.Get(ctx, nil)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	var ids []string
	for _, it := range all.GetValue() {
		ids = append(ids, *it.GetId())
	}
	if want := []string{*gen, "s4", "s3", "s2", "s1"}; !slices.Equal(ids, want) {
		t.Errorf("default order %v, want %v", ids, want)
	}
	page, err := items.Get(ctx, &users.ItemInsightsSharedRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemInsightsSharedRequestBuilderGetQueryParameters{
			Filter:  ptr("lastshared/sharedby/address eq 'MeganB@contoso.com'"),
			Orderby: []string{"lastShared/sharedDateTime asc"},
			Top:     ptr(int32(2)),
			Count:   ptr(true),
		},
	})
	if err != nil {
		t.Fatalf("filtered list: %v", err)
	}
	next := page.GetOdataNextLink()
	if page.GetOdataCount() == nil || *page.GetOdataCount() != 3 || len(page.GetValue()) != 2 || next == nil || !strings.HasPrefix(*next, base+"/me/insights/shared?") {
		t.Fatalf("first page: count %v, %d items, nextLink %v", page.GetOdataCount(), len(page.GetValue()), next)
	}
	it, err := msgraphcore.NewPageIterator[models.SharedInsightable](page, a, models.CreateSharedInsightCollectionResponseFromDiscriminatorValue)
	if err != nil {
		t.Fatal(err)
	}
	ids = nil
	if err := it.Iterate(ctx, func(s models.SharedInsightable) bool {
		ids = append(ids, *s.GetId())
		return true
	}); err != nil {
		t.Fatalf("Iterate: %v", err)
	}
	if want := []string{"s1", "s3", *gen}; !slices.Equal(ids, want) {
		t.Errorf("paged ids %v, want %v", ids, want)
	}
	words, err := items.Get(ctx, &users.ItemInsightsSharedRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemInsightsSharedRequestBuilderGetQueryParameters{
			Filter: ptr("ResourceVisualization/Type eq 'Word' and lastShared/sharedBy/address eq 'AlexW@contoso.com'"),
		},
	})
	if err != nil || len(words.GetValue()) != 1 || *words.GetValue()[0].GetId() != "s4" {
		t.Errorf("$filter on type and address: %v %v", words, err)
	}
	n, err := items.Count().Get(ctx, &users.ItemInsightsSharedCountRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemInsightsSharedCountRequestBuilderGetQueryParameters{Filter: ptr("ResourceVisualization/containerType eq 'OneDriveBusiness'")},
	})
	if err != nil || n == nil || *n != 5 {
		t.Errorf("$count with $filter: %v %v", n, err)
	}

	// Get; patch replaces sharingHistory whole and moves lastShared; delete.
	item := items.BySharedInsightId("s2")
	got, err := item.Get(ctx, nil)
	if err != nil || *got.GetLastShared().GetSharedBy().GetAddress() != "AlexW@contoso.com" || got.GetLastShared().GetSharedDateTime().UTC().Hour() != 4 {
		t.Fatalf("get: %v %v", got, err)
	}
	change := models.NewSharedInsight()
	change.SetLastShared(sharingDetail("2025-02-01T00:00:00Z", "PattiF@contoso.com"))
	change.SetSharingHistory([]models.SharingDetailable{sharingDetail("2024-01-02T04:00:00Z", "AlexW@contoso.com"), sharingDetail("2020-01-01T00:00:00Z", "AlexW@contoso.com")})
	prefer := abstractions.NewRequestHeaders()
	prefer.Add("Prefer", "return=representation")
	patched, err := item.Patch(ctx, change, &users.ItemInsightsSharedSharedInsightItemRequestBuilderPatchRequestConfiguration{Headers: prefer})
	if err != nil || patched == nil || *patched.GetLastShared().GetSharedBy().GetAddress() != "PattiF@contoso.com" || len(patched.GetSharingHistory()) != 2 {
		t.Fatalf("patch with return=representation: %v %v", patched, err)
	}
	newest, err := items.Get(ctx, &users.ItemInsightsSharedRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemInsightsSharedRequestBuilderGetQueryParameters{Top: ptr(int32(1))},
	})
	if err != nil || len(newest.GetValue()) != 1 || *newest.GetValue()[0].GetId() != "s2" {
		t.Errorf("newest after the patch: %v %v", newest, err)
	}
	if err := item.Delete(ctx, nil); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = item.Get(ctx, nil)
	odataError(t, err, 404, "itemNotFound")
	odataError(t, item.Delete(ctx, nil), 404, "itemNotFound")

	// /users/{id} reaches the same items; another user's are accessDenied, and invisible by /me.
	mine, err := userBuilder(a, "alice-oid").Insights().Shared().BySharedInsightId("s1").Get(ctx, nil)
	if err != nil || *mine.GetId() != "s1" {
		t.Errorf("by object id: %v %v", mine, err)
	}
	_, err = userBuilder(a, "bob-oid").Insights().Shared().Get(ctx, nil)
	odataError(t, err, 403, "accessDenied")
	bob := userBuilder(adapter(t, base, "bob"), "").Insights().Shared()
	_, err = bob.BySharedInsightId("s1").Get(ctx, nil)
	odataError(t, err, 404, "itemNotFound")
}

// TestGraphSDKBatchFamily sends one JSON batch across the three collections.
func TestGraphSDKBatchFamily(t *testing.T) {
	ctx := context.Background()
	base, _ := service(t)
	a := adapter(t, base, "alice")
	insights := userBuilder(a, "").Insights()

	batch := msgraphcore.NewBatchRequest(a)
	step := func(info *abstractions.RequestInformation, err error) msgraphcore.BatchItem {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		item, err := batch.AddBatchRequestStep(*info)
		if err != nil {
			t.Fatal(err)
		}
		return item
	}
	tr := step(insights.Trending().ToPostRequestInformation(ctx, trending("b1", 0.5, "Word", "Site"), nil))
	sh := step(insights.Shared().ToPostRequestInformation(ctx, shared("b2", "2024-01-01T00:00:00Z", "MeganB@contoso.com", "Excel"), nil))
	us := step(insights.Used().ToPostRequestInformation(ctx, insight("b3", "2024-01-01T00:00:00Z", "Visio"), nil))
	read := step(insights.Shared().BySharedInsightId("b2").ToGetRequestInformation(ctx, nil))
	read.DependsOnItem(sh)
	list := step(insights.Trending().ToGetRequestInformation(ctx, nil))
	list.DependsOnItem(tr)

	resp, err := batch.Send(ctx, a)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	codes := resp.GetStatusCodes()
	if codes[*tr.GetId()] != 201 || codes[*sh.GetId()] != 201 || codes[*us.GetId()] != 201 || codes[*read.GetId()] != 200 || codes[*list.GetId()] != 200 {
		t.Errorf("statuses %v", codes)
	}
	got, err := msgraphcore.GetBatchResponseById[models.SharedInsightable](resp, *read.GetId(), models.CreateSharedInsightFromDiscriminatorValue)
	if err != nil || *got.GetId() != "b2" || *got.GetLastShared().GetSharedBy().GetAddress() != "MeganB@contoso.com" {
		t.Errorf("read from the batch: %v %v", got, err)
	}
	page, err := msgraphcore.GetBatchResponseById[models.TrendingCollectionResponseable](resp, *list.GetId(), models.CreateTrendingCollectionResponseFromDiscriminatorValue)
	if err != nil || len(page.GetValue()) != 1 || *page.GetValue()[0].GetId() != "b1" {
		t.Errorf("list from the batch: %v %v", page, err)
	}
	if loc := resp.GetResponseById(*tr.GetId()).GetHeaders()["Location"]; loc != base+"/me/insights/trending/b1" {
		t.Errorf("Location %q", loc)
	}
}
