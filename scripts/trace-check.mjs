// Read a `scxlab run --trace` file with Chrome DevTools' trace engine, as the Performance
// panel would, and check what it made of it: a track per CPU, every slice of a CPU a top-level
// entry (a slice that overlaps the next one, even by a rounding error, is nested under it and
// shows as a staircase), and the trace's bounds in microseconds.
// Usage: node scripts/trace-check.mjs ENGINE_DIR TRACE.json   (ENGINE_DIR: fetch-trace-engine.sh)
// Prints a line per CPU track and "ok", or the problem; exit status 0 or 1.
import path from 'node:path';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

const [engineDir, tracePath] = process.argv.slice(2);
if (!engineDir || !tracePath) {
  console.error('usage: node trace-check.mjs ENGINE_DIR TRACE.json');
  process.exit(2);
}
const engine = await import(pathToFileURL(path.join(engineDir, 'node_modules/@paulirish/trace_engine/analyze-trace.mjs')));
const written = JSON.parse(fs.readFileSync(tracePath, 'utf8')).traceEvents;
const { parsedTrace } = await engine.analyzeTrace(tracePath);
const data = parsedTrace.data;
let problems = 0, tracks = 0;

for (const [pid, proc] of data.Renderer.processes) {
  for (const [tid, thread] of proc.threads) {
    const want = written.filter(e => e.ph === 'X' && e.pid === pid && e.tid === tid).length;
    const entries = thread.entries.length, roots = thread.tree ? thread.tree.roots.size : 0;
    tracks++;
    console.log(`${thread.name}: ${entries} slices read of ${want} written, ${roots} top-level`);
    if (entries !== want || roots !== entries) problems++;
  }
}
const b = data.Meta.traceBounds;
console.log(`bounds: ${b.min} .. ${b.max} us`);
if (!tracks) {
  console.log('no CPU track read');
  problems++;
}
console.log(problems ? `${problems} track(s) read wrongly` : 'ok');
process.exit(problems ? 1 : 0);
