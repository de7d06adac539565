package resource

// The insights family of Microsoft Graph's v1.0 metadata (officeGraphInsights: used, trending,
// shared) and the complex types they are made of. Graph marks every member but id and weight
// nullable; the service requires what an insight is meaningless without.

// Documented values of resourceVisualization.type and resourceVisualization.containerType.
var (
	VisualizationTypes = []string{"PowerPoint", "Word", "Excel", "Pdf", "OneNote", "OneNotePage",
		"InfoPath", "Visio", "Publisher", "Project", "Access", "Mail", "Csv", "Archive", "Xps", "Audio",
		"Video", "Image", "Web", "Text", "Xml", "Story", "ExternalContent", "Folder", "Spsite", "Other"}
	ContainerTypes = []string{"OneDriveBusiness", "Site", "Mail", "DropBox", "Box", "GDrive"}
)

// The problem codes of the warning checks.
const (
	WarnUnknownType      = "unknownType"
	WarnUnknownContainer = "unknownContainerType"
	WarnInvalidMediaType = "invalidMediaType"
)

// The complex types.
var (
	UsageDetails = &Type{Name: "usageDetails", Doc: "When the user last accessed and modified the item.", Members: []Member{
		{Name: "lastAccessedDateTime", Kind: DateTime, Required: true, Doc: "When the user last accessed the item."},
		{Name: "lastModifiedDateTime", Kind: DateTime, Doc: "When the user last modified the item."},
	}}
	ResourceVisualization = &Type{Name: "resourceVisualization", Doc: "How the item is shown: title, type, preview and container.", Members: []Member{
		{Name: "title", Kind: String, Doc: "The item's title."},
		{Name: "type", Kind: String, Check: OneOf, Values: VisualizationTypes, WarnCode: WarnUnknownType, Doc: "The item's file type, such as Word or Visio."},
		{Name: "mediaType", Kind: String, Check: MediaType, WarnCode: WarnInvalidMediaType, Doc: "The item's media type, such as application/pdf."},
		{Name: "previewImageUrl", Kind: URL, Doc: "A URL of a preview image of the item."},
		{Name: "previewText", Kind: String, Doc: "A text preview of the item's content."},
		{Name: "containerWebUrl", Kind: URL, Doc: "The URL of the folder or site that holds the item."},
		{Name: "containerDisplayName", Kind: String, Doc: "The name of the folder or site that holds the item."},
		{Name: "containerType", Kind: String, Check: OneOf, Values: ContainerTypes, WarnCode: WarnUnknownContainer, Doc: "The kind of container, such as Site or OneDriveBusiness."},
	}}
	ResourceReference = &Type{Name: "resourceReference", Doc: "Where the item is: its URL, id and type.", Members: []Member{
		{Name: "webUrl", Kind: URL, Doc: "The item's URL."},
		{Name: "id", Kind: String, Doc: "The item's id, such as drives/{drive-id}/items/{item-id}."},
		{Name: "type", Kind: String, Doc: "The item's OData type, such as microsoft.graph.driveItem."},
	}}
	InsightIdentity = &Type{Name: "insightIdentity", Doc: "Who shared the item.", Members: []Member{
		{Name: "address", Kind: String, Doc: "The person's email address."},
		{Name: "displayName", Kind: String, Doc: "The person's display name."},
		{Name: "id", Kind: String, Doc: "The person's id."},
	}}
	SharingDetail = &Type{Name: "sharingDetail", Doc: "One time the item was shared.", Members: []Member{
		{Name: "sharedBy", Kind: Object, Type: InsightIdentity, Doc: "Who shared the item."},
		{Name: "sharedDateTime", Kind: DateTime, Required: true, Doc: "When the item was shared."},
		{Name: "sharingReference", Kind: Object, Type: ResourceReference, Doc: "Where the sharing happened, such as the message; may be empty."},
		{Name: "sharingSubject", Kind: String, Doc: "The subject of the message the item was shared in."},
		{Name: "sharingType", Kind: String, Doc: "How the item was shared, such as Direct."},
	}}
)

// The members every insight has besides its own.
var (
	idMember             = Member{Name: "id", Kind: ID, NotNull: true, Doc: "The insight's id; the service assigns one when it is not given."}
	visualizationMember  = Member{Name: "resourceVisualization", Kind: Object, Type: ResourceVisualization, Required: true, Doc: "How the item is shown."}
	referenceMember      = Member{Name: "resourceReference", Kind: Object, Type: ResourceReference, Required: true, NeedsOneOf: []string{"id", "webUrl"}, Doc: "Where the item is; needs its id or its webUrl."}
	visualizationFilters = []Filter{
		{Name: "ResourceVisualization/Type", Path: "resourceVisualization.type"},
		{Name: "ResourceVisualization/containerType", Path: "resourceVisualization.containerType"},
	}
)

// The entity types, in the order of the seed payloads' members.
var (
	UsedInsight = &Type{Name: "usedInsight", Entity: true, Doc: "A document the user recently used.", Members: []Member{
		idMember,
		{Name: "lastUsed", Kind: Object, Type: UsageDetails, Required: true, Doc: "When the user last used the item."},
		visualizationMember,
		referenceMember,
	}}
	Trending = &Type{Name: "trending", Entity: true, Doc: "A document trending around the user.", Members: []Member{
		idMember,
		{Name: "weight", Kind: Number, Required: true, NotNull: true, Doc: "How relevant the item is to the user; higher is more relevant."},
		{Name: "lastModifiedDateTime", Kind: DateTime, Doc: "When the item was last modified."},
		visualizationMember,
		referenceMember,
	}}
	SharedInsight = &Type{Name: "sharedInsight", Entity: true, Doc: "A document shared with or by the user.", Members: []Member{
		idMember,
		{Name: "lastShared", Kind: Object, Type: SharingDetail, Required: true, Doc: "The last time the item was shared."},
		{Name: "sharingHistory", Kind: Array, Type: SharingDetail, MaxItems: 100, Doc: "Earlier times the item was shared."},
		visualizationMember,
		referenceMember,
	}}
)

// The collections.
var (
	Used = &Collection{Name: "used", Type: UsedInsight, Noun: "used insight",
		Orders: []Order{
			{Name: "LastUsed/LastAccessedDateTime", Path: "lastUsed.lastAccessedDateTime", Kind: DateTime},
			{Name: "LastUsed/LastModifiedDateTime", Path: "lastUsed.lastModifiedDateTime", Kind: DateTime},
		},
		Filters: append(visualizationFilters[:2:2], Filter{Name: "resourceReference/type", Path: "resourceReference.type"}),
	}
	TrendingItems = &Collection{Name: "trending", Type: Trending, Noun: "trending item",
		Orders: []Order{
			{Name: "weight", Path: "weight", Kind: Number},
			{Name: "lastModifiedDateTime", Path: "lastModifiedDateTime", Kind: DateTime},
		},
		Filters: append(visualizationFilters[:2:2], Filter{Name: "resourceReference/type", Path: "resourceReference.type"}),
	}
	Shared = &Collection{Name: "shared", Type: SharedInsight, Noun: "shared insight",
		Orders: []Order{
			{Name: "lastShared/sharedDateTime", Path: "lastShared.sharedDateTime", Kind: DateTime},
		},
		Filters: append(visualizationFilters[:2:2], Filter{Name: "lastShared/sharedBy/address", Path: "lastShared.sharedBy.address"}),
	}

	// Collections lists every collection, in the order of Graph's documentation.
	Collections = []*Collection{Used, TrendingItems, Shared}
)
