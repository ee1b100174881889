#!/usr/bin/env node
// Times the reference GoRules ZEN engine (npm @gorules/zen-engine: the Rust
// engine inside a Node binding) on the shared benchmark graphs, so that its
// throughput can be set beside Credo's decision engine on the same graphs and
// inputs. Also evaluates one graph on one input, for cross-checking outputs.
//
// Measurement, as ZEN's own Node benchmark (gorules/zen benchmark/node/bench.mjs)
// does it: one engine, one warm-up evaluation per graph, then evaluations awaited
// one after another (never overlapping), wall time by process.hrtime.bigint().
// Differences from it, on purpose:
//   - the graph is parsed once (engine.createDecision) and decision.evaluate is
//     timed; ZEN's script calls engine.evaluate(key), which runs its loader (a
//     file read) and re-parses the graph JSON on every evaluation. --via-loader
//     times that path instead.
//   - the run lasts --seconds per graph rather than a fixed BENCH_ITERS count
//     (--iterations N gives ZEN's fixed count).
//   - only trace off is timed (ZEN's script times trace off and on).
// Each record also carries zen_reported_mean_us: the mean of the time ZEN itself
// reports per evaluation (response.performance), i.e. inside the Rust engine,
// without the binding's JS<->Rust value conversion and worker-thread hop.
// The clock cannot be pinned through this API (ZenConfig has no such option);
// the benchmark graphs compare fixed dates only, so their results do not depend
// on "now".
//
// Usage:
//   node bench/zen/zen_bench.mjs [--dir DIR] [--seconds 3] [--warmup 1]
//                                [--iterations N] [--via-loader] [--show]
//   node bench/zen/zen_bench.mjs --graph FILE.json --input INPUT.json
import { readFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const scriptDir = path.dirname(fileURLToPath(import.meta.url));

function loadZen() {
  try {
    return require('@gorules/zen-engine');
  } catch (err) {
    console.error(`zen_bench: cannot load @gorules/zen-engine (${err.message}); ` +
                  `run "npm ci --no-audit --no-fund" in ${scriptDir}`);
    process.exit(2);
  }
}

function fail(message) {
  console.error(`zen_bench: ${message}`);
  process.exit(1);
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    fail(`${file}: ${err.message}`);
  }
}

// An engine whose loader resolves decision keys (decisionNode sub-graphs, or
// the graph itself with --via-loader) as files under rootDir.
function makeEngine(ZenEngine, rootDir) {
  return new ZenEngine({ loader: (key) => readFile(path.join(rootDir, key)) });
}

// ZEN's own timing of one evaluation inside the Rust engine, reported as a
// Rust Duration rounded to one decimal ("18.6µs", "1.9ms"), in nanoseconds.
const durationUnitNs = { ns: 1, 'µs': 1e3, us: 1e3, ms: 1e6, s: 1e9 };
function reportedNs(performance) {
  const match = /^([0-9.]+)(ns|µs|us|ms|s)$/.exec(performance ?? '');
  if (!match) fail(`cannot read ZEN's performance figure ${JSON.stringify(performance)}`);
  return Number(match[1]) * durationUnitNs[match[2]];
}

function isNonEmptyResult(response) {
  const result = response?.result;
  return result !== null && typeof result === 'object' && Object.keys(result).length > 0;
}

// Prints ZEN's result of one evaluation of graphFile on inputFile to stdout.
async function evaluateOnce(graphFile, inputFile) {
  const { ZenEngine } = loadZen();
  const engine = makeEngine(ZenEngine, path.dirname(path.resolve(graphFile)));
  const decision = engine.createDecision(readJson(graphFile));
  const response = await decision.evaluate(readJson(inputFile));
  process.stdout.write(JSON.stringify(response.result) + '\n');
  engine.dispose();
}

// Times one manifest entry; returns the stdout record.
async function timeGraph(engine, dir, entry, opts) {
  const evaluate = opts.viaLoader
    ? (input) => engine.evaluate(entry.file, input)
    : ((decision) => (input) => decision.evaluate(input))(
        engine.createDecision(readJson(path.join(dir, entry.file))));

  const first = await evaluate(entry.input);
  if (!isNonEmptyResult(first)) {
    fail(`${entry.name}: empty result ${JSON.stringify(first?.result)}`);
  }
  if (opts.show) {
    console.error(`${entry.name}: first result ${JSON.stringify(first.result)}`);
  }
  for (let i = 1; i < opts.warmup; i++) await evaluate(entry.input);

  const budgetNs = BigInt(Math.round(opts.seconds * 1e9));
  const start = process.hrtime.bigint();
  let elapsedNs = 0n;
  let iterations = 0;
  let reportedTotalNs = 0;
  while (opts.iterations > 0 ? iterations < opts.iterations : elapsedNs < budgetNs) {
    const response = await evaluate(entry.input);
    if (response?.result == null) fail(`${entry.name}: evaluation ${iterations} gave no result`);
    reportedTotalNs += reportedNs(response.performance);
    iterations++;
    elapsedNs = process.hrtime.bigint() - start;
  }
  const seconds = Number(elapsedNs) / 1e9;
  return {
    engine: opts.viaLoader ? 'zen-node-loader' : 'zen-node',
    graph: entry.name,
    evaluations_per_second: Math.round((iterations / seconds) * 10) / 10,
    iterations,
    mean_us: Math.round((seconds * 1e6 / iterations) * 1000) / 1000,
    zen_reported_mean_us: Math.round(reportedTotalNs / iterations) / 1000,
  };
}

async function benchmark(opts) {
  const manifestFile = path.join(opts.dir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    console.error(`zen_bench: no benchmark data at ${manifestFile}; nothing to time`);
    return;
  }
  const { ZenEngine } = loadZen();
  const engine = makeEngine(ZenEngine, opts.dir);
  const mode = opts.viaLoader ? 'engine.evaluate(key) via loader' : 'createDecision once, decision.evaluate';
  console.error(`zen_bench: @gorules/zen-engine ${require('@gorules/zen-engine/package.json').version}, ` +
                `node ${process.version}, ${mode}, warm-up ${opts.warmup}, ` +
                (opts.iterations > 0 ? `${opts.iterations} iterations` : `${opts.seconds} s`) + ' per graph');
  for (const entry of readJson(manifestFile)) {
    if (entry.kind !== 'graph') {
      console.error(`${entry.name}: skipped (kind ${entry.kind})`);
      continue;
    }
    const record = await timeGraph(engine, opts.dir, entry, opts);
    process.stdout.write(JSON.stringify(record) + '\n');
    console.error(`${entry.name.padEnd(36)} ${record.evaluations_per_second.toFixed(1).padStart(12)} eval/s ` +
                  `${record.mean_us.toFixed(3).padStart(12)} us/eval ` +
                  `(${record.iterations} evaluations; ZEN-reported ${record.zen_reported_mean_us.toFixed(3)} us/eval)`);
  }
  engine.dispose();
}

function positiveNumber(name, text, { integer, allowZero }) {
  const value = Number(text);
  const ok = Number.isFinite(value) && (allowZero ? value >= 0 : value > 0) &&
             (!integer || Number.isInteger(value));
  if (!ok) fail(`--${name} ${text}: expected a ${integer ? 'whole ' : ''}number > ${allowZero ? '= ' : ''}0`);
  return value;
}

async function main() {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string', default: path.resolve(scriptDir, '../../../shared/conformance/zen/benchmark') },
      seconds: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '1' },
      iterations: { type: 'string', default: '0' },
      'via-loader': { type: 'boolean', default: false },
      show: { type: 'boolean', default: false },
      graph: { type: 'string' },
      input: { type: 'string' },
    },
  });
  if (values.graph !== undefined || values.input !== undefined) {
    if (values.graph === undefined || values.input === undefined) fail('--graph and --input go together');
    await evaluateOnce(values.graph, values.input);
    return;
  }
  await benchmark({
    dir: path.resolve(values.dir),
    seconds: positiveNumber('seconds', values.seconds, { integer: false, allowZero: false }),
    // At least one evaluation always runs before timing: it checks the result.
    warmup: Math.max(1, positiveNumber('warmup', values.warmup, { integer: true, allowZero: true })),
    iterations: positiveNumber('iterations', values.iterations, { integer: true, allowZero: true }),
    viaLoader: values['via-loader'],
    show: values.show,
  });
}

const usage = 'usage: zen_bench.mjs [--dir DIR] [--seconds S] [--warmup N] [--iterations N] [--via-loader] [--show]\n' +
              '       zen_bench.mjs --graph GRAPH.json --input INPUT.json';

main().catch((err) => fail(String(err?.code).startsWith('ERR_PARSE_ARGS') ? `${err.message}\n${usage}`
                                                                          : (err?.stack ?? String(err))));
