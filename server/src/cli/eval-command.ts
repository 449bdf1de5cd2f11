// `agentgraph eval`: runs the `eval` blocks of specs (a file or a folder) and reports pass rates
// with 95% confidence intervals, per-assertion pass rates, cost and latency, and the failing cases
// with the failing assertion's expected and actual values. Formats: a table (default), JSON or
// JUnit XML on stdout; `--out DIR` also writes report.md, report.html, results.json, junit.xml.
//
// Exit codes: 0 every eval met its thresholds, 1 one did not (or could not run), 2 usage error.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadFixtures, parseFixtures, type FixtureFile } from '../runtime/providers/fixtures.ts';
import type { EvalIR, IR } from '../ir/schema.ts';
import { FileResponseCache } from '../runtime/cache.ts';
import { answersHuman, noHuman, type HumanChannel } from '../runtime/human.ts';
import { createProvider, realClock, VirtualClock, type ProviderName } from '../runtime/providers/index.ts';
import { withOpenAIOverrides } from '../runtime/providers/overrides.ts';
import type { Provider } from '../runtime/provider.ts';
import { loadCaseEntries, selectCases } from '../evals/dataset.ts';
import { rel, runEval, type CaseScript, type EvalResult, type SampleEnv } from '../evals/runner.ts';
import { formatTable, toHtml, toJUnit, toJson, toMarkdown } from '../evals/report.ts';
import { resolveRoot } from './check-command.ts';
import { useColor } from './format.ts';
import { loadCliSpecs } from './load.ts';
import { OPENAI_FLAG_OPTIONS, OPENAI_FLAGS_HELP, openAIOverridesFrom } from './openai-flags.ts';
import type { Command } from './main.ts';

export const EXIT_EVAL_FAILED = 1;

const HELP = `Usage: agentgraph eval <file|folder> [options]

Runs the eval blocks of the specs: every case \`repeat\` times, checks the assertions, and reports the
pass rate (with a 95% Wilson interval) against \`pass_rate\`, per-assertion pass rates, cost and
latency, and each failing case with its failing assertion (expected vs actual). An eval's
\`variants\` run too and are compared side by side; \`judge(…)\` assertions ask its \`judge:\` model.
A case row may carry \`fixtures\` (scripted model answers) and \`answers\` (for human nodes), each an
object or the path of a JSON file; they win over --fixtures and --answers.

Options:
  --eval NAME         Run only this eval.
  --case ID           Run only this case: its \`id\` field, else its 1-based number in the eval
                      (inline cases first, then the dataset's). Repeatable or comma-separated.
  --provider NAME     simulated (default: no key, no network, virtual time) or openai.
${OPENAI_FLAGS_HELP}  --seed N            Base seed (default 1); sample k of case i uses seed + i × repeat + k.
  --format FMT        table (default), json or junit (JUnit XML), on stdout.
  --out DIR           Also write report.md, report.html, results.json and junit.xml to DIR.
  --fixtures FILE     Scripted answers per agent for the simulated provider.
  --answers FILE      JSON answers for humans: { "human_name": answer | [answer, …] }. Without it,
                      a sample whose run waits for a person fails.
  --no-cache          Neither read nor write the response cache (.agentgraph/cache).
  --concurrency N     Samples running at once (default: the eval's \`concurrency\`, else 1).
  --root DIR          The workspace root; datasets must be inside it (default: the current directory).
  -h, --help          Show this help.

Exit codes: 0 every eval met its thresholds, 1 an eval failed, 2 usage error.
`;

interface Selected {
  ir: IR;
  ev: EvalIR;
}

function readAnswers(file: string): Record<string, unknown> {
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error(`${file}: expected a JSON object mapping human names to answers`);
  return data as Record<string, unknown>;
}

/**
 * Keeps the evals that hold at least one of the `--case` ids; an id no eval holds is a usage error
 * (with the ids that exist), so a typo does not look like an empty, passing run.
 */
function pickCases(selected: Selected[], ids: string[], root: string): Selected[] | string {
  const kept: Selected[] = [];
  const found = new Set<string>();
  const known: string[] = [];
  for (const x of selected) {
    let entries;
    try {
      entries = loadCaseEntries(x.ev, root);
    } catch {
      kept.push(x); // The runner reports the dataset problem as this eval's error.
      ids.forEach((id) => found.add(id));
      continue;
    }
    const { picked } = selectCases(entries, ids);
    picked.forEach((e) => found.add(e.id));
    known.push(...entries.map((e) => e.id));
    if (picked.length) kept.push(x);
  }
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) {
    const some = [...new Set(known)].slice(0, 20).join(', ');
    return `no case with id ${missing.map((m) => `'${m}'`).join(', ')}${some ? `; the cases are: ${some}${known.length > 20 ? ', …' : ''}` : ''}`;
  }
  return kept;
}

export const evalCommand: Command = {
  name: 'eval',
  summary: 'Run eval blocks and report pass rates, cost and failing cases',
  help: HELP,
  async run(args, ctx) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        eval: { type: 'string' },
        case: { type: 'string', multiple: true },
        provider: { type: 'string', default: 'simulated' },
        ...OPENAI_FLAG_OPTIONS,
        seed: { type: 'string' },
        format: { type: 'string', default: 'table' },
        out: { type: 'string' },
        fixtures: { type: 'string' },
        answers: { type: 'string' },
        'no-cache': { type: 'boolean' },
        concurrency: { type: 'string' },
        root: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      ctx.stdout.write(HELP);
      return 0;
    }
    if (positionals.length !== 1) return ctx.usageError(positionals.length ? 'expected one spec file or folder, got several' : 'expected a spec file or folder');
    const provider = values.provider as ProviderName;
    if (provider !== 'simulated' && provider !== 'openai') return ctx.usageError(`unknown provider '${values.provider}'; use simulated or openai`);
    const seed = values.seed === undefined ? 1 : Number(values.seed);
    if (!Number.isInteger(seed)) return ctx.usageError(`--seed must be an integer, got '${values.seed}'`);
    const format = values.format;
    if (format !== 'table' && format !== 'json' && format !== 'junit') return ctx.usageError(`unknown format '${format}'; use table, json or junit`);
    const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
    if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) return ctx.usageError(`--concurrency must be a positive integer, got '${values.concurrency}'`);
    if (provider === 'openai' && values.fixtures) return ctx.usageError('--fixtures only applies to the simulated provider');
    const overrides = openAIOverridesFrom(ctx, provider, values);
    if (typeof overrides === 'number') return overrides;
    const root = resolveRoot(ctx, values.root);
    if (typeof root === 'number') return root;
    if (!existsSync(path.resolve(ctx.cwd, positionals[0]!))) return ctx.usageError(`${positionals[0]} does not exist`);

    // Validate the side files up front, so a typo is a usage error and not N failed samples.
    let fixtures: FixtureFile | undefined;
    if (values.fixtures) {
      try {
        fixtures = loadFixtures(path.resolve(ctx.cwd, values.fixtures));
      } catch (err) {
        return ctx.usageError(err instanceof Error ? err.message : String(err));
      }
    }
    let answers: Record<string, unknown> | undefined;
    if (values.answers) {
      try {
        answers = readAnswers(path.resolve(ctx.cwd, values.answers));
      } catch (err) {
        return ctx.usageError(`cannot use the answers file: ${err instanceof Error ? err.message : String(err)}`);
      }
    }

    const compiled = loadCliSpecs(ctx, positionals[0]!, root);
    if (typeof compiled === 'number') return compiled;
    const { irs, broken } = compiled;
    const selected: Selected[] = irs.map((ir) => withOpenAIOverrides(ir, overrides)).flatMap((ir) => ir.evals.map((ev) => ({ ir, ev }))).filter((x) => !values.eval || x.ev.name === values.eval);
    if (selected.length === 0 && broken.length) return EXIT_EVAL_FAILED;
    if (selected.length === 0) return ctx.usageError(values.eval ? `no eval '${values.eval}' in ${positionals[0]}` : `no eval blocks in ${positionals[0]}`);
    const caseIds = values.case?.flatMap((c) => c.split(',')).map((c) => c.trim()).filter(Boolean);
    if (caseIds?.length === 0) return ctx.usageError('--case needs a case id');
    if (caseIds) {
      const picked = pickCases(selected, caseIds, root);
      if (typeof picked === 'string') return ctx.usageError(picked);
      selected.splice(0, selected.length, ...picked);
    }

    let shared: Provider | undefined;
    if (provider === 'openai') {
      try {
        shared = createProvider('openai', { env: ctx.env });
      } catch (err) {
        return ctx.usageError(err instanceof Error ? err.message : String(err));
      }
    }
    // A case's own answers and fixtures win over the files' (per human, per agent).
    const makeEnv = (s: number, script: CaseScript): SampleEnv => {
      const mine = answers || script.answers ? { ...answers, ...script.answers } : undefined;
      const human: HumanChannel = mine ? answersHuman(mine) : noHuman;
      if (shared) return { provider: shared, clock: realClock, human };
      const clock = new VirtualClock();
      const fx = script.fixtures ? parseFixtures({ agents: { ...fixtures?.agents, ...script.fixtures.agents } }) : fixtures;
      return { provider: createProvider('simulated', { seed: s, clock, fixtures: fx }), clock, human };
    };

    const dotDir = path.join(root, '.agentgraph');
    const cache = new FileResponseCache(path.join(dotDir, 'cache'));
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    const tty = ctx.stderr.isTTY === true;
    const results: { result: EvalResult; ev: EvalIR }[] = [];
    try {
      for (const { ir, ev } of selected) {
        const label = `${ev.name} (${rel(ir.source, ctx.cwd) ?? ir.source})`;
        if (!tty) ctx.stderr.write(`eval ${label}: running\n`);
        let failedSoFar = 0;
        const result = await runEval({
          ir,
          eval: ev,
          root,
          seed,
          makeEnv,
          concurrency,
          caseIds,
          cache,
          noCache: values['no-cache'] === true,
          runsDir: path.join(dotDir, 'runs'),
          signal: controller.signal,
          onSample: (s, done, total, variant) => {
            const what = variant ? `${label} variant ${variant}` : label;
            if (tty) {
              const width = 24;
              const fill = Math.round((done / total) * width);
              ctx.stderr.write(`\r\x1b[2Keval ${what} [${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${done}/${total}`);
            } else {
              // Off a terminal (CI logs, pipes) one line per finished set of samples, no redrawing.
              if (done === 1) failedSoFar = 0;
              if (!s.passed) failedSoFar++;
              if (done === total) ctx.stderr.write(`  ${variant ? `variant ${variant}: ` : ''}${done}/${total} samples run, ${failedSoFar} failed\n`);
            }
          },
        });
        if (tty) ctx.stderr.write('\r\x1b[2K');
        results.push({ result, ev });
        if (format === 'table') ctx.stdout.write(`${formatTable(result, ev, { color: useColor(ctx.stdout, ctx.env), cwd: ctx.cwd })}\n`);
        if (controller.signal.aborted) break;
      }
    } finally {
      process.removeListener('SIGINT', onSigint);
    }

    const all = results.map((x) => x.result);
    if (format === 'json') ctx.stdout.write(toJson(all));
    else if (format === 'junit') ctx.stdout.write(toJUnit(results));
    else {
      const failed = all.filter((r) => !r.passed);
      ctx.stdout.write(`${all.length - failed.length}/${all.length} evals passed${failed.length ? `; failed: ${failed.map((r) => r.name).join(', ')}` : ''}\n`);
      if (broken.length) ctx.stdout.write(`not run (the spec has errors): ${broken.join(', ')}\n`);
    }
    if (values.out) {
      const dir = path.resolve(ctx.cwd, values.out);
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(path.join(dir, 'report.md'), toMarkdown(results, dir, ctx.cwd));
        writeFileSync(path.join(dir, 'report.html'), toHtml(results, ctx.cwd));
        writeFileSync(path.join(dir, 'results.json'), toJson(all));
        writeFileSync(path.join(dir, 'junit.xml'), toJUnit(results));
        ctx.stderr.write(`reports written to ${path.relative(ctx.cwd, dir) || '.'}/ (report.md, report.html, results.json, junit.xml)\n`);
      } catch (err) {
        ctx.stderr.write(`agentgraph eval: cannot write reports to ${dir}: ${err instanceof Error ? err.message : String(err)}\n`);
        return EXIT_EVAL_FAILED;
      }
    }
    return all.every((r) => r.passed) && broken.length === 0 ? 0 : EXIT_EVAL_FAILED;
  },
};
