package odata

import _ "embed" // for Metadata

// Metadata is the service's $metadata document: the CSDL (OData's schema, as XML) of
// microsoft.graph's usedInsight and the types it is made of, and of the users and me that
// contain it, so that OData tools can discover what context URLs such as
// "$metadata#users('id')/insights/used" name. Callers must not modify it.
//
//go:embed metadata.xml
var Metadata []byte

// MetadataContentType is the Content-Type of Metadata, as Graph serves its own.
const MetadataContentType = "application/xml;charset=utf-8"
