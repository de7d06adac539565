package odata

import _ "embed" // for Metadata

// Metadata is the service's $metadata document: the CSDL (OData's schema, as XML) of
// microsoft.graph's usedInsight, trending and sharedInsight and the types they are made of, and
// of the users and me that contain them, so that OData tools can discover what context URLs such
// as "$metadata#users('id')/insights/trending" name. It is generated from internal/resource
// (see generate_test.go). Callers must not modify it.
//
//go:embed metadata.xml
var Metadata []byte

// MetadataContentType is the Content-Type of Metadata, as Graph serves its own.
const MetadataContentType = "application/xml;charset=utf-8"
