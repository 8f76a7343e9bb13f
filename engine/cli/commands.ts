import type { Command } from 'commander';

/**
 * Every command, by hand, in the order `plumb --help` lists them: its name, its one-line description, and its
 * registration — cli/<command>/index.ts, which declares arguments, options and help text and is imported only
 * when the command runs or its help is asked for (program.ts). The command's work is in its action.ts, imported
 * by the action itself (lazy.ts). So `plumb --help` and `plumb --version` import no command at all, and a command
 * imports only its own modules. engine/README.md shows the pattern; cli/startup.test.ts keeps it honest.
 */
export interface CommandEntry {
  name: string;
  description: string;
  load(): Promise<(program: Command) => void>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'validate', description: 'check the desired state: schemas, references, extends cycles, approvals, templates, expiries', load: async () => (await import('./validate/index.js')).registerValidate },
  { name: 'inventory', description: 'the inventory (SP 800-40 2.2): resources per system with their facts, what the program covers, and what it does not', load: async () => (await import('./inventory/index.js')).registerInventory },
  { name: 'hosts', description: 'the inventory\'s hosts: list them, pin their SSH host keys', load: async () => (await import('./hosts/index.js')).registerHosts },
  { name: 'facts', description: "gather hosts' real state over SSH in one round trip: OS, packages, files, settings, services, sockets", load: async () => (await import('./facts/index.js')).registerFacts },
  { name: 'plan', description: 'show what plumb would change on each host, and why, without changing anything', load: async () => (await import('./plan/index.js')).registerPlan },
  { name: 'apply', description: 'carry out the approved plan ring by ring, verify every change, and record it in the ledger', load: async () => (await import('./apply/index.js')).registerApply },
  { name: 'reconcile', description: 'the scheduled job: fetch the approved desired state, plan, apply ring by ring, verify, record', load: async () => (await import('./reconcile/index.js')).registerReconcile },
  { name: 'rollback', description: "undo one run on one host: files from the run's on-host backup, packages to their previous versions", load: async () => (await import('./rollback/index.js')).registerRollback },
  { name: 'rebuild', description: 'rebuild a quarantined (compromised) host: new host keys pinned, baseline from scratch, verified, then the quarantine lifted', load: async () => (await import('./rebuild/index.js')).registerRebuild },
  { name: 'rehearse', description: 'try a remediation on fresh lab copies of the baselines it targets, and print a verdict for the pull request', load: async () => (await import('./rehearse/index.js')).registerRehearse },
  { name: 'history', description: 'show the ledger: every run, newest first, with per host what was done, before → after, result and when', load: async () => (await import('./history/index.js')).registerHistory },
  { name: 'trace', description: 'every action ever taken on a host for one package, file, setting, unit or key: when, which run and commit, which requirement, approved by whom', load: async () => (await import('./trace/index.js')).registerTrace },
  { name: 'vulns', description: 'the vulnerabilities present on each host and system: fixed on the mirror?, remediation approved?, excepted?', load: async () => (await import('./vulns/index.js')).registerVulns },
  { name: 'propose', description: 'write patch remediations for open vulnerabilities that have a fix and no remediation yet, on a new branch', load: async () => (await import('./propose/index.js')).registerPropose },
  { name: 'metrics', description: 'measure the patch program: the SP 800-40 metrics per system, raw and per host, by severity, against targets', load: async () => (await import('./metrics/index.js')).registerMetrics },
  { name: 'report', description: 'write a static HTML report: compliance, metrics with charts, rollout per ring, and a page per host', load: async () => (await import('./report/index.js')).registerReport },
  { name: 'serve', description: 'a read-only HTTP API, live dashboard, Prometheus metrics and network admission checks', load: async () => (await import('./serve/index.js')).registerServe },
  { name: 'admit', description: 'may this host join the network? admit, quarantine or deny, with the reasons (SP 800-40 2.9.3)', load: async () => (await import('./admit/index.js')).registerAdmit },
  { name: 'version', description: 'order package versions exactly as dpkg or rpm would', load: async () => (await import('./version/index.js')).registerVersion },
  { name: 'lab', description: 'disposable real Debian hosts and a signed patch mirror, to test remediations before rollout (SP 800-40 2.6)', load: async () => (await import('./lab/index.js')).registerLab },
  { name: 'import', description: 'write a baseline from a SCAP Security Guide (SCAP 1.3 data stream) profile, listing the rules it cannot map', load: async () => (await import('./import/index.js')).registerImport },
  { name: 'advisories', description: 'import vulnerability advisories (OSV, CSAF/VEX, Debian security tracker) into the advisories/ store, list and show them', load: async () => (await import('./advisories/index.js')).registerAdvisories },
];
