package odata

import (
	"bytes"
	"encoding/xml"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/usedinsight/usedinsight/internal/resource"
)

// csdl is the part of a CSDL document the tests read.
type csdl struct {
	XMLName xml.Name `xml:"http://docs.oasis-open.org/odata/ns/edmx Edmx"`
	Version string   `xml:"Version,attr"`
	Schemas []schema `xml:"DataServices>Schema"`
}

type schema struct {
	Namespace   string       `xml:"Namespace,attr"`
	Alias       string       `xml:"Alias,attr"`
	Entities    []entityType `xml:"EntityType"`
	Complex     []entityType `xml:"ComplexType"`
	Annotations []struct {
		Target string `xml:"Target,attr"`
	} `xml:"Annotations"`
	Container struct {
		Name       string `xml:"Name,attr"`
		EntitySets []struct {
			Name       string `xml:"Name,attr"`
			EntityType string `xml:"EntityType,attr"`
		} `xml:"EntitySet"`
		Singletons []struct {
			Name string `xml:"Name,attr"`
			Type string `xml:"Type,attr"`
		} `xml:"Singleton"`
	} `xml:"EntityContainer"`
}

type entityType struct {
	Name       string     `xml:"Name,attr"`
	BaseType   string     `xml:"BaseType,attr"`
	Key        []keyRef   `xml:"Key>PropertyRef"`
	Properties []property `xml:"Property"`
	Navigation []property `xml:"NavigationProperty"`
}

type keyRef struct {
	Name string `xml:"Name,attr"`
}

type property struct {
	Name           string `xml:"Name,attr"`
	Type           string `xml:"Type,attr"`
	Nullable       string `xml:"Nullable,attr"`
	ContainsTarget string `xml:"ContainsTarget,attr"`
}

func parseMetadata(t *testing.T) schema {
	t.Helper()
	var doc csdl
	if err := xml.Unmarshal(Metadata, &doc); err != nil {
		t.Fatalf("Metadata is not XML: %v", err)
	}
	if doc.Version != "4.0" || len(doc.Schemas) != 1 {
		t.Fatalf("Edmx Version %q with %d schemas", doc.Version, len(doc.Schemas))
	}
	s := doc.Schemas[0]
	if s.Namespace != "microsoft.graph" || s.Alias != "graph" {
		t.Errorf("schema %s alias %s", s.Namespace, s.Alias)
	}
	return s
}

// find returns the type named name ("graph.x", "microsoft.graph.x" or "x").
func find(types []entityType, name string) *entityType {
	name = strings.TrimPrefix(strings.TrimPrefix(name, "microsoft."), "graph.")
	for i := range types {
		if types[i].Name == name {
			return &types[i]
		}
	}
	return nil
}

func TestMetadataNamesTheTypes(t *testing.T) {
	s := parseMetadata(t)
	for _, name := range []string{"entity", "user", "officeGraphInsights", "usedInsight", "trending", "sharedInsight"} {
		if find(s.Entities, name) == nil {
			t.Errorf("no EntityType %s", name)
		}
	}
	for _, name := range []string{"usageDetails", "resourceVisualization", "resourceReference", "sharingDetail", "insightIdentity"} {
		if find(s.Complex, name) == nil {
			t.Errorf("no ComplexType %s", name)
		}
	}
	if s.Container.Name != "GraphService" || len(s.Container.EntitySets) != 1 || s.Container.EntitySets[0].Name != "users" || s.Container.EntitySets[0].EntityType != "graph.user" ||
		len(s.Container.Singletons) != 1 || s.Container.Singletons[0].Name != "me" || s.Container.Singletons[0].Type != "graph.user" {
		t.Errorf("EntityContainer %+v", s.Container)
	}
	// Every type a property or base type names is in the document.
	all := append(slices.Clone(s.Entities), s.Complex...)
	for _, et := range all {
		names := []string{et.BaseType}
		for _, p := range append(slices.Clone(et.Properties), et.Navigation...) {
			names = append(names, strings.TrimSuffix(strings.TrimPrefix(p.Type, "Collection("), ")"))
		}
		for _, n := range names {
			if n != "" && !strings.HasPrefix(n, "Edm.") && find(all, n) == nil {
				t.Errorf("%s names %s, which is not in the document", et.Name, n)
			}
		}
	}
}

// TestMetadataResolvesContextURLs walks the path of the context URLs the API sends,
// users('id')/insights/used and me/insights/used, through the document.
func TestMetadataResolvesContextURLs(t *testing.T) {
	s := parseMetadata(t)
	nav := func(typeName, prop string) string {
		for et := find(s.Entities, typeName); et != nil; et = find(s.Entities, et.BaseType) {
			for _, p := range et.Navigation {
				if p.Name == prop {
					if p.ContainsTarget != "true" {
						t.Errorf("%s/%s does not contain its target", typeName, prop)
					}
					return p.Type
				}
			}
		}
		t.Fatalf("%s has no navigation property %s", typeName, prop)
		return ""
	}
	insights := nav("graph.user", "insights")
	if used := nav(insights, "used"); used != "Collection(graph.usedInsight)" {
		t.Errorf("insights/used is %s", used)
	}
	// Selectable ($select) names exactly usedInsight's properties and the key it inherits.
	et := find(s.Entities, "usedInsight")
	got := []string{}
	for ; et != nil; et = find(s.Entities, et.BaseType) {
		for _, p := range et.Properties {
			got = append(got, p.Name)
		}
	}
	slices.Sort(got)
	want := slices.Sorted(slices.Values(Selectable(resource.Used)))
	if !slices.Equal(got, want) {
		t.Errorf("usedInsight's properties %v, Selectable %v", got, want)
	}
	if k := find(s.Entities, "entity").Key; !slices.Equal(k, []keyRef{{"id"}}) {
		t.Errorf("entity key %v", k)
	}
}

// TestMetadataMatchesGraph checks the served types against Graph's own metadata, when shared/
// (the reference material) is beside the repository.
func TestMetadataMatchesGraph(t *testing.T) {
	ref, err := os.ReadFile("../../../shared/reference/graph/insights-types.csdl.xml")
	if err != nil {
		t.Skip("shared/reference/graph is not beside the repository:", err)
	}
	// The reference is an extract of Schema's children: wrap it to read it.
	var graph schema
	wrapped := append(append([]byte(`<Schema xmlns="http://docs.oasis-open.org/odata/ns/edm">`), ref...), "</Schema>"...)
	if err := xml.NewDecoder(bytes.NewReader(wrapped)).Decode(&graph); err != nil {
		t.Fatal(err)
	}
	s := parseMetadata(t)
	pairs := []struct {
		ours, theirs []entityType
		name         string
	}{{s.Entities, graph.Entities, "entity"}}
	seen := map[*resource.Type]bool{}
	var add func(t *resource.Type)
	add = func(t *resource.Type) {
		if seen[t] {
			return
		}
		seen[t] = true
		if t.Entity {
			pairs = append(pairs, struct {
				ours, theirs []entityType
				name         string
			}{s.Entities, graph.Entities, t.Name})
		} else {
			pairs = append(pairs, struct {
				ours, theirs []entityType
				name         string
			}{s.Complex, graph.Complex, t.Name})
		}
		for _, m := range t.Members {
			if m.Type != nil {
				add(m.Type)
			}
		}
	}
	for _, c := range resource.Collections {
		add(c.Type)
	}
	if len(pairs) != 9 {
		t.Errorf("compared %d types, want entity, 3 entity types and 5 complex types", len(pairs))
	}
	for _, pair := range pairs {
		ours, theirs := find(pair.ours, pair.name), find(pair.theirs, pair.name)
		if ours == nil || theirs == nil {
			t.Errorf("%s: ours %v, Graph's %v", pair.name, ours != nil, theirs != nil)
			continue
		}
		if ours.BaseType != theirs.BaseType || !slices.Equal(ours.Properties, theirs.Properties) || !slices.Equal(ours.Key, theirs.Key) {
			t.Errorf("%s differs from Graph's:\n ours   %+v\n Graph's %+v", pair.name, *ours, *theirs)
		}
	}
	// Graph's officeGraphInsights contains used, trending and shared as ours does.
	if got, want := find(s.Entities, "officeGraphInsights").Navigation, find(graph.Entities, "officeGraphInsights").Navigation; !slices.Equal(got, want) {
		t.Errorf("officeGraphInsights navigation %+v, Graph's %+v", got, want)
	}
}
