import DASHBOARD_SCRIPT from 'virtual:hotconf-dashboard-ui';

export { DASHBOARD_SCRIPT };

/** The page shell: no data in it (everything is fetched and set as text), no inline script or style. */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hotconf</title>
<link rel="stylesheet" href="app.css">
<script src="app.js" defer></script>
</head>
<body>
<header><strong>hotconf</strong><nav id="nav"></nav><span id="mode"></span></header>
<div id="message" role="alert" hidden></div>
<main id="page"><p>Loading…</p></main>
</body>
</html>
`;

export const DASHBOARD_CSS = `
:root { color-scheme: light; --fg: #1d2330; --muted: #5d6678; --line: #d9dde5; --accent: #2454c5; --bad: #b3261e; --ok: #1e7b34; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #f6f7f9; }
header { display: flex; gap: 24px; align-items: center; padding: 10px 20px; background: #fff; border-bottom: 1px solid var(--line); }
nav { display: flex; gap: 4px; flex-wrap: wrap; }
nav a { padding: 4px 10px; border-radius: 6px; color: var(--fg); text-decoration: none; }
nav a.active { background: var(--accent); color: #fff; }
#mode { margin-left: auto; color: var(--muted); }
main { padding: 16px 20px; max-width: 1200px; }
h1 { font-size: 18px; margin: 4px 0 12px; }
h2 { font-size: 15px; margin: 18px 0 8px; }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eef0f4; font-weight: 600; }
td.value, .value, code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; white-space: pre-wrap; word-break: break-all; }
button { font: inherit; padding: 3px 10px; border: 1px solid var(--line); border-radius: 6px; background: #fff; cursor: pointer; }
button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
button.danger { color: var(--bad); }
input, select { font: inherit; padding: 3px 6px; border: 1px solid var(--line); border-radius: 6px; }
form { background: #fff; border: 1px solid var(--line); padding: 12px; max-width: 720px; }
form .row { display: flex; gap: 8px; margin-bottom: 8px; align-items: center; }
.muted { color: var(--muted); }
.stale { color: var(--bad); font-weight: 600; }
.fresh { color: var(--ok); }
.missing { color: var(--bad); }
#message { margin: 12px 20px 0; padding: 8px 12px; border-radius: 6px; background: #fdecea; color: var(--bad); border: 1px solid #f3c2bd; }
#message.info { background: #e8f3ea; color: var(--ok); border-color: #b9dcc0; }
`;
