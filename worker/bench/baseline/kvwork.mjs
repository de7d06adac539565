// A reference for `make bench-worker`, not a baseline: the KV work of the Go Worker's create
// (internal/kvstore: a get of the primary key, the four index keys put in parallel, then the
// primary put) and nothing else, like worker.mjs otherwise. It shows how much of the Go
// Worker's cost is the store's KV work, which local KV (wrangler dev) makes expensive.
export default {
  async fetch(request, env) {
    const text = await request.text();
    const record = JSON.parse(text);
    const id = crypto.randomUUID();
    const kv = env.INSIGHTS;
    if ((await kv.get('r/' + id)) !== null) {
      return new Response('exists', { status: 409 });
    }
    await Promise.all(['ad', 'aa', 'md', 'ma'].map((f) => kv.put(f + '/' + id, '1')));
    await kv.put('r/' + id, text);
    record.id = id;
    return new Response(JSON.stringify(record), {
      status: 201,
      headers: { 'Content-Type': 'application/json' },
    });
  },
};
