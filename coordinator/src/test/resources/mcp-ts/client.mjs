// Drives the coordinator's /mcp with the official TypeScript MCP client and prints what it saw
// as one JSON object. McpTypeScriptClientTest installs the SDK beside this file and asserts.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const url = new URL(process.env.MCP_URL);

async function connect(token) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const client = new Client({ name: "fleetrotate-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
  return client;
}

async function attempt(fn) {
  try {
    return { ok: await fn() };
  } catch (e) {
    return { error: String(e && e.message ? e.message : e) };
  }
}

const out = {};
const admin = await connect(process.env.MCP_ADMIN);
out.tools = (await admin.listTools()).tools.map((t) => t.name).sort();
const summary = await admin.callTool({ name: "fleet_summary", arguments: {} });
out.summary = summary.structuredContent;
out.summaryText = summary.content[0].text;
out.history = (await admin.callTool({ name: "rotation_history", arguments: { node: "n1" } }))
  .structuredContent;
out.advice = (await admin.callTool({ name: "recommend_policy", arguments: { node: "n1" } }))
  .structuredContent;
out.dryRun = (await admin.callTool({ name: "rotate_now", arguments: { node: "n1" } }))
  .structuredContent;
out.node = (await admin.readResource({ uri: "fleetrotate://nodes/n1" })).contents[0].text;
out.badArgument = await attempt(() =>
  admin.callTool({ name: "nodes_at_risk", arguments: { ratio: 7 } }),
);
await admin.close();

const viewer = await connect(process.env.MCP_VIEWER);
out.viewerRotate = await attempt(() =>
  viewer.callTool({ name: "rotate_now", arguments: { node: "n1", confirm: true } }),
);
await viewer.close();

out.noToken = await attempt(async () => {
  const c = await connect(null);
  return (await c.listTools()).tools.map((t) => t.name);
});
process.stdout.write(JSON.stringify(out) + "\n");
