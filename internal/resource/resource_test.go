package resource

import (
	"bytes"
	"encoding/xml"
	"os"
	"slices"
	"strings"
	"testing"
)

// csdlType is an entity or complex type of Graph's metadata.
type csdlType struct {
	Name       string `xml:"Name,attr"`
	BaseType   string `xml:"BaseType,attr"`
	Properties []struct {
		Name     string `xml:"Name,attr"`
		Type     string `xml:"Type,attr"`
		Nullable string `xml:"Nullable,attr"`
	} `xml:"Property"`
	Navigation []struct {
		Name string `xml:"Name,attr"`
		Type string `xml:"Type,attr"`
	} `xml:"NavigationProperty"`
}

// graphTypes reads testdata/insights-types.csdl.xml, a copy of Graph's v1.0 metadata for the
// insights (TestReferenceCopy keeps it equal to the original).
func graphTypes(t *testing.T) map[string]csdlType {
	ref, err := os.ReadFile("testdata/insights-types.csdl.xml")
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Entities []csdlType `xml:"EntityType"`
		Complex  []csdlType `xml:"ComplexType"`
	}
	wrapped := append(append([]byte(`<Schema>`), ref...), "</Schema>"...)
	if err := xml.NewDecoder(bytes.NewReader(wrapped)).Decode(&s); err != nil {
		t.Fatal(err)
	}
	m := map[string]csdlType{}
	for _, c := range append(s.Entities, s.Complex...) {
		m[c.Name] = c
	}
	return m
}

// edmType is the CSDL type of a member as Graph's metadata writes it.
func edmType(m Member) string {
	switch m.Kind {
	case Object:
		return "graph." + m.Type.Name
	case Array:
		return "Collection(graph." + m.Type.Name + ")"
	case DateTime:
		return "Edm.DateTimeOffset"
	case Number:
		return "Edm.Double"
	}
	return "Edm.String"
}

// TestMatchesGraph checks every described type against Graph's own metadata: the same members
// with the same types, nothing more and nothing less.
func TestMatchesGraph(t *testing.T) {
	graph := graphTypes(t)
	seen := map[*Type]bool{}
	var check func(*Type)
	check = func(ty *Type) {
		if seen[ty] {
			return
		}
		seen[ty] = true
		g, ok := graph[ty.Name]
		if !ok {
			t.Errorf("%s is not in Graph's metadata", ty.Name)
			return
		}
		want := map[string]string{}
		notNull := map[string]bool{}
		for _, p := range g.Properties {
			want[p.Name] = p.Type
			notNull[p.Name] = p.Nullable == "false"
		}
		if ty.Entity {
			if g.BaseType != "graph.entity" {
				t.Errorf("%s: Graph's base type is %q", ty.Name, g.BaseType)
			}
			want["id"] = "Edm.String"
		}
		for _, m := range ty.Members {
			if got, ok := want[m.Name]; !ok || got != edmType(m) {
				t.Errorf("%s.%s is %s here, %q in Graph's metadata", ty.Name, m.Name, edmType(m), got)
			}
			if m.Name != "id" && m.NotNull != notNull[m.Name] {
				t.Errorf("%s.%s: NotNull %v, Graph's Nullable=\"false\" %v", ty.Name, m.Name, m.NotNull, notNull[m.Name])
			}
			delete(want, m.Name)
			if m.Type != nil {
				check(m.Type)
			}
		}
		for name := range want {
			t.Errorf("%s.%s of Graph's metadata is not described", ty.Name, name)
		}
	}
	var names []string
	for _, c := range Collections {
		check(c.Type)
		names = append(names, c.Name)
	}
	var nav []string
	for _, n := range graph["officeGraphInsights"].Navigation {
		nav = append(nav, n.Name)
		if c := Lookup(n.Name); c == nil || n.Type != "Collection(graph."+c.Type.Name+")" {
			t.Errorf("Graph's insights collection %s (%s) is not described", n.Name, n.Type)
		}
	}
	slices.Sort(names)
	if !slices.Equal(names, nav) {
		t.Errorf("collections %v, Graph's %v", names, nav)
	}
	// Graph's only non-nullable member besides id is trending's weight: required here.
	if m := Trending.Member("weight"); !m.Required {
		t.Error("weight is not required")
	}
}

// memberAt returns the member at the JSON path within t, through objects only.
func memberAt(t *Type, path string) *Member {
	name, rest, more := strings.Cut(path, ".")
	m := t.Member(name)
	if m == nil || !more {
		return m
	}
	if m.Kind != Object {
		return nil
	}
	return memberAt(m.Type, rest)
}

// TestOrdersAndFilters checks that each collection's orders and filters name members of its own
// type of the right kind, and that the names OData clients write reach the same paths.
func TestOrdersAndFilters(t *testing.T) {
	for _, c := range Collections {
		if len(c.Orders) == 0 || len(c.Filters) == 0 || len(c.Filters) > MaxFilters {
			t.Errorf("%s: %d orders, %d filters", c.Name, len(c.Orders), len(c.Filters))
		}
		for _, o := range c.Orders {
			m := memberAt(c.Type, o.Path)
			if m == nil || m.Kind != o.Kind || (o.Kind != DateTime && o.Kind != Number) {
				t.Errorf("%s: order %s: member %+v", c.Name, o.Name, m)
			}
			if !strings.EqualFold(strings.ReplaceAll(o.Name, "/", "."), o.Path) {
				t.Errorf("%s: order %s does not name %s", c.Name, o.Name, o.Path)
			}
		}
		for _, f := range c.Filters {
			m := memberAt(c.Type, f.Path)
			if m == nil || m.Kind != String {
				t.Errorf("%s: filter %s: member %+v", c.Name, f.Name, m)
			}
			if !strings.EqualFold(strings.ReplaceAll(f.Name, "/", "."), f.Path) {
				t.Errorf("%s: filter %s does not name %s", c.Name, f.Name, f.Path)
			}
		}
	}
	// Graph's documentation filters all three on the visualization's type and container.
	for _, c := range Collections {
		for _, name := range []string{"resourcevisualization/type", "resourcevisualization/containertype"} {
			if !slices.ContainsFunc(c.Filters, func(f Filter) bool { return strings.EqualFold(f.Name, name) }) {
				t.Errorf("%s cannot be filtered on %s", c.Name, name)
			}
		}
	}
}

func TestLookup(t *testing.T) {
	for _, tt := range []struct {
		name, typeName string
		want           *Collection
	}{
		{"used", "microsoft.graph.usedInsight", Used},
		{"trending", "#microsoft.graph.trending", TrendingItems},
		{"shared", "sharedInsight", Shared},
		{"Used", "microsoft.graph.UsedInsight", nil},
		{"", "microsoft.graph.usageDetails", nil},
	} {
		if got := Lookup(tt.name); got != tt.want {
			t.Errorf("Lookup(%q) = %v, want %v", tt.name, got, tt.want)
		}
		if got := LookupType(tt.typeName); got != tt.want {
			t.Errorf("LookupType(%q) = %v, want %v", tt.typeName, got, tt.want)
		}
	}
	if UsedInsight.FullName() != "microsoft.graph.usedInsight" {
		t.Error(UsedInsight.FullName())
	}
	if Kind(200).String() != "unknown" || Number.String() != "number" {
		t.Error("Kind.String")
	}
}

// TestReferenceCopy keeps testdata's copy of Graph's metadata equal to the reference material,
// when that is beside the repository.
func TestReferenceCopy(t *testing.T) {
	want, err := os.ReadFile("../../../shared/reference/graph/insights-types.csdl.xml")
	if err != nil {
		t.Skip("the reference material is not beside the repository:", err)
	}
	if got, _ := os.ReadFile("testdata/insights-types.csdl.xml"); !bytes.Equal(got, want) {
		t.Error("testdata/insights-types.csdl.xml differs from the reference")
	}
}
