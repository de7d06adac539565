// The baseline of `make bench-worker`: the least a JavaScript Worker does to store a usedInsight:
// read the body, JSON.parse it, give it an id from crypto.randomUUID and KV.put it.
// No validation, no authentication, no indexes. The Go Worker must match its throughput.
export default {
  async fetch(request, env) {
    const text = await request.text();
    const record = JSON.parse(text);
    const id = crypto.randomUUID();
    await env.INSIGHTS.put('r/' + id, text);
    record.id = id;
    return new Response(JSON.stringify(record), {
      status: 201,
      headers: { 'Content-Type': 'application/json' },
    });
  },
};
