/** The page shown when the web UI has not been built, so `/` explains what to do. */

/** HTML telling the operator how to build the UI; `distDir` is where it was looked for. */
export function notBuiltPage(distDir: string): string {
  const dir = escapeHtml(distDir);
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kansoku: web UI not built</title>
<style>body{font-family:system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;line-height:1.5}
code{background:rgba(127,127,127,.15);padding:0 .3em;border-radius:3px}</style></head>
<body>
<h1>The Kansoku web UI is not built</h1>
<p>Kansoku looked for the built UI in <code>${dir}</code> and did not find <code>index.html</code> there.</p>
<p>Build it from the project directory with <code>npm ci &amp;&amp; npm run build</code>
(or only the UI with <code>npm run build -w ui</code>) and reload this page.</p>
<p>The HTTP API works without the UI: try <a href="/api/v1/status/buildinfo"><code>/api/v1/status/buildinfo</code></a>
or <a href="/metrics"><code>/metrics</code></a>.</p>
</body>
</html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
