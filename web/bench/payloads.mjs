// Payloads shared by the benchmark and the tests (Node.js only).

import { readFileSync } from 'node:fs';

/** The seed payload of "Add used" (861 bytes): valid, with 3 warnings. */
export const seed = readFileSync(new URL('../../internal/insight/testdata/seed.json', import.meta.url), 'utf8');

/** A payload with no problems at all, in the seed's shape, with real Graph values. */
export const valid = `{
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

/**
 * A valid payload just under 64 KiB (the body limit), built like the Go benchmark's: long strings
 * in every free-text member, then more @odata annotations of the same text.
 */
export function payload64K() {
  const p = JSON.parse(valid);
  const fill = 'Quarterly sales review '.repeat(170).slice(0, 3900);
  for (const name of ['title', 'previewText', 'containerDisplayName']) {
    p.resourceVisualization[name] = fill;
  }
  p.resourceReference.type = fill;
  for (let i = 0; JSON.stringify(p, null, 2).length < 64 * 1024 - 4200; i++) {
    p[`@odata.note${i}`] = fill;
  }
  return JSON.stringify(p, null, 2);
}
