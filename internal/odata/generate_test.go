package odata

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/usedinsight/usedinsight/internal/resource"
)

// metadata.xml is generated here from internal/resource. To regenerate it after changing the
// description:
//
//	go test ./internal/odata -run TestGeneratedMetadata -update
var update = flag.Bool("update", false, "rewrite metadata.xml")

// TestGeneratedMetadata regenerates metadata.xml and fails when the file differs.
func TestGeneratedMetadata(t *testing.T) {
	want := generateMetadata()
	if *update {
		if err := os.WriteFile("metadata.xml", want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := os.ReadFile("metadata.xml"); err != nil || !bytes.Equal(got, want) {
		t.Errorf("metadata.xml is stale (%v): run go test ./internal/odata -run TestGeneratedMetadata -update", err)
	}
	if !bytes.Equal(Metadata, want) {
		t.Error("Metadata is not metadata.xml")
	}
}

// generateMetadata renders the CSDL of the collections of resource.Collections: Graph's types,
// cut to what is served, members in Graph's (alphabetical) order.
func generateMetadata() []byte {
	var b bytes.Buffer
	var names []string
	for _, c := range resource.Collections {
		names = append(names, c.Name)
	}
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>
<!-- Code generated from internal/resource by go test ./internal/odata -run TestGeneratedMetadata -update; DO NOT EDIT.
     The CSDL of what this service serves: users/{id}/insights/{` + strings.Join(names, ",") + `} and the same under me.
     The types are Microsoft Graph's v1.0 ones (microsoftgraph/msgraph-metadata
     schemas/v1.0-Prod.csdl), cut to what is served: no resource navigation, a user with only its
     insights. Graph's annotations are left out on purpose: here resourceVisualization and
     resourceReference are written on create, not Computed, and nothing is deprecated. -->
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="entity" Abstract="true">
        <Key>
          <PropertyRef Name="id" />
        </Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <EntityType Name="user" BaseType="graph.entity">
        <NavigationProperty Name="insights" Type="graph.officeGraphInsights" ContainsTarget="true" />
      </EntityType>
      <EntityType Name="officeGraphInsights" BaseType="graph.entity">
`)
	collections := slices.Clone(resource.Collections)
	slices.SortFunc(collections, func(a, c *resource.Collection) int { return strings.Compare(a.Name, c.Name) })
	for _, c := range collections {
		fmt.Fprintf(&b, "        <NavigationProperty Name=%q Type=\"Collection(graph.%s)\" ContainsTarget=\"true\" />\n", c.Name, c.Type.Name)
	}
	b.WriteString("      </EntityType>\n")
	var complex []*resource.Type
	seen := map[*resource.Type]bool{}
	var reach func(t *resource.Type)
	reach = func(t *resource.Type) {
		for _, m := range t.Members {
			if m.Type != nil && !seen[m.Type] {
				seen[m.Type] = true
				complex = append(complex, m.Type)
				reach(m.Type)
			}
		}
	}
	for _, c := range resource.Collections {
		writeType(&b, "EntityType", c.Type)
		reach(c.Type)
	}
	for _, t := range complex {
		writeType(&b, "ComplexType", t)
	}
	b.WriteString(`      <EntityContainer Name="GraphService">
        <EntitySet Name="users" EntityType="graph.user" />
        <Singleton Name="me" Type="graph.user" />
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
`)
	return b.Bytes()
}

// writeType writes an entity or complex type's element, its properties sorted by name.
func writeType(b *bytes.Buffer, element string, t *resource.Type) {
	base := ""
	if t.Entity {
		base = ` BaseType="graph.entity"`
	}
	fmt.Fprintf(b, "      <%s Name=%q%s>\n", element, t.Name, base)
	members := slices.Clone(t.Members)
	slices.SortFunc(members, func(a, c resource.Member) int { return strings.Compare(a.Name, c.Name) })
	for _, m := range members {
		if t.Entity && m.Name == "id" {
			continue // the key, from entity
		}
		nullable := ""
		if m.NotNull {
			nullable = ` Nullable="false"`
		}
		fmt.Fprintf(b, "        <Property Name=%q Type=%q%s />\n", m.Name, edmType(m), nullable)
	}
	fmt.Fprintf(b, "      </%s>\n", element)
}

// edmType is the CSDL type of a member.
func edmType(m resource.Member) string {
	switch m.Kind {
	case resource.Object:
		return "graph." + m.Type.Name
	case resource.Array:
		return "Collection(graph." + m.Type.Name + ")"
	case resource.DateTime:
		return "Edm.DateTimeOffset"
	case resource.Number:
		return "Edm.Double"
	}
	return "Edm.String"
}
