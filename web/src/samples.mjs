// Sample payloads of the playground's "Samples" menu. test/playground.test.mjs checks that
// the seed is internal/insight/testdata/seed.json, byte for byte.

/** The request body of Graph's "Add used" (the seed): valid, with three warnings. */
export const seed = `{
  "@odata.type": "#microsoft.graph.usedInsight",
  "lastUsed": {
    "@odata.type": "microsoft.graph.usageDetails",
    "lastAccessedDateTime": "2016-12-31T23:58:50.8669622+03:00",
    "lastModifiedDateTime": "2016-12-31T23:58:21.1327021+03:00"
  },
  "resourceVisualization": {
    "@odata.type": "microsoft.graph.resourceVisualization",
    "title": "Title value",
    "type": "Type value",
    "mediaType": "Media Type value",
    "previewImageUrl": "https://example.com/previewImageUrl/",
    "previewText": "Preview Text value",
    "containerWebUrl": "https://example.com/containerWebUrl/",
    "containerDisplayName": "Container Display Name value",
    "containerType": "Container Type value"
  },
  "resourceReference": {
    "@odata.type": "microsoft.graph.resourceReference",
    "webUrl": "https://example.com/webUrl/",
    "id": "Id value"
  }
}
`;

/** A payload with no problem at all, with values as real Graph data has them. */
export const complete = `{
  "@odata.type": "#microsoft.graph.usedInsight",
  "id": "Abk3ZeZmlghMhUVKP9mygDoPEPUbLediT7xb7UyGkIkm",
  "lastUsed": {
    "@odata.type": "microsoft.graph.usageDetails",
    "lastAccessedDateTime": "2016-12-31T23:58:50.8669622+03:00",
    "lastModifiedDateTime": "2016-12-31T23:58:21.1327021+03:00"
  },
  "resourceVisualization": {
    "@odata.type": "microsoft.graph.resourceVisualization",
    "title": "Org Chart",
    "type": "Visio",
    "mediaType": "application/vnd.visio",
    "previewImageUrl": "https://contoso.sharepoint.com/_api/v2.0/drives/b!uTdl/thumbnails/0/small/thumbnailContent",
    "previewText": "Page-1",
    "containerWebUrl": "https://contoso.sharepoint.com/sites/Retail/Shared Documents/NC460 Sales",
    "containerDisplayName": "Retail",
    "containerType": "Site"
  },
  "resourceReference": {
    "@odata.type": "microsoft.graph.resourceReference",
    "webUrl": "https://contoso.sharepoint.com/sites/Retail/_layouts/15/Doc.aspx?sourcedoc=%7BF4463999%7D&file=Org%20Chart.vsdx",
    "id": "drives/b!uTdl5maWCEyFRUo_2bKAOg8Q9Rst52JPvFvtTIaQiSaOy9HgmWBFQYDbyM0zog0D/items/01JSNPH6EZHFDPJNKPRNHZTFEWRRLDKPC3",
    "type": "microsoft.graph.driveItem"
  }
}`;

/** A payload with several problems, to see what the validator reports. */
export const withProblems = `{
  "id": "my insight",
  "lastUsed": {
    "lastAccessedDateTime": "yesterday"
  },
  "resourceVisualization": {
    "title": "Quarterly report",
    "type": "Spreadsheet",
    "previewImageUrl": "javascript:alert(1)"
  },
  "resourceReference": {
    "type": "microsoft.graph.driveItem"
  },
  "colour": "red"
}`;

/**
 * minimal returns the smallest valid payload with the date-time given (builder's fields).
 * @param {string} now
 */
export const minimalFields = (now) => ({
  'lastUsed.lastAccessedDateTime': now,
  'resourceVisualization.title': 'Org Chart',
  'resourceReference.id': 'drives/b!uTdl/items/01JSNPH6',
});

/** Values of resourceVisualization.type and containerType that Graph documents, offered as suggestions. */
export const types = ['PowerPoint', 'Word', 'Excel', 'Pdf', 'OneNote', 'OneNotePage', 'InfoPath', 'Visio', 'Publisher', 'Project',
  'Access', 'Mail', 'Csv', 'Archive', 'Xps', 'Audio', 'Video', 'Image', 'Web', 'Text', 'Xml', 'Story', 'ExternalContent', 'Folder',
  'Spsite', 'Other'];
export const containerTypes = ['OneDriveBusiness', 'Site', 'Mail', 'DropBox', 'Box', 'GDrive'];
export const mediaTypes = ['application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation', 'application/vnd.visio', 'application/pdf',
  'text/plain', 'text/csv', 'image/png', 'image/jpeg'];
