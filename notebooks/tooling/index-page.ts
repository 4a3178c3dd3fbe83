// The page at / when a run's folder is served: its report, then whichever notebooks and pages are built, each
// with the command that builds it when it is not there yet. Nothing is executed to serve it.
import { existsSync, readdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { xmlText } from "../../sdk/report/xml.ts";

/** The index page of a run's folder: the report, then whichever notebooks and pages are built. */
export function indexPage(dir: string): string {
  const present = (sub: string, ext: string) =>
    existsSync(join(dir, sub))
      ? readdirSync(join(dir, sub))
          .filter((f) => f.endsWith(ext) && !f.startsWith("."))
          .sort()
      : [];
  const item = (href: string, label: string) => `<li><a href="${href}">${label}</a></li>`;
  const reports = ["report.html", "REPORT.md", "results.json", "junit.xml"].filter((f) =>
    existsSync(join(dir, f)),
  );
  const jupyter = present("notebooks", ".html");
  const observable = present("observable", ".html");
  const section = (title: string, items: string[], none: string) =>
    `<h2>${title}</h2>${items.length ? `<ul>${items.join("")}</ul>` : `<p>${none}</p>`}`;
  return [
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>hivestorm run</title>',
    "<style>body{font:15px/1.5 Helvetica,Arial,sans-serif;margin:24px auto;max-width:760px}</style>",
    `<h1>hivestorm run ${xmlText(basename(resolve(dir)))}</h1>`,
    section(
      "Report",
      reports.map((f) => item(f, f)),
      "No report here: <code>npx tsx scripts/report.ts RUN_DIR</code> writes it.",
    ),
    section(
      "Jupyter notebooks",
      jupyter.map((f) => item(`notebooks/${f}`, f)),
      "Not executed yet: <code>npm run notebooks:exec -- --run RUN_DIR</code>.",
    ),
    section(
      "Observable pages",
      observable.map((f) => item(`observable/${f}`, f)),
      "Not built yet: <code>npm run notebooks:build -- --run RUN_DIR</code>.",
    ),
    "</html>",
    "",
  ].join("\n");
}
