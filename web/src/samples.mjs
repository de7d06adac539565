// Sample payloads of the playground's "Samples" menu, for each collection. test/playground.test.mjs
// checks that the seed is internal/insight/testdata/seed.json, byte for byte; test/collection.test.mjs
// that the Graph documentation's items are those of shared/reference/graph, and that each sample
// is what its label says.

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

/** The item of Graph's "List trending" documentation (its weight a JSON string, as there). */
export const trendingGraph = `{
  "id": "AWMiSOpKHlJCpP_ZoVJQXi9ees4wFhDQQqF55Pm5DlaMzvtd2zra4UWSTEvpTldvb6EhQ289G4BAsxnrajQyjW1jIkjqSh5SQqT_2aFSUF4vBQ",
  "weight": "0.1583399742569597",
  "resourceVisualization": {
    "title": "LiveCaptions",
    "type": "Image",
    "mediaType": "application/octet-stream",
    "previewImageUrl": "https://contoso.sharepoint.com/_api/v2.0/drives/b!YyJI6koeUkKk_9mhUlBeL156zjAWENBCoXnk-bkOVozO-13bOtrhRZJMS-lOV29v/items/01H273TR5BEFBW6PI3QBALGGPLNI2DFDLN/thumbnails/0/small/thumbnailContent",
    "previewText": "",
    "containerWebUrl": "https://contoso.sharepoint.com/sites/Mark8ProjectTeam/Shared Documents/Go to Market Plan",
    "containerDisplayName": "Mark 8 Project Team",
    "containerType": "Site"
  },
  "resourceReference": {
    "webUrl": "https://contoso.sharepoint.com/sites/Mark8ProjectTeam/Shared%20Documents/Go%20to%20Market%20Plan/LiveCaptions.gif",
    "id": "drives/b!YyJI6koeUkKk_9mhUlBeL156zjAWENBCoXnk-bkOVozO-13bOtrhRZJMS-lOV29v/items/01H273TR5BEFBW6PI3QBALGGPLNI2DFDLN",
    "type": "microsoft.graph.driveItem"
  }
}`;

/** The item of Graph's "List shared" documentation (an empty sharingReference, as there). */
export const sharedGraph = `{
  "id": "AWb0Qy4TEA1KhLW-k1L5mSjtxZAcxDFkTKiTNA-2kZDTXzrMX_4FhECOU0bKZVj1uReivYoYYoJNqTeuC-x1Agtm9EMuExANSoS1vpNS-ZkoBA",
  "lastShared": {
    "sharedDateTime": "2021-03-23T08:41:05Z",
    "sharingType": "Direct",
    "sharedBy": {
      "displayName": "Megan Bowen",
      "address": "MeganB@contoso.com",
      "id": "3e0c9f05-b9b8-4cf5-9b35-a4e11b24b5b7"
    },
    "sharingReference": {}
  },
  "resourceVisualization": {
    "title": "CE Annual Report",
    "type": "Word",
    "mediaType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "previewImageUrl": "https://contoso-my.sharepoint.com/_api/v2.0/drives/b!ZvRDLhMQDUqEtb6TUvmZKO3FkBzEMWRMqJM0D7aRkNNfOsxf_gWEQI5TRsplWPW5/items/01K6ZMU4QXUK6YUGDCQJG2SN5OBPWHKAQL/thumbnails/0/small/thumbnailContent",
    "previewText": "Contoso Annual Report Anne Wallace Sales Contoso today announced financial results for its most recent fi",
    "containerWebUrl": "https://contoso-my.sharepoint.com/personal/meganb_m365x841051_onmicrosoft_com/Documents/Forms/All.aspx",
    "containerDisplayName": "Megan Bowen",
    "containerType": "OneDriveBusiness"
  },
  "resourceReference": {
    "webUrl": "https://contoso-my.sharepoint.com/personal/meganb_m365x841051_onmicrosoft_com/_layouts/15/Doc.aspx?sourcedoc=%7B8ABDA217-6218-4D82-A937-AE0BEC75020B%7D&file=CE%20Annual%20Report.docx&action=default&mobileredirect=true&DefaultItemOpen=1",
    "id": "drives/b!ZvRDLhMQDUqEtb6TUvmZKO3FkBzEMWRMqJM0D7aRkNNfOsxf_gWEQI5TRsplWPW5/items/01K6ZMU4QXUK6YUGDCQJG2SN5OBPWHKAQL",
    "type": "microsoft.graph.driveItem"
  }
}`;

/** A trending item with several problems: weight not a number, another collection's type, ... */
export const trendingWithProblems = `{
  "@odata.type": "#microsoft.graph.usedInsight",
  "weight": "abc",
  "lastModifiedDateTime": "last week",
  "resourceVisualization": {
    "title": "Forecast",
    "previewImageUrl": "ftp://example.com/forecast.png"
  },
  "resourceReference": {
    "type": "microsoft.graph.driveItem"
  }
}`;

/** A shared item with several problems: no lastShared.sharedDateTime, a history entry that is no object, ... */
export const sharedWithProblems = `{
  "lastShared": {
    "sharingType": "Direct",
    "sharedBy": {
      "address": "MeganB@contoso.com"
    }
  },
  "sharingHistory": [
    {
      "sharedDateTime": "2021-03-01T10:00:00Z"
    },
    "yesterday"
  ],
  "resourceVisualization": {
    "title": "CE Annual Report"
  },
  "resourceReference": {
    "id": "drives/b!ZvRD/items/01K6ZMU4"
  },
  "lastUsed": {
    "lastAccessedDateTime": "2021-03-23T08:41:05Z"
  }
}`;

/**
 * minimal returns the smallest valid payload of each collection, dated now.
 * @param {string} now
 */
export const minimal = (now) => ({
  used: { lastUsed: { lastAccessedDateTime: now }, resourceVisualization: { title: 'Org Chart' }, resourceReference: { id: 'drives/b!uTdl/items/01JSNPH6' } },
  trending: { weight: 0.5, resourceVisualization: { title: 'Org Chart' }, resourceReference: { id: 'drives/b!uTdl/items/01JSNPH6' } },
  shared: { lastShared: { sharedDateTime: now }, resourceVisualization: { title: 'Org Chart' }, resourceReference: { id: 'drives/b!uTdl/items/01JSNPH6' } },
});

/**
 * The samples of each collection's menu, the first being the one a switch of collection loads
 * in place of an unchanged sample of the collection before: value, label and the text (or
 * make(now), which returns it).
 */
export const menus = {
  used: [
    { value: 'seed', label: 'Add used (Graph\'s example)', text: seed },
    { value: 'complete', label: 'Complete, no problems', text: complete },
    { value: 'minimal', label: 'Minimal, dated now', make: (now) => JSON.stringify(minimal(now).used, null, 2) },
    { value: 'problems', label: 'With problems', text: withProblems },
  ],
  trending: [
    { value: 'graph', label: 'List trending (Graph\'s example)', text: trendingGraph },
    { value: 'minimal', label: 'Minimal, no problems', make: (now) => JSON.stringify(minimal(now).trending, null, 2) },
    { value: 'problems', label: 'With problems', text: trendingWithProblems },
  ],
  shared: [
    { value: 'graph', label: 'List shared (Graph\'s example)', text: sharedGraph },
    { value: 'minimal', label: 'Minimal, dated now', make: (now) => JSON.stringify(minimal(now).shared, null, 2) },
    { value: 'problems', label: 'With problems', text: sharedWithProblems },
  ],
};

/** Media types offered as suggestions for resourceVisualization.mediaType (the description lists no values). */
export const mediaTypes = ['application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation', 'application/vnd.visio', 'application/pdf',
  'text/plain', 'text/csv', 'image/png', 'image/jpeg'];
