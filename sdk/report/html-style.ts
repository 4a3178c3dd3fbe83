// The stylesheet of report.html, inline: the file must open from disk with nothing beside it.
export const REPORT_CSS = `
:root { --pass: #1a7f37; --fail: #cf222e; --error: #9a3412; --skip: #6e7781; --reported: #7c5e10;
  --pass-bg: #dafbe1; --fail-bg: #ffebe9; --error-bg: #fff1e5; --skip-bg: #f6f8fa; --line: #d0d7de; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328;
  background: #fff; }
main, header.verdict > div, nav > div { max-width: 1180px; margin: 0 auto; padding: 0 20px; }
header.verdict { padding: 18px 0 14px; border-bottom: 4px solid var(--line); }
header.verdict h1 { margin: 0 0 6px; font-size: 15px; font-weight: 600; color: #57606a; }
header.verdict .headline { margin: 0; font-size: 28px; font-weight: 700; }
header.verdict .detail { margin: 4px 0 0; color: #57606a; }
header.verdict.pass { background: var(--pass-bg); border-color: var(--pass); }
header.verdict.pass .headline { color: var(--pass); }
header.verdict.fail { background: var(--fail-bg); border-color: var(--fail); }
header.verdict.fail .headline { color: var(--fail); }
header.verdict.error { background: var(--error-bg); border-color: var(--error); }
header.verdict.error .headline { color: var(--error); }
nav { border-bottom: 1px solid var(--line); background: #f6f8fa; font-size: 14px; }
nav a { display: inline-block; margin: 6px 14px 6px 0; }
a { color: #0969da; text-decoration: none; } a:hover { text-decoration: underline; }
h2 { margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); font-size: 21px; }
h3 { margin: 0 0 8px; font-size: 18px; }
h4 { margin: 18px 0 6px; font-size: 15px; }
ul.failures { list-style: none; margin: 0; padding: 0; }
ul.failures > li { margin: 0 0 10px; padding: 10px 14px; border-left: 5px solid var(--fail);
  background: var(--fail-bg); border-radius: 4px; }
ul.failures > li.error, ul.failures > li.interrupted { border-color: var(--error); background: var(--error-bg); }
ul.failures .id { font-weight: 700; font-size: 17px; }
ul.failures ul { margin: 4px 0 0; padding-left: 20px; font-size: 16px; }
ul.skips { padding-left: 20px; color: #57606a; }
.tag { display: inline-block; min-width: 58px; padding: 0 6px; border-radius: 3px; font-size: 12px;
  font-weight: 700; text-align: center; color: #fff; vertical-align: 1px; }
.tag.pass { background: var(--pass); } .tag.fail { background: var(--fail); }
.tag.error { background: var(--error); } .tag.skip { background: var(--skip); }
.tag.reported { background: var(--reported); }
.tone-pass { color: var(--pass); font-weight: 600; } .tone-fail { color: var(--fail); font-weight: 700; }
.tone-error { color: var(--error); font-weight: 700; } .tone-skip { color: var(--skip); }
.tone-reported { color: var(--reported); font-style: italic; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 13.5px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.r, th.r { text-align: right; font-variant-numeric: tabular-nums; }
blockquote { margin: 4px 0 10px; padding: 2px 12px; border-left: 4px solid var(--line); color: #57606a; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, monospace; background: #f6f8fa; padding: 1px 4px;
  border-radius: 3px; }
section.scenario { margin: 18px 0; padding: 14px 16px; border: 1px solid var(--line); border-left-width: 6px;
  border-radius: 6px; }
section.scenario.pass { border-left-color: var(--pass); } section.scenario.fail { border-left-color: var(--fail); }
section.scenario.error { border-left-color: var(--error); } section.scenario.skip { border-left-color: var(--skip); }
figure.chart { margin: 10px 0; } figure.chart svg { max-width: 100%; height: auto; display: block; }
figure.chart figcaption { font-size: 12.5px; color: #57606a; }
`;
